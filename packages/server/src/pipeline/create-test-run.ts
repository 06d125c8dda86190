import { bytesToHex, isSpanId, isTraceId } from '@tracecheck/core';
import type { RunRecord, RunVariable, Scope } from '../store/store';
import type { PipelineContext } from './pipeline-context';
import { publishRunState, recordRunEvents, stateChanged } from './run-events';
import { sealRunVariables } from './run-variables';

/** A test run to start: which test, with which (opened) variables, from where. */
export interface TestRunRequest {
  readonly testId: string;
  readonly testVersion: number;
  readonly variableSetId: string | null;
  /** The run's whole context in precedence order, secrets in plaintext (sealed before storing). */
  readonly variables: readonly RunVariable[];
  readonly requiredGates: readonly string[] | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly runGroupId: string | null;
  readonly testSuiteId: string | null;
  readonly testSuiteRunId: number | null;
  readonly source: string;
}

function randomId(
  context: Pick<PipelineContext, 'randomBytes'>,
  bytes: number,
  valid: (hex: string) => boolean,
): string {
  for (;;) {
    const hex = bytesToHex(context.randomBytes(bytes));
    if (valid(hex)) return hex;
  }
}

/**
 * Creates a run in state CREATED with a random trace id (16 bytes) and trigger span id (8 bytes) and
 * records it; the caller queues its trigger stage (`queueTrigger`) once it has noted the run.
 */
export async function createTestRun(
  context: PipelineContext,
  scope: Scope,
  request: TestRunRequest,
): Promise<RunRecord> {
  const run = await context.store.createRun(scope, {
    testId: request.testId,
    testVersion: request.testVersion,
    traceId: randomId(context, 16, isTraceId),
    spanId: randomId(context, 8, isSpanId),
    variableSetId: request.variableSetId,
    variables: sealRunVariables(scope, request.variables, context.secretBox),
    requiredGates: request.requiredGates,
    metadata: request.metadata,
    runGroupId: request.runGroupId,
    testSuiteId: request.testSuiteId,
    testSuiteRunId: request.testSuiteRunId,
    source: request.source,
    branch: request.metadata.branch ?? null,
  });
  await recordRunEvents(context, scope, run, [
    {
      type: 'RUN_CREATED',
      stage: 'run',
      title: 'Run created',
      description: `version ${run.testVersion} of test "${run.testId}" will run on trace ${run.traceId}`,
      data: { traceId: run.traceId, spanId: run.spanId, source: run.source },
    },
    stateChanged('run', 'CREATED', 'the run is queued for its trigger'),
  ]);
  await publishRunState(context, scope, run);
  return run;
}

/** Queues the trigger stage of a new run. */
export async function queueTrigger(context: PipelineContext, scope: Scope, run: RunRecord): Promise<void> {
  await context.queue.publish({ stage: 'trigger', ...scope, runId: run.id });
}
