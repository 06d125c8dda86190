import type { RunRecord, Scope, SuiteRunRecord } from '../store/store';

/** Body of "start a run" (SPEC §10 RunInformation). */
export interface RunInformation {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly variableSetId?: string;
  readonly runGroupId?: string;
  readonly variables?: readonly { readonly key: string; readonly value: string }[];
  readonly requiredGates?: readonly string[];
  /** cli, api, web, monitor… (a list filter). */
  readonly source?: string;
  /** The stored version of the test to run; default its latest. Test runs only (a suite runs its own). */
  readonly version?: number;
}

/** A variable the run needs and nobody gave (SPEC §6.3); the API answers 422 with the list. */
export interface MissingVariables {
  readonly testId: string;
  readonly variables: readonly { readonly key: string; readonly defaultValue: string }[];
}

export type StartRunOutcome =
  | { readonly ok: true; readonly run: RunRecord }
  | { readonly ok: false; readonly missingVariables: readonly MissingVariables[] };

export type StartSuiteRunOutcome =
  | { readonly ok: true; readonly run: SuiteRunRecord }
  | { readonly ok: false; readonly missingVariables: readonly MissingVariables[] };

/** What an assertion dry-run returns: the specs evaluated on a stored trace, nothing saved. */
export interface DryRunResult {
  readonly allPassed: boolean;
  readonly results: unknown;
}

/**
 * The run operations the API exposes, implemented by the run pipeline. The API only validates input,
 * checks permissions and calls these.
 */
export interface RunService {
  startTestRun(scope: Scope, testId: string, info: RunInformation): Promise<StartRunOutcome>;
  startSuiteRun(scope: Scope, suiteId: string, info: RunInformation): Promise<StartSuiteRunOutcome>;
  /** Evaluates the test's current specs again on the run's stored trace, as a new run. */
  rerun(scope: Scope, testId: string, runId: number): Promise<RunRecord>;
  stopRun(scope: Scope, testId: string, runId: number): Promise<RunRecord>;
  stopSuiteRun(scope: Scope, suiteId: string, suiteRunId: number): Promise<SuiteRunRecord>;
  /** Ends trace collection now and evaluates what arrived (SPEC §7.3). */
  skipTraceCollection(scope: Scope, testId: string, runId: number): Promise<RunRecord>;
  dryRun(scope: Scope, testId: string, runId: number, specs: unknown): Promise<DryRunResult>;
}
