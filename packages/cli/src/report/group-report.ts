import type { TestRunReport } from './run-report';

/** Why a run ended without a verdict on its assertions, and what to look at. */
export interface Diagnosis {
  /** The pipeline's own words: the decisive events of the run's log (`title: description`). */
  readonly why: readonly string[];
  /** What to check, in one sentence. */
  readonly check: string;
  /** The run's event log in the dashboard. */
  readonly eventsLink?: string;
}

/** How one run of the group ended. */
export type Verdict = 'passed' | 'failed' | 'error' | 'not-started';

/** A finished test run, as the group report shows it. */
export interface TestRunItem {
  readonly kind: 'test';
  /** The definition file, when the run came from one. */
  readonly file?: string;
  readonly testId: string;
  readonly runId: string;
  readonly report: TestRunReport;
  readonly durationMs: number;
  readonly diagnosis?: Diagnosis;
}

/** A finished test suite run with its steps. */
export interface SuiteRunItem {
  readonly kind: 'suite';
  readonly file?: string;
  readonly name: string;
  readonly suiteId: string;
  readonly runId: string;
  readonly link: string;
  readonly state: string;
  readonly passed: boolean;
  readonly steps: readonly TestRunItem[];
  readonly durationMs: number;
  readonly diagnosis?: Diagnosis;
}

/** A file that never became a run: unreadable, invalid, or refused by the server. */
export interface NotStartedItem {
  readonly kind: 'not-started';
  readonly file: string;
  readonly name?: string;
  /** SPEC §9.4: 3 for a missing file, 1 for every other reason. */
  readonly code: 1 | 3;
  readonly message: string;
}

export type RunItem = TestRunItem | SuiteRunItem | NotStartedItem;

/** Every run started by one `tracecheck run`, with what was skipped. */
export interface GroupReport {
  readonly runGroupId: string;
  readonly serverUrl: string;
  readonly items: readonly RunItem[];
  readonly skipped: readonly { readonly shown: string; readonly reason: string }[];
  readonly durationMs: number;
}

export function verdictOf(item: RunItem): Verdict {
  switch (item.kind) {
    case 'not-started':
      return 'not-started';
    case 'test':
      if (item.report.lastErrorState !== undefined) return 'error';
      return item.report.passed ? 'passed' : 'failed';
    case 'suite':
      if (item.passed) return 'passed';
      return item.steps.some((step) => verdictOf(step) === 'error') || item.diagnosis ? 'error' : 'failed';
  }
}

export function nameOf(item: RunItem): string {
  switch (item.kind) {
    case 'not-started':
      return item.name ?? item.file;
    case 'test':
      return item.report.testName;
    case 'suite':
      return item.name;
  }
}

export function linkOf(item: RunItem): string | undefined {
  switch (item.kind) {
    case 'not-started':
      return undefined;
    case 'test':
      return item.report.link;
    case 'suite':
      return item.link;
  }
}

export interface GroupCounts {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly notStarted: number;
}

export function countVerdicts(items: readonly RunItem[]): GroupCounts {
  const verdicts = items.map(verdictOf);
  const count = (v: Verdict) => verdicts.filter((x) => x === v).length;
  return {
    total: items.length,
    passed: count('passed'),
    failed: count('failed'),
    errors: count('error'),
    notStarted: count('not-started'),
  };
}

/**
 * The one exit code of a run (SPEC §9.4 and, for a group, SPEC §0): 0 when every run passed; else 3 if
 * a file was missing; else 1 if a run could not be started — or, in a group, ended in an error
 * state; else 2. A single run that ended in an error state exits 2 (§9.4).
 */
export function exitCodeOf(items: readonly RunItem[], group: boolean): 0 | 1 | 2 | 3 {
  if (items.length > 0 && items.every((item) => verdictOf(item) === 'passed')) return 0;
  if (items.some((item) => item.kind === 'not-started' && item.code === 3)) return 3;
  if (items.length === 0 || items.some((item) => item.kind === 'not-started')) return 1;
  if (group && items.some((item) => verdictOf(item) === 'error')) return 1;
  return 2;
}

/** `1.2 s`, `250 ms`, `2 m 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} m ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * Required gates that failed beyond `test-specs` (which failing assertions already show), e.g. an
 * analyzer score below the minimum.
 */
export function extraFailedGates(report: TestRunReport): string[] {
  const gates = report.gates;
  if (!gates || gates.passed) return [];
  return gates.failed.filter((gate) => gates.required.includes(gate) && gate !== 'test-specs');
}

/** `1 error`, `2 errors`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
