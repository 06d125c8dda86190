import type { DeadLetterHandler } from '../queue/queue';
import type { RunState } from '../store/store';
import { moveRun, publishStageOf } from './move-run';
import type { PipelineContext } from './pipeline-context';
import { publishSuiteRunState } from './run-events';
import { scopeOf } from './stage-support';
import { isSuiteRunFinal } from './suite-step-stage';

/** The state a run fails with when a stage gives up on it, and the states that stage handles. */
const FAILURE_BY_STAGE = {
  trigger: { from: ['CREATED', 'EXECUTING'], state: 'TRIGGER_FAILED' },
  collect: { from: ['AWAITING_TRACE'], state: 'TRACE_FAILED' },
  evaluate: { from: ['ANALYZING_TRACE', 'AWAITING_TEST_RESULTS'], state: 'ANALYZING_ERROR' },
} as const satisfies Record<string, { from: readonly RunState[]; state: RunState }>;

/**
 * Fails the run (or suite run) of a message the queue gave up on, with the queue's reason: a run is
 * never left hanging. Idempotent: a run already past that stage is left as it is.
 */
export function createDeadLetterHandler(context: PipelineContext): DeadLetterHandler {
  return async (message, reason) => {
    const scope = scopeOf(message);
    const log = context.logger.child({ stage: message.stage, runId: message.runId });
    if (message.stage === 'finish') {
      log.error({ reason }, 'the finish stage of a run gave up; the run itself is final');
      return;
    }
    if (message.stage === 'suite-step') {
      const suiteRun = await context.store.getSuiteRun(scope, message.runId);
      if (!suiteRun || isSuiteRunFinal(suiteRun.state)) return;
      const updated = await context.store.updateSuiteRun(scope, suiteRun.id, {
        state: 'FAILED',
        lastErrorState: `the suite could not go on: ${reason}`,
        completedAt: new Date(context.nowMs()),
      });
      if (updated) await publishSuiteRunState(context, scope, updated);
      log.error({ reason }, 'a suite run failed: its step stage gave up');
      return;
    }
    const failure = FAILURE_BY_STAGE[message.stage];
    const description = `the ${message.stage} stage ${reason}`;
    const moved = await moveRun(context, scope, message.runId, {
      from: failure.from,
      patch: { state: failure.state, lastErrorState: description },
      stage: message.stage,
      why: description,
      events: [
        {
          type: 'STAGE_GAVE_UP',
          stage: message.stage,
          title: `The ${message.stage} stage gave up`,
          description,
        },
      ],
    });
    if (moved) {
      log.error({ reason, state: moved.state }, 'a run failed: its stage gave up');
      await publishStageOf(context, scope, moved);
    }
  };
}
