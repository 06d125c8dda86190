/**
 * What the HTTP API answers, as the dashboard reads it. The shapes follow the server's zod schemas
 * (`packages/server/src/api/api-schemas.ts`, also published at `/api/openapi.json`): field names are
 * Tracetest's, so Tracetest users recognise them (SPEC §10).
 */
import type { AnalyzerResult, RunState } from '@tracecheck/core';

export type { RunState };

/** `{key, value}` as used by headers, metadata and variables. */
export interface KeyValueView {
  readonly key: string;
  readonly value: string;
}

/** A test spec as stored: a selector and its assertions (SPEC §1.4). */
export interface TestSpecView {
  readonly selector: string;
  readonly name?: string;
  readonly assertions: readonly string[];
}

/** What the server adds to a stored test: the number of runs and the last run's counts. */
export interface TestSummaryView {
  readonly runs: number;
  readonly lastRun: {
    readonly time: string | null;
    readonly passes: number;
    readonly fails: number;
    readonly analyzerScore?: number;
  };
}

/** The trigger of a test: its `type` and the object named after it (SPEC §2). */
export interface TriggerView {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** `spec` of a stored test (SPEC §1.4) with the server's read-only fields. */
export interface TestView {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly trigger: TriggerView;
  readonly specs?: readonly TestSpecView[];
  readonly outputs?: readonly { readonly name: string; readonly selector: string; readonly value: string }[];
  readonly version?: number;
  readonly createdAt?: string;
  readonly summary?: TestSummaryView;
}

export interface TestResourceView {
  readonly type: 'Test';
  readonly spec: TestView;
}

/** A page of a list: `count` is the number of matches regardless of paging. */
export interface PageView<T> {
  readonly count: number;
  readonly items: readonly T[];
}

/** One span-level result of an assertion (SPEC §5.10); `spanId` is null when no span was selected. */
export interface SpanResultView {
  readonly spanId: string | null;
  readonly observedValue: string;
  readonly passed: boolean;
  readonly error?: string;
}

export interface AssertionResultView {
  readonly assertion: string;
  readonly allPassed: boolean;
  readonly spanResults: readonly SpanResultView[];
}

/** The result of one spec: its selector, and each assertion over each selected span. */
export interface SpecResultView {
  readonly name?: string;
  readonly selector: { readonly query: string };
  /** Set when the selector itself is invalid. */
  readonly error?: string;
  readonly results: readonly AssertionResultView[];
}

/** AssertionResults of SPEC §9.5: every spec of the test, in spec order. */
export interface AssertionResultsView {
  readonly allPassed: boolean;
  readonly results: readonly SpecResultView[];
}

/** SPEC §2.11 `error` of a trigger result, with the agent's hint of what to try. */
export interface TriggerErrorView {
  readonly connectionError: boolean;
  readonly runningOnContainer: boolean;
  readonly targetsLocalhost: boolean;
  readonly message: string;
  readonly hint?: string;
}

/** SPEC §2.11 trigger result: `{type, http|grpc|traceid|kafka|graphql: response}` or `{type, error}`. */
export interface TriggerResultView {
  readonly type: string;
  readonly error?: TriggerErrorView;
  readonly [key: string]: unknown;
}

export interface OutputView {
  readonly name: string;
  readonly spanId?: string;
  readonly value: string;
  readonly error?: string;
}

export interface RequiredGatesResultView {
  readonly required: readonly string[];
  readonly failed: readonly string[];
  readonly passed: boolean;
}

/** A test run (SPEC §10) without its trace; the dashboard reads the trace as OTLP/protobuf. */
export interface TestRunView {
  readonly id: string;
  readonly testId: string;
  readonly testVersion: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly runGroupId: string | null;
  readonly state: RunState;
  readonly lastErrorState: string | null;
  /** Whole seconds from creation to completion (or to now). */
  readonly executionTime: number;
  /** Milliseconds the trigger took. */
  readonly triggerTime: number;
  readonly createdAt: string;
  readonly serviceTriggeredAt: string | null;
  readonly serviceTriggerCompletedAt: string | null;
  readonly obtainedTraceAt: string | null;
  readonly completedAt: string | null;
  readonly variableSet: {
    readonly id: string | null;
    readonly values: readonly (KeyValueView & { readonly type: 'raw' | 'secret' })[];
  };
  readonly resolvedTrigger: TriggerView | null;
  readonly triggerResult: TriggerResultView | null;
  readonly result: AssertionResultsView | null;
  readonly linter: AnalyzerResult | null;
  readonly outputs: readonly OutputView[];
  readonly requiredGatesResult: RequiredGatesResultView | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** The suite and suite run this run is a step of; null for a run of its own. */
  readonly testSuiteId?: string | null;
  readonly testSuiteRunId?: string | null;
  readonly source: string;
  readonly branch: string | null;
  /** Span-level assertion results that passed / failed. */
  readonly pass: number;
  readonly fail: number;
  /** The verdict of SPEC §7.5; null while the run goes on. */
  readonly passed: boolean | null;
}

/** One line of a run's event log: a decision of the pipeline, in plain words. */
export interface RunEventView {
  readonly runId: string;
  readonly testId: string;
  readonly seq: number;
  readonly type: string;
  readonly stage: string;
  readonly title: string;
  readonly description: string;
  readonly createdAt: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** One Server-Sent Event of `/api/events/stream` (`data: <json>`). */
export interface LiveEventView {
  readonly type: 'run' | 'suite-run' | 'run-event' | 'spans';
  readonly runId: number;
  readonly testId?: string;
  /** The suite of a `suite-run` event. */
  readonly suiteId?: string;
  readonly state?: string;
  readonly payload?: unknown;
  /** True when the payload is a slim run the server could not read whole: read it again. */
  readonly partial?: boolean;
}

/** Body of every error answer of the API. */
export interface ApiErrorBody {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly hint?: string;
  readonly details?: unknown;
}

/** A stored resource of any kind (SPEC §1.1): `{type, spec}`. */
export interface ResourceView<S> {
  readonly type: string;
  readonly spec: S;
}

/** A run of a test suite with the runs of its steps so far. */
export interface SuiteRunView {
  readonly id: string;
  readonly testSuiteId: string;
  readonly version: number;
  readonly state: 'CREATED' | 'EXECUTING' | 'FINISHED' | 'FAILED' | 'STOPPED';
  readonly lastErrorState: string | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly executionTime: number;
  readonly steps: readonly TestRunView[];
  readonly pass: number;
  readonly fail: number;
  readonly allStepsRequiredGatesPassed: boolean;
  /** The run group the suite run belongs to (a CI job, a monitor tick); null when none. */
  readonly runGroupId: string | null;
  /** The variables the suite run started with (secrets masked), and the variable set they came from. */
  readonly variableSet: {
    readonly id: string | null;
    readonly values: readonly (KeyValueView & { readonly type: 'raw' | 'secret' })[];
  };
  readonly metadata: Readonly<Record<string, string>>;
}

/** What an agent found when it tried a data store: each step with its result. */
export interface ConnectionResultView {
  readonly passed: boolean;
  readonly steps: readonly {
    readonly step: string;
    readonly passed: boolean;
    readonly message: string;
    readonly error?: string;
  }[];
}

/** `details` of a 400 `DEFINITION_INVALID`: every problem of the definition. */
export interface DefinitionProblemView {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

// ---- spec editor, sign-in (run page, auth) -----------------------------------------------------

/** A spec as the dry run and the test definition take it. */
export interface SpecDraftView {
  readonly selector: string;
  readonly name?: string;
  readonly assertions: readonly string[];
}

/** `PUT /api/tests/<id>/run/<runId>/dry-run`: the specs evaluated on the stored trace, nothing saved. */
export interface DryRunResultView {
  readonly allPassed: boolean;
  readonly results: readonly SpecResultView[];
}

export interface SignInProviderView {
  readonly id: string;
  /** github, google or oidc */
  readonly kind: string;
  readonly displayName: string;
  readonly loginUrl: string;
}

export interface UserView {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
}

/** `GET /api/auth/session` */
export interface SessionView {
  readonly user: UserView;
  readonly session: { readonly kind: string; readonly provider: string | null; readonly expiresAt: string };
  readonly csrfToken: string | null;
}

export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly personal: boolean;
  readonly role?: string;
}

export interface EnvironmentView {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
}

/** `GET /api/me` */
export interface MeView extends UserView {
  readonly organizations: readonly OrganizationView[];
}

/** The organization and environment the dashboard works in (`x-organization-id`, `x-environment-id`). */
export interface ScopeChoice {
  readonly organizationId?: string;
  readonly environmentId?: string;
}

/** `GET /api/monitors/:id/runs/:runId`: a run of a monitor, what it started and its webhook calls. */
export interface MonitorRunView {
  readonly id: number;
  readonly monitorId: string;
  readonly executionType: 'MANUAL' | 'SCHEDULED';
  readonly scheduledFor: string | null;
  readonly state: 'CREATED' | 'EXECUTING' | 'FINISHED' | 'FAILED';
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly createdBy: string;
  /** True when every run passed; null until the monitor run ends. */
  readonly verdict: boolean | null;
  readonly lastError: string | null;
  readonly runs: readonly {
    readonly kind: 'test' | 'suite';
    readonly id: string;
    /** The test run or suite run; null when it could not start. */
    readonly runId: number | null;
    readonly error?: string;
  }[];
  readonly alertsPending: boolean;
  readonly alerts: readonly {
    readonly alertId: string;
    readonly event: 'FAILED' | 'SUCCEEDED';
    readonly url: string;
    readonly ok: boolean;
    readonly status: number | null;
    readonly attempts: number;
    readonly error: string | null;
    readonly deliveredAt: string;
  }[];
}

/** `GET /api/rungroups`: runs started together (one CI job, one monitor tick) with one verdict. */
export interface RunGroupView {
  readonly id: string;
  readonly state: 'CREATED' | 'RUNNING' | 'FINISHED';
  readonly status: string;
  /** True when the group finished and every run in it passed; null before. */
  readonly verdict: boolean | null;
  readonly summary: { readonly running: number; readonly passed: number; readonly failed: number };
  readonly createdAt: string;
  readonly finishedAt: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly source: string;
}

/** `GET /api/rungroups/:id`: the group with its test runs and suite runs. */
export interface RunGroupDetailView extends RunGroupView {
  readonly runs: readonly TestRunView[];
  readonly suiteRuns: readonly (Omit<SuiteRunView, 'steps'> & { readonly steps: readonly TestRunView[] })[];
}

/** Roles of an organization and of an environment (the server's permission table, SPEC §1.13). */
export type OrganizationRoleView = 'owner' | 'admin' | 'member' | 'biller';
export type EnvironmentRoleView = 'admin' | 'engineer' | 'runner';

/** `GET /api/organizations/:id/members`: a member with their organization and environment roles. */
export interface MemberView {
  readonly userId: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly role: OrganizationRoleView;
  /** When they joined. */
  readonly createdAt: string;
  /** Environment id → role. */
  readonly environmentRoles: Readonly<Record<string, EnvironmentRoleView>>;
}

/** An invite as listed; its code is never shown again after creation. */
export interface InviteView {
  readonly id: string;
  readonly kind: 'email' | 'link';
  readonly email: string | null;
  readonly role: OrganizationRoleView;
  readonly environments: readonly { readonly environmentId: string; readonly role: EnvironmentRoleView }[];
  readonly status: 'pending' | 'used' | 'expired' | 'revoked';
  readonly createdAt: string;
  readonly sentAt: string;
  readonly expiresAt: string | null;
  readonly maxUses: number | null;
  readonly uses: number;
}

/** `POST /api/organizations/:id/invites` (JSON form). */
export interface NewInviteInput {
  /** With an email: one use, for that address. Without: a shareable link. */
  readonly email?: string;
  readonly role: OrganizationRoleView;
  readonly environments?: readonly { readonly environmentId: string; readonly role: EnvironmentRoleView }[];
  /** ISO 8601, in the future. */
  readonly expiresAt?: string;
  readonly maxUses?: number;
}

/** A created (or resent) invite with its code, shown this once. */
export interface CreatedInviteView {
  readonly invite: InviteView;
  readonly code: string;
}

/** A token as listed: never its secret. */
export interface TokenView {
  readonly id: string;
  readonly kind: 'org' | 'env' | 'agent';
  readonly name: string;
  readonly role: string;
  readonly environmentId: string | null;
  readonly displayPrefix: string;
  /** The user who created it; null for tokens made by the server itself. */
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** A created token with its plaintext, shown this once (only its hash is stored). */
export interface CreatedTokenView {
  readonly token: TokenView;
  readonly plaintext: string;
}

/** One entry of the audit log. */
export interface AuditEntryView {
  readonly id: number;
  readonly environmentId: string | null;
  readonly actor: {
    readonly type: 'user' | 'token' | 'system';
    readonly id: string;
    readonly display: string;
  };
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly at: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Filters and paging of `GET /api/organizations/:id/audit`. */
export interface AuditQuery {
  /** An exact action, or a prefix ending in a dot (`token.`). */
  readonly action?: string;
  readonly resourceType?: string;
  readonly environmentId?: string;
  /** Entries written after this instant (ISO 8601), not at it. */
  readonly after?: string;
  /** Entries written before this instant (ISO 8601), not at it. */
  readonly before?: string;
  readonly take?: number;
  readonly skip?: number;
}

/** An access request to an environment. */
export interface AccessRequestView {
  readonly id: string;
  readonly environmentId: string;
  readonly userId: string;
  readonly role: EnvironmentRoleView;
  readonly message: string;
  readonly status: 'pending' | 'approved' | 'denied';
  readonly createdAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}
