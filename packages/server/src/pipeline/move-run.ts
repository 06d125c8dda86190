import { isFinalState } from '@tracecheck/core';
import type { Stage } from '../queue/queue';
import type { RunPatch, RunRecord, RunState, Scope } from '../store/store';
import type { PipelineContext } from './pipeline-context';
import {
  publishRunEvents,
  publishRunState,
  type RunEventInput,
  recordRunEvents,
  stateChanged,
} from './run-events';

/** A state change: the states it may start from, the new state with the fields it sets, and why. */
export interface RunMove {
  readonly from: readonly RunState[];
  readonly patch: RunPatch & { readonly state: RunState };
  readonly stage: RunEventInput['stage'];
  /** The `STATE_CHANGED` line's description. */
  readonly why: string;
  /** Decision events written before the state change, only by the stage that made it. */
  readonly events?: readonly RunEventInput[];
}

/**
 * Moves a run with a compare-and-set: only one caller ever wins a move, so a redelivered stage never
 * finishes a run twice. The new state and its events (the decisions, then `STATE_CHANGED`) are written
 * in one transaction; the winner then publishes them. A loser gets `undefined` (someone else moved the
 * run first) and writes nothing.
 */
export async function moveRun(
  context: PipelineContext,
  scope: Scope,
  runId: number,
  move: RunMove,
): Promise<RunRecord | undefined> {
  const finalState = isFinalState(move.patch.state);
  const patch = {
    ...move.patch,
    ...(finalState && move.patch.completedAt === undefined ? { completedAt: new Date(context.nowMs()) } : {}),
    ...(finalState && move.patch.verdict === undefined ? { verdict: false } : {}),
  };
  const events = [...(move.events ?? []), stateChanged(move.stage, move.patch.state, move.why)];
  const moved = await context.store.transitionRunWithEvents(scope, runId, move.from, patch, events);
  if (!moved) return undefined;
  await publishRunEvents(context, scope, moved, events);
  await publishRunState(context, scope, moved);
  return moved;
}

/** The stage that carries a run in `state` forward. */
export function stageOf(state: RunState): Stage {
  switch (state) {
    case 'CREATED':
    case 'EXECUTING':
      return 'trigger';
    case 'AWAITING_TRACE':
      return 'collect';
    case 'ANALYZING_TRACE':
    case 'AWAITING_TEST_RESULTS':
      return 'evaluate';
    default:
      return 'finish';
  }
}

/** Queues the stage of a run's current state (idempotent: every stage checks the state it finds). */
export async function publishStageOf(context: PipelineContext, scope: Scope, run: RunRecord): Promise<void> {
  await context.queue.publish({ stage: stageOf(run.state), ...scope, runId: run.id });
}

/** The stage whose move puts a run in `state`. */
function moverOf(state: RunState): RunEventInput['stage'] {
  switch (state) {
    case 'EXECUTING':
    case 'AWAITING_TRACE':
    case 'TRIGGER_FAILED':
      return 'trigger';
    case 'ANALYZING_TRACE':
    case 'TRACE_FAILED':
      return 'collect';
    case 'AWAITING_TEST_RESULTS':
    case 'FINISHED':
    case 'ANALYZING_ERROR':
    case 'ASSERTION_FAILED':
      return 'evaluate';
    default:
      return 'run';
  }
}

/**
 * A stage found the run already past it: someone moved it on. Queues the stage of its current state
 * (the mover may have died before queueing it). On a redelivery (`attempt` > 1) of the stage whose
 * move put the run in its current state, that move's worker may have died after its transaction and
 * before publishing: the state is published again (live clients and the run's group catch up). A
 * `STATE_CHANGED` line missing from the log (a run moved before state and events were written in one
 * transaction) is written then. A run moved further on needs no repair: its next stage was queued,
 * which happens after the publishing.
 */
export async function catchUpRun(
  context: PipelineContext,
  scope: Scope,
  run: RunRecord,
  delivery: { readonly attempt: number; readonly message: { readonly stage: Stage } },
): Promise<void> {
  const mover = moverOf(run.state);
  if (delivery.attempt > 1 && mover === delivery.message.stage) {
    const events = await context.store.listRunEvents(scope, run.id);
    const recorded = events.some(
      (event) => event.type === 'STATE_CHANGED' && event.data?.state === run.state,
    );
    if (!recorded) {
      await recordRunEvents(context, scope, run, [
        stateChanged(
          mover,
          run.state,
          'recorded by a later attempt: the worker that moved the run stopped before noting it',
        ),
      ]);
    }
    await publishRunState(context, scope, run);
  }
  await publishStageOf(context, scope, run);
}
