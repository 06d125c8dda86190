import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { AgentHub } from '../agent-link/agent-hub';
import type { EventBus } from '../events/event-bus';
import { type Queue, STAGES, type Stage, type StageHandler } from '../queue/queue';
import type { SecretBox } from '../store/secret-box';
import type { RunState, Scope, Store } from '../store/store';
import { createCollectStage } from './collect-stage';
import { createEvaluateStage } from './evaluate-stage';
import { createFinishStage } from './finish-stage';
import { createDeadLetterHandler } from './handle-dead-letter';
import { publishStageOf } from './move-run';
import { type PipelineConfig, type PipelineContext, resolvePipelineConfig } from './pipeline-context';
import { createSuiteStepStage, isSuiteRunFinal } from './suite-step-stage';
import { createTriggerStage } from './trigger-stage';

const UNFINISHED_STATES: readonly RunState[] = [
  'CREATED',
  'EXECUTING',
  'AWAITING_TRACE',
  'ANALYZING_TRACE',
  'AWAITING_TEST_RESULTS',
];

/** What the pipeline works with; time and randomness have production defaults and are faked in tests. */
export interface PipelineDependencies {
  readonly store: Store;
  readonly queue: Queue;
  readonly bus: EventBus;
  readonly agents: AgentHub;
  readonly logger: Logger;
  readonly config?: PipelineConfig;
  /** Opens the secret variables of runs; must be the box the API seals variable sets with. */
  readonly secretBox?: SecretBox;
  /** Wall clock, Unix ms. Default `Date.now`. */
  readonly nowMs?: () => number;
  /** Uniform in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** Builds the context the stages and the run service share; `signal` stops its waits. */
export function createPipelineContext(
  dependencies: PipelineDependencies,
  signal: AbortSignal,
): PipelineContext {
  // Every waiting stage and job listens to it: far more than the default warning threshold of 10.
  setMaxListeners(0, signal);
  return {
    store: dependencies.store,
    queue: dependencies.queue,
    bus: dependencies.bus,
    agents: dependencies.agents,
    logger: dependencies.logger,
    config: resolvePipelineConfig(dependencies.config),
    secretBox: dependencies.secretBox,
    nowMs: dependencies.nowMs ?? Date.now,
    random: dependencies.random ?? Math.random,
    randomBytes: dependencies.randomBytes ?? ((size) => new Uint8Array(cryptoRandomBytes(size))),
    signal,
  };
}

/** The workers of the run pipeline in this process. */
export interface PipelineWorkers {
  /** Subscribes every stage's consumer and the dead-letter handler. */
  start(): Promise<void>;
  /**
   * Queues again every run and suite run of `scope` that is not final, at the stage of its state: the
   * in-process queue of embedded mode loses its messages with the process. Returns how many.
   */
  resume(scope: Scope): Promise<number>;
  /**
   * Ends the waits of the stages in flight (a collecting run goes back to the queue for another
   * worker); close the queue afterwards so they are handed back. Idempotent.
   */
  stop(): void;
}

/**
 * Creates the stage consumers: trigger → collect → evaluate → finish, and suite-step. Each stage is
 * idempotent, keyed by (run, stage): it acts on the state it finds and moves the run with a
 * compare-and-set, so a redelivered message never fires a trigger twice or finishes a run twice.
 * @example
 * const workers = createPipelineWorkers({ store, queue, bus, agents: hub, logger });
 * await workers.start();
 */
export function createPipelineWorkers(dependencies: PipelineDependencies): PipelineWorkers {
  const stopping = new AbortController();
  const context = createPipelineContext(dependencies, stopping.signal);
  const handlers: Readonly<Record<Stage, StageHandler>> = {
    trigger: createTriggerStage(context),
    collect: createCollectStage(context),
    evaluate: createEvaluateStage(context),
    finish: createFinishStage(context),
    'suite-step': createSuiteStepStage(context),
  };
  return {
    async start() {
      context.queue.onDeadLetter(createDeadLetterHandler(context));
      for (const stage of STAGES) {
        const handler = handlers[stage];
        await context.queue.consume(
          stage,
          async (delivery) => {
            try {
              await handler(delivery);
            } catch (error) {
              context.logger.warn(
                { err: error, stage, runId: delivery.message.runId, attempt: delivery.attempt },
                'a pipeline stage failed; the queue delivers its message again',
              );
              throw error;
            }
          },
          { concurrency: context.config.concurrency[stage] },
        );
      }
    },
    async resume(scope) {
      const runs = await context.store.listRuns(scope, { states: UNFINISHED_STATES, take: 100_000 });
      for (const run of runs.items) await publishStageOf(context, scope, run);
      const suiteRuns = await context.store.listSuiteRuns(scope, { take: 100_000 });
      const unfinished = suiteRuns.items.filter((suiteRun) => !isSuiteRunFinal(suiteRun.state));
      for (const suiteRun of unfinished) {
        await context.queue.publish({ stage: 'suite-step', ...scope, runId: suiteRun.id });
      }
      if (runs.items.length + unfinished.length > 0) {
        context.logger.info(
          { runs: runs.items.length, suiteRuns: unfinished.length },
          'resumed unfinished runs',
        );
      }
      return runs.items.length + unfinished.length;
    },
    stop() {
      if (!stopping.signal.aborted) stopping.abort(new Error('the pipeline workers are stopping'));
    },
  };
}
