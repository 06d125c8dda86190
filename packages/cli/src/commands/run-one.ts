import type { OutputResult, RequiredGate, SpecResult } from '@tracecheck/core';
import { diagnoseRun } from '../report/diagnose-run';
import type { Diagnosis, RunItem, SuiteRunItem, TestRunItem } from '../report/group-report';
import type { TestRunReport } from '../report/run-report';
import type { ServerClient, StartOutcome, SuiteRunJson, TestRunJson } from '../server-client';
import type { RunProgress } from './run-progress';

/** What every run of one `tracecheck run` shares. */
export interface RunContext {
  readonly client: ServerClient;
  readonly progress: RunProgress;
  readonly runGroupId: string;
  readonly variableSetId?: string;
  readonly requiredGates?: readonly RequiredGate[];
  readonly skipResultWait: boolean;
  readonly nowMs: () => number;
}

/** What to run: a stored test or suite, with where it came from. */
export interface RunTarget {
  readonly kind: 'test' | 'suite';
  readonly id: string;
  readonly name: string;
  /** The definition file, when there is one; also the progress key. */
  readonly file?: string;
  /** Number of steps of a suite, for the progress line. */
  readonly stepCount?: number;
  /** A stored version of a test to run (`--resource-version`); default the latest. */
  readonly version?: number;
}

/** A run that was only started (`-W`): what to print. */
export interface StartedRun {
  readonly kind: 'started';
  readonly name: string;
  readonly link: string;
}

function baseUrl(client: ServerClient): string {
  return client.serverUrl.replace(/\/+$/, '');
}

/** The dashboard pages of a test run (web router: `/test/:testId/run/:runId/:tab`). */
export function testRunLinks(client: ServerClient, testId: string, runId: string) {
  const run = `${baseUrl(client)}/test/${encodeURIComponent(testId)}/run/${runId}`;
  return { link: `${run}/test`, eventsLink: `${run}/events` };
}

