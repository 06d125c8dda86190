import type { OutputResult, SpecResult } from '@tracecheck/core';

/** Result of required gates (SPEC §7.5). */
export interface GatesReport {
  readonly required: readonly string[];
  readonly failed: readonly string[];
  readonly passed: boolean;
}

/** Everything the CLI prints about one finished test run, whatever produced it. */
export interface TestRunReport {
  readonly testName: string;
  /** Link to the run in the dashboard; absent for offline runs. */
  readonly link?: string;
  readonly traceId?: string;
  readonly state: string;
  /** Set when the run ended in an error state: why, in words. */
  readonly lastErrorState?: string;
  readonly allPassed: boolean;
  readonly passed: boolean;
  readonly results: readonly SpecResult[];
  readonly outputs: readonly OutputResult[];
  readonly gates?: GatesReport;
  readonly executionTimeSeconds: number;
}
