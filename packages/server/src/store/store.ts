/**
 * The one storage interface of the control plane. Two adapters implement it — PostgreSQL (`pg`) and
 * PGlite (embedded) — over one set of Kysely migrations, and both pass `describeStore()`.
 *
 * Everything is scoped by organization and environment (`Scope`). Resources are stored as JSON
 * documents (the `spec` of SPEC §1), tests with every version. A run's trace is written once, as one
 * compressed document.
 */

import type { IdentityStore } from '../identity/identity-store';
import type { SessionStore } from '../identity/sso/session-store';
import type { MonitorStore } from './monitor-store';
import type { RunGroupStore } from './run-group-store';

/** Every query is scoped: no method reads or writes across organizations or environments. */
export interface Scope {
  readonly organizationId: string;
  readonly environmentId: string;
}

export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface EnvironmentRecord {
  readonly organizationId: string;
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

/** Resource kinds stored as documents (SPEC §1.2). Singletons use id `current`. */
export type ResourceKind =
  | 'Test'
  | 'TestSuite'
  | 'VariableSet'
  | 'PollingProfile'
  | 'DataStore'
  | 'Analyzer'
  | 'Config'
  | 'Demo'
  | 'TestRunner'
  | 'Monitor';

export interface StoredResource<Spec = Record<string, unknown>> {
  readonly kind: ResourceKind;
  readonly id: string;
  /** Tests and suites are versioned (SPEC §1.3); other kinds stay at 1. */
  readonly version: number;
  /** The spec as given, with `id` set and the read-only version/createdAt/updatedAt/summary removed. */
  readonly spec: Spec;
  readonly createdAt: Date;
  /** When this version was written. */
  readonly updatedAt: Date;
}

/** Paging of every list: `take` defaults to `DEFAULT_PAGE_SIZE`, `skip` to 0. */
export interface PageQuery {
  readonly take?: number;
  readonly skip?: number;
  readonly sortDirection?: 'asc' | 'desc';
}

export const DEFAULT_PAGE_SIZE = 100;

export interface ListQuery extends PageQuery {
  /** Default `createdAt`; ties are broken by id. */
  readonly sortBy?: 'createdAt' | 'updatedAt' | 'name' | 'id';
  /** Case-insensitive substring of the name or id. */
  readonly query?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Every item matching the filters, regardless of `take`/`skip`. */
  readonly count: number;
}

export interface UpsertOutcome<Spec> {
  readonly resource: StoredResource<Spec>;
  readonly created: boolean;
  /** False when the update changed nothing (SPEC §1.3 "no-op update"); true on create. */
  readonly changed: boolean;
}

/** The state of a run (SPEC §7.1). */
export type RunState =
  | 'CREATED'
  | 'EXECUTING'
  | 'AWAITING_TRACE'
  | 'ANALYZING_TRACE'
  | 'AWAITING_TEST_RESULTS'
  | 'FINISHED'
  | 'TRIGGER_FAILED'
  | 'TRACE_FAILED'
  | 'ANALYZING_ERROR'
  | 'ASSERTION_FAILED'
  | 'STOPPED';

/** A test run row. JSON columns hold the objects of SPEC §10 as the pipeline produced them. */
export interface RunRecord {
  /** From one database sequence shared by every scope. */
  readonly id: number;
  readonly testId: string;
  readonly testVersion: number;
  readonly state: RunState;
  readonly traceId: string;
  readonly spanId: string;
  readonly lastErrorState: string | null;
  readonly createdAt: Date;
  readonly serviceTriggeredAt: Date | null;
  readonly serviceTriggerCompletedAt: Date | null;
  readonly obtainedTraceAt: Date | null;
  readonly completedAt: Date | null;
  readonly variableSetId: string | null;
  /** The run's variables (secret values encrypted by the caller, never stored in plaintext). */
  readonly variables: readonly RunVariable[];
  readonly requiredGates: readonly string[] | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly runGroupId: string | null;
  readonly testSuiteId: string | null;
  readonly testSuiteRunId: number | null;
  /** Where the run came from: cli, api, web, monitor, suite… (a list filter). */
  readonly source: string;
  /** The VCS branch given in metadata (a list filter). */
  readonly branch: string | null;
  /** JSON values; null until a stage sets them. */
  readonly resolvedTrigger: unknown;
  readonly triggerResult: unknown;
  readonly result: unknown;
  readonly outputs: unknown;
  readonly linter: unknown;
  readonly requiredGatesResult: unknown;
  readonly passed: number;
  readonly failed: number;
  /** True when the run ended and passed (SPEC §7.5); null while running. */
  readonly verdict: boolean | null;
}

export interface RunVariable {
  readonly key: string;
  readonly value: string;
  readonly type: 'raw' | 'secret';
}

/**
 * A run as lists show it: everything but the JSON values that grow with the trace (results per span,
 * outputs, analyzer findings, the trigger's request and response). The read of one run has them.
 */
export type RunSummaryRecord = Omit<
  RunRecord,
  'resolvedTrigger' | 'triggerResult' | 'result' | 'outputs' | 'linter'
>;

export type NewRun = Pick<
  RunRecord,
  | 'testId'
  | 'testVersion'
  | 'traceId'
  | 'spanId'
  | 'variableSetId'
  | 'variables'
  | 'requiredGates'
  | 'metadata'
  | 'runGroupId'
  | 'testSuiteId'
  | 'testSuiteRunId'
  | 'source'
  | 'branch'
>;

/** Fields a stage may set when it moves a run forward. An absent or undefined field is left as is. */
export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'state'
    | 'lastErrorState'
    | 'serviceTriggeredAt'
    | 'serviceTriggerCompletedAt'
    | 'obtainedTraceAt'
    | 'completedAt'
    | 'resolvedTrigger'
    | 'triggerResult'
    | 'result'
    | 'outputs'
    | 'linter'
    | 'requiredGatesResult'
    | 'passed'
    | 'failed'
    | 'verdict'
    | 'traceId'
  >
>;

/** Filters of the run list; the bounds of `createdAfter`/`createdBefore` are exclusive. */
export interface RunListQuery extends PageQuery {
  /** Default `id` (newest first with the default direction `desc`). */
  readonly sortBy?: 'createdAt' | 'id';
  readonly testId?: string;
  readonly states?: readonly RunState[];
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  readonly source?: string;
  readonly branch?: string;
  readonly runGroupId?: string;
  readonly testSuiteRunId?: number;
}

/** One line of a run's event log (SPEC §7; every decision the pipeline makes). */
export interface RunEvent {
  readonly runId: number;
  /** 1, 2, 3… per run, in append order. */
  readonly seq: number;
  readonly type: string;
  readonly stage: 'trigger' | 'collect' | 'evaluate' | 'finish' | 'suite' | 'run';
  readonly title: string;
  readonly description: string;
  readonly createdAt: Date;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type NewRunEvent = Omit<RunEvent, 'seq' | 'createdAt'>;

export type SuiteRunState = 'CREATED' | 'EXECUTING' | 'FINISHED' | 'FAILED' | 'STOPPED';

export interface SuiteRunRecord {
  /** From one database sequence shared by every scope. */
  readonly id: number;
  readonly suiteId: string;
  readonly suiteVersion: number;
  readonly state: SuiteRunState;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
  readonly variableSetId: string | null;
  readonly variables: readonly RunVariable[];
  readonly requiredGates: readonly string[] | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly runGroupId: string | null;
  /** Test run ids of the steps, in order. */
  readonly stepRunIds: readonly number[];
  readonly lastErrorState: string | null;
}

export type NewSuiteRun = Omit<
  SuiteRunRecord,
  'id' | 'createdAt' | 'completedAt' | 'stepRunIds' | 'state' | 'lastErrorState'
>;

export type SuiteRunPatch = Partial<
  Pick<SuiteRunRecord, 'state' | 'completedAt' | 'stepRunIds' | 'lastErrorState'>
>;

export interface SuiteRunListQuery extends PageQuery {
  /** Default `id` (newest first with the default direction `desc`). */
  readonly sortBy?: 'createdAt' | 'id';
  readonly suiteId?: string;
  readonly runGroupId?: string;
}

/** Options shared by both adapters. */
export interface StoreOptions {
  /** The clock stamping every `createdAt`/`updatedAt`; defaults to the system clock. */
  readonly now?: () => Date;
}

/**
 * Writes into a scope whose environment does not exist, or about a run that is not in the scope,
 * reject with a `TracecheckError` `NOT_FOUND`; reads simply find nothing.
 */
export interface Store {
  /** People, memberships, roles, invites, tokens, access requests and the audit log (same database). */
  readonly identity: IdentityStore;
  /** Sign-in sessions, sign-ins in flight and one-time codes (identity/sso, same database). */
  readonly sessions: SessionStore;

  // Tenancy (minimal: the identity issue adds people, roles and tokens).
  upsertOrganization(organization: { id: string; name: string }): Promise<OrganizationRecord>;
  /** The organization must exist. */
  upsertEnvironment(scope: Scope, name: string): Promise<EnvironmentRecord>;
  getEnvironment(scope: Scope): Promise<EnvironmentRecord | undefined>;
  listEnvironments(organizationId: string): Promise<readonly EnvironmentRecord[]>;

  // Resources (SPEC §1): upsert semantics of §1.3. The caller generates missing ids and handles
  // singletons; `versioned` kinds get a new version iff the spec changed.
  upsertResource<Spec extends Record<string, unknown>>(
    scope: Scope,
    kind: ResourceKind,
    id: string,
    spec: Spec,
    options?: { versioned?: boolean },
  ): Promise<UpsertOutcome<Spec>>;
  getResource<Spec = Record<string, unknown>>(
    scope: Scope,
    kind: ResourceKind,
    id: string,
    version?: number,
  ): Promise<StoredResource<Spec> | undefined>;
  listResources<Spec = Record<string, unknown>>(
    scope: Scope,
    kind: ResourceKind,
    query?: ListQuery,
  ): Promise<Page<StoredResource<Spec>>>;
  /** Oldest first. */
  listResourceVersions<Spec = Record<string, unknown>>(
    scope: Scope,
    kind: ResourceKind,
    id: string,
  ): Promise<readonly StoredResource<Spec>[]>;
  /**
   * Returns false when there was nothing to delete. The rows are kept (marked deleted); an upsert of
   * the same id creates the resource again, continuing its version numbers.
   */
  deleteResource(scope: Scope, kind: ResourceKind, id: string): Promise<boolean>;

  // Runs.
  createRun(scope: Scope, run: NewRun): Promise<RunRecord>;
  getRun(scope: Scope, runId: number): Promise<RunRecord | undefined>;
  listRuns(scope: Scope, query?: RunListQuery): Promise<Page<RunRecord>>;
  /** `listRuns` without the large JSON values: what list answers show (a 100k-span run's results stay out). */
  listRunSummaries(scope: Scope, query?: RunListQuery): Promise<Page<RunSummaryRecord>>;
  /**
   * Moves a run forward only if it is in one of `fromStates` (compare-and-set): the pipeline's
   * idempotency rests on this. Returns the updated run, or undefined when the run was not in one of
   * those states (someone else already did it).
   */
  transitionRun(
    scope: Scope,
    runId: number,
    fromStates: readonly RunState[],
    patch: RunPatch,
  ): Promise<RunRecord | undefined>;
  /**
   * `transitionRun` and `appendRunEvents` in one transaction: the events (of this run) are appended
   * only when the compare-and-set moved the run, so a state change is never stored without its events
   * or the other way round.
   */
  transitionRunWithEvents(
    scope: Scope,
    runId: number,
    fromStates: readonly RunState[],
    patch: RunPatch,
    events: readonly Omit<NewRunEvent, 'runId'>[],
  ): Promise<RunRecord | undefined>;
  /** Deletes the run with its events, buffered spans and trace. */
  deleteRun(scope: Scope, runId: number): Promise<boolean>;

  // Events of a run, in order.
  appendRunEvents(scope: Scope, events: readonly NewRunEvent[]): Promise<void>;
  listRunEvents(scope: Scope, runId: number): Promise<readonly RunEvent[]>;

  // Spans buffered while a run collects its trace (the agent pushes them as they arrive), and the
  // final trace written once as one compressed document.
  appendRunSpans(scope: Scope, runId: number, otlpProtobufChunks: readonly Uint8Array[]): Promise<void>;
  /** The buffered chunks in append order. */
  readRunSpans(scope: Scope, runId: number): Promise<readonly Uint8Array[]>;
  /**
   * Writes the run's trace once and discards its buffered chunks. Saving the same bytes again is a
   * no-op (a redelivered finish step); different bytes reject with `CONFLICT`.
   */
  saveRunTrace(scope: Scope, runId: number, otlpProtobuf: Uint8Array): Promise<void>;
  readRunTrace(scope: Scope, runId: number): Promise<Uint8Array | undefined>;

  // Suite runs.
  createSuiteRun(scope: Scope, run: NewSuiteRun): Promise<SuiteRunRecord>;
  getSuiteRun(scope: Scope, suiteRunId: number): Promise<SuiteRunRecord | undefined>;
  listSuiteRuns(scope: Scope, query?: SuiteRunListQuery): Promise<Page<SuiteRunRecord>>;
  updateSuiteRun(scope: Scope, suiteRunId: number, patch: SuiteRunPatch): Promise<SuiteRunRecord | undefined>;

  /** Run groups: stored groups of test runs and suite runs with one summary (run-group-store.ts). */
  readonly runGroups: RunGroupStore;

  /** Monitor runs and the claims of scheduled ticks (monitor-store.ts). */
  readonly monitors: MonitorStore;

  /** Waits for running queries, then releases the connections. Idempotent; later calls reject. */
  close(): Promise<void>;
}
