import { type TestRunSummaryView, toTestRunSummaryView, toTestSuiteRunView } from '../api/run-views';
import type { NewRunEvent, RunEvent, RunRecord, RunState, Scope, SuiteRunRecord } from '../store/store';
import type { PipelineContext } from './pipeline-context';
import { refreshRunGroup } from './run-group-events';

/**
 * Every kind of line in a run's event log (SPEC §7: each decision the pipeline makes). `STATE_CHANGED`
 * is written once per state a run enters, by the stage whose compare-and-set moved it.
 */
export type RunEventType =
  | 'RUN_CREATED'
  | 'STATE_CHANGED'
  | 'TRIGGER_SUCCEEDED'
  | 'TRIGGER_FAILED'
  | 'AGENT_UNAVAILABLE'
  | 'COLLECTION_STARTED'
  | 'SKIP_TRACE_COLLECTION'
  | 'DATA_STORE_ERROR'
  | 'TRACE_COLLECTED'
  | 'TRACE_NOT_FOUND'
  | 'ANALYZER_FINISHED'
  | 'OUTPUT_UNRESOLVED'
  | 'SPECS_EVALUATED'
  | 'RUN_FINISHED'
  | 'EVALUATION_FAILED'
  | 'RUN_STOPPED'
  | 'STAGE_GAVE_UP';

export interface RunEventInput {
  readonly type: RunEventType;
  readonly stage: RunEvent['stage'];
  readonly title: string;
  readonly description: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Appends events to a run's log and publishes each as a live `run-event`. */
export async function recordRunEvents(
  context: Pick<PipelineContext, 'store' | 'bus'>,
  scope: Scope,
  run: Pick<RunRecord, 'id' | 'testId'>,
  events: readonly RunEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  const rows: NewRunEvent[] = events.map((event) => ({ runId: run.id, ...event }));
  await context.store.appendRunEvents(scope, rows);
  await publishRunEvents(context, scope, run, events);
}

/** Publishes events already in a run's log as live `run-event`s, in order. */
export async function publishRunEvents(
  context: Pick<PipelineContext, 'bus'>,
  scope: Scope,
  run: Pick<RunRecord, 'id' | 'testId'>,
  events: readonly RunEventInput[],
): Promise<void> {
  for (const event of events) {
    await context.bus.publish({
      type: 'run-event',
      organizationId: scope.organizationId,
      environmentId: scope.environmentId,
      runId: run.id,
      testId: run.testId,
      payload: event,
    });
  }
}

/** The `STATE_CHANGED` line of a run that entered `state`. */
export function stateChanged(stage: RunEvent['stage'], state: RunState, why: string): RunEventInput {
  return { type: 'STATE_CHANGED', stage, title: `Run is ${state}`, description: why, data: { state } };
}

/**
 * A run as it travels on the bus: ids, state, verdict, counts and times, without the bodies that grow
 * with the trace (results, outputs, linter, trigger, gates); a 100k-span result would exceed NATS's
 * 1 MB payload. The live-event routes send clients the whole run, read from the store.
 */
function toSlimRunView(run: RunRecord, now: Date): Omit<TestRunSummaryView, 'requiredGatesResult'> {
  const { requiredGatesResult: _gates, ...slim } = toTestRunSummaryView(run, now);
  return slim;
}

/**
 * Publishes a run's current state as a live `run` event (a slim view marked `partial`: the event
 * routes load the whole run for their clients), then refreshes the summary of the run's group (a
 * suite step counts through its suite run).
 */
export async function publishRunState(
  context: Pick<PipelineContext, 'bus' | 'nowMs' | 'store'>,
  scope: Scope,
  run: RunRecord,
): Promise<void> {
  await context.bus.publish({
    type: 'run',
    organizationId: scope.organizationId,
    environmentId: scope.environmentId,
    runId: run.id,
    testId: run.testId,
    state: run.state,
    payload: toSlimRunView(run, new Date(context.nowMs())),
    partial: true,
  });
  if (run.runGroupId !== null && run.testSuiteRunId === null) {
    await refreshRunGroup(context, scope, run.runGroupId);
  }
}

/**
 * Publishes a suite run's current state, with its steps so far (slim, as in `publishRunState`), as a
 * live `suite-run` event marked `partial`.
 */
export async function publishSuiteRunState(
  context: Pick<PipelineContext, 'bus' | 'store' | 'nowMs'>,
  scope: Scope,
  suiteRun: SuiteRunRecord,
): Promise<void> {
  const steps = await Promise.all(suiteRun.stepRunIds.map((id) => context.store.getRun(scope, id)));
  const now = new Date(context.nowMs());
  const started = steps.filter((step) => step !== undefined);
  // Building the view only references the records; the steps are then swapped for slim ones.
  const view = toTestSuiteRunView(suiteRun, started, now);
  await context.bus.publish({
    type: 'suite-run',
    organizationId: scope.organizationId,
    environmentId: scope.environmentId,
    runId: suiteRun.id,
    suiteId: suiteRun.suiteId,
    state: suiteRun.state,
    payload: { ...view, steps: started.map((step) => toSlimRunView(step, now)) },
    partial: true,
  });
  if (suiteRun.runGroupId !== null) await refreshRunGroup(context, scope, suiteRun.runGroupId);
}