function durationMsOf(run: { createdAt?: string; completedAt?: string | null }, fallbackMs: number): number {
  if (run.createdAt && run.completedAt) {
    const ms = Date.parse(run.completedAt) - Date.parse(run.createdAt);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  return fallbackMs;
}

function toReport(run: TestRunJson, testName: string, link: string): TestRunReport {
  const error = run.state !== 'FINISHED';
  return {
    testName,
    link,
    traceId: run.traceId,
    state: run.state,
    ...(error ? { lastErrorState: run.lastErrorState ?? run.state } : {}),
    allPassed: run.result?.allPassed ?? false,
    passed: run.passed === true,
    results: (run.result?.results ?? []) as SpecResult[],
    outputs: run.outputs as OutputResult[],
    ...(run.requiredGatesResult ? { gates: run.requiredGatesResult } : {}),
    executionTimeSeconds: run.executionTime,
  };
}

function missingVariablesText(outcome: StartOutcome<unknown>): string {
  if (outcome.ok) return '';
  const keys = outcome.missingVariables.flatMap((m) => m.variables.map((v) => v.key));
  return `missing variables ${keys.join(', ')}: give them in a variable set with --vars FILE (or ID)`;
}

function startInfo(context: RunContext) {
  return {
    source: 'cli',
    metadata: {},
    runGroupId: context.runGroupId,
    ...(context.variableSetId ? { variableSetId: context.variableSetId } : {}),
    ...(context.requiredGates ? { requiredGates: context.requiredGates } : {}),
  };
}

/** A finished test run as the report shows it, with a diagnosis when it ended in an error state. */
async function describeTestRun(
  context: RunContext,
  run: TestRunJson,
  name: string,
  file: string | undefined,
  fallbackMs: number,
): Promise<TestRunItem> {
  const { link, eventsLink } = testRunLinks(context.client, run.testId, run.id);
  const report = toReport(run, name, link);
  let diagnosis: Diagnosis | undefined;
  if (report.lastErrorState !== undefined) {
    const events = await context.client.getRunEvents(run.testId, run.id).catch(() => []);
    diagnosis = diagnoseRun({
      state: run.state,
      lastErrorState: run.lastErrorState,
      traceId: run.traceId,
      events,
      eventsLink,
    });
  }
  return {
    kind: 'test',
    ...(file ? { file } : {}),
    testId: run.testId,
    runId: run.id,
    report,
    durationMs: durationMsOf(run, fallbackMs),
    ...(diagnosis ? { diagnosis } : {}),
  };
}

function verdictDetail(state: string, payload: unknown): string {
  if (state !== 'FINISHED') return '';
  const passed = (payload as { passed?: unknown } | undefined)?.passed;
  return passed === true ? '✔ passed' : '✘ failed';
}

/**
 * Starts a stored test or suite in the group, follows its live events into the progress line, and
 * answers the finished run (or, with `-W`, that it started).
 */
export async function runTarget(context: RunContext, target: RunTarget): Promise<RunItem | StartedRun> {
  const key = target.file ?? target.id;
  const startedAtMs = context.nowMs();
  if (target.kind === 'test') {
    const started = await context.client.startTestRun(target.id, {
      ...startInfo(context),
      ...(target.version === undefined ? {} : { version: target.version }),
    });
    if (!started.ok) return notStarted(context, target, missingVariablesText(started));
    const runId = started.run.id;
    if (context.skipResultWait) {
      context.progress.update(key, started.run.state);
      return {
        kind: 'started',
        name: target.name,
        link: testRunLinks(context.client, target.id, runId).link,
      };
    }
    await context.client.waitForFinalState('runId', runId, (state, event) => {
      if (event.type === 'run') context.progress.update(key, state, verdictDetail(state, event.payload));
    });
    const run = await context.client.getTestRun(target.id, runId);
    return describeTestRun(context, run, target.name, target.file, context.nowMs() - startedAtMs);
  }
  const started = await context.client.startSuiteRun(target.id, startInfo(context));
  if (!started.ok) return notStarted(context, target, missingVariablesText(started));
  const runId = started.run.id;
  const link = `${baseUrl(context.client)}/testsuite/${encodeURIComponent(target.id)}/run/${runId}`;
  if (context.skipResultWait) {
    context.progress.update(key, started.run.state);
    return { kind: 'started', name: target.name, link };
  }
  await context.client.waitForFinalState('suiteRunId', runId, (state, event) => {
    // The final state is shown once the suite run is read, with its verdict.
    if (event.type !== 'suite-run' || state === 'FINISHED' || state === 'FAILED' || state === 'STOPPED')
      return;
    const steps = (event.payload as { steps?: unknown[] } | undefined)?.steps?.length ?? 0;
    const detail = target.stepCount ? `step ${Math.max(1, steps)}/${target.stepCount}` : '';
    context.progress.update(key, state, detail);
  });
  const suite = await context.client.getSuiteRun(target.id, runId);
  return describeSuiteRun(context, suite, target, link, context.nowMs() - startedAtMs);
}

async function describeSuiteRun(
  context: RunContext,
  suite: SuiteRunJson,
  target: RunTarget,
  link: string,
  fallbackMs: number,
): Promise<SuiteRunItem> {
  const names = new Map<string, string>();
  for (const step of suite.steps) {
    if (names.has(step.testId)) continue;
    const test = await context.client.getResource('tests', step.testId).catch(() => undefined);
    names.set(step.testId, test?.name ?? step.testId);
  }
  const steps = await Promise.all(
    suite.steps.map((step) =>
      describeTestRun(context, step, names.get(step.testId) ?? step.testId, undefined, 0),
    ),
  );
  const passed =
    suite.state === 'FINISHED' &&
    steps.every((step) => step.report.passed && step.report.lastErrorState === undefined);
  const diagnosis: Diagnosis | undefined =
    suite.state !== 'FINISHED' && !steps.some((step) => step.diagnosis)
      ? {
          why: [suite.lastErrorState ?? `the suite run ended ${suite.state}`],
          check:
            steps.length < (target.stepCount ?? 0)
              ? `only ${steps.length} of ${target.stepCount} steps ran: the suite run's error says why it stopped`
              : "the suite run's steps in the dashboard",
        }
      : undefined;
  context.progress.update(target.file ?? target.id, suite.state, passed ? '✔ passed' : '✘ failed');
  return {
    kind: 'suite',
    ...(target.file ? { file: target.file } : {}),
    name: target.name,
    suiteId: target.id,
    runId: suite.id,
    link,
    state: suite.state,
    passed,
    steps,
    durationMs: durationMsOf(suite, fallbackMs),
    ...(diagnosis ? { diagnosis } : {}),
  };
}

function notStarted(context: RunContext, target: RunTarget, message: string): RunItem {
  context.progress.update(target.file ?? target.id, 'NOT STARTED', message);
  return {
    kind: 'not-started',
    file: target.file ?? target.id,
    name: target.name,
    code: 1,
    message: `${target.name}: ${message}`,
  };
}
