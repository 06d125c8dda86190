import { isFinalState } from '@tracecheck/core';
import type { StageHandler } from '../queue/queue';
import type { PipelineContext } from './pipeline-context';
import { scopeOf, stopWatchingTrace } from './stage-support';

/**
 * The finish stage of a run that reached a final state: ends the agent's watch of its trace and, for
 * a suite step, queues the suite's next step. Idempotent: both are safe to repeat.
 */
export function createFinishStage(context: PipelineContext): StageHandler {
  return async (delivery) => {
    const scope = scopeOf(delivery.message);
    const run = await context.store.getRun(scope, delivery.message.runId);
    if (!run || !isFinalState(run.state)) return;
    stopWatchingTrace(context, scope, run);
    if (run.testSuiteRunId !== null) {
      await context.queue.publish({ stage: 'suite-step', ...scope, runId: run.testSuiteRunId });
    }
  };
}
