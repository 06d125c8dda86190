/**
 * The embedded control plane of the pipeline's tests, with real adapters: PGlite in memory, the
 * memory queue and bus, and a real agent on free loopback ports linked in-process.
 */
import { isFinalState, type TestDefinitionSpec } from '@tracecheck/core';
import { pino } from 'pino';
// TEMPORARY-UNTIL-AGENT-EXPORT
import { type Agent, createAgent } from '../../../../agent/src/create-agent';
import { createAgentLinkSession } from '../../../../agent/src/link/index';
import { type ControlPlane, createControlPlane } from '../../control-plane';
import { createMemoryEventBus } from '../../events/memory-event-bus';
import { createMemoryQueue } from '../../queue/memory-queue';
import type { Queue, Stage } from '../../queue/queue';
import { createPgliteStore } from '../../store/pglite-store';
import type { RunEvent, RunRecord, Scope, Store, SuiteRunRecord } from '../../store/store';
import type { PipelineConfig } from '../pipeline-context';

export const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };

export interface EmbeddedPipeline {
  readonly plane: ControlPlane;
  readonly store: Store;
  /** The queue the workers consume: tests publish stage messages on it directly. */
  readonly queue: Queue;
  readonly agent: Agent;
  /** The agent's OTLP/HTTP traces URL. */
  readonly tracesUrl: string;
  applyTest(spec: Omit<TestDefinitionSpec, 'description' | 'skipTraceCollection' | 'outputs'> & Partial<TestDefinitionSpec> & { id: string }): Promise<void>;
  /** Resolves with the run once `until` holds (default: it is in a final state), checked on each of its events. */
  waitForRun(runId: number, until?: (run: RunRecord) => boolean | Promise<boolean>): Promise<RunRecord>;
  waitForSuiteRun(suiteRunId: number): Promise<SuiteRunRecord>;
  events(runId: number): Promise<readonly RunEvent[]>;
  close(): Promise<void>;
}

export interface EmbeddedPipelineOptions {
  readonly pipeline?: PipelineConfig;
  /** Wraps the queue the workers consume (fault injection in tests). */
  readonly wrapQueue?: (queue: Queue) => Queue;
}

/**
 * A queue whose handlers "crash" once per (stage, run) right after their work, before the ack: the
 * message is delivered again, as after a worker that died at the worst moment.
 */
export function crashOnceBeforeAck(queue: Queue, stages: readonly Stage[]): Queue & { readonly crashes: string[] } {
  const crashed = new Set<string>();
  const crashes: string[] = [];
  return {
    crashes,
    publish: (message) => queue.publish(message),
    onDeadLetter: (handler) => queue.onDeadLetter(handler),
    close: () => queue.close(),
    consume: (stage, handler, options) =>
      queue.consume(
        stage,
        async (delivery) => {
          await handler(delivery);
          const key = `${stage}/${delivery.message.runId}`;
          if (stages.includes(stage) && !crashed.has(key)) {
            crashed.add(key);
            crashes.push(key);
            throw new Error(`simulated crash after the ${stage} stage of run ${delivery.message.runId}, before its ack`);
          }
        },
        options,
      ),
  };
}

export async function startEmbeddedPipeline(options: EmbeddedPipelineOptions = {}): Promise<EmbeddedPipeline> {
  const logger = pino({ level: 'silent' });
  const store = await createPgliteStore();
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Acme' });
  await store.upsertEnvironment(SCOPE, 'production');
  const baseQueue = createMemoryQueue({ maxDeliveries: 5, backoffMs: [10, 50], ackTimeoutMs: 10_000, logger });
  const queue = options.wrapQueue ? options.wrapQueue(baseQueue) : baseQueue;
  const bus = createMemoryEventBus({ logger });
  const agent = createAgent({ otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0 } }, { logger });
  const addresses = await agent.start();
  const session = createAgentLinkSession(agent, { agentVersion: '0.1.0', name: 'embedded', spanBatchMs: 5 });
  const plane = createControlPlane({
    mode: 'embedded',
    store,
    queue,
    bus,
    logger,
    version: '0.1.0',
    defaultScope: SCOPE,
    embeddedAgent: (send) => session.open(send),
    pipeline: { settleMs: 100, triggerTimeoutMs: 5000, heartbeatMs: 1000, ...options.pipeline },
    agentLink: { agentWaitMs: 3000 },
  });
  await plane.start();

  const waitFor = <T>(
    topic: string,
    read: () => Promise<T | undefined>,
    done: (value: T) => boolean | Promise<boolean>,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let unsubscribe: (() => void) | undefined;
      let finished = false;
      const check = () =>
        read().then(async (value) => {
          if (finished || value === undefined || !(await done(value)) || finished) return;
          finished = true;
          unsubscribe?.();
          resolve(value);
        }, reject);
      bus.subscribe(topic, () => void check()).then((stop) => {
        unsubscribe = stop;
        if (finished) stop();
        void check();
      }, reject);
    });

  return {
    plane,
    store,
    queue,
    agent,
    tracesUrl: `${addresses.otlpHttp?.endpoint}/v1/traces`,
    async applyTest(spec) {
      await store.upsertResource(
        SCOPE,
        'Test',
        spec.id,
        { description: '', skipTraceCollection: false, outputs: [], ...spec },
        { versioned: true },
      );
    },
    waitForRun: (runId, until = (run) => isFinalState(run.state)) =>
      waitFor(`${SCOPE.organizationId}.${SCOPE.environmentId}.run.${runId}`, () => store.getRun(SCOPE, runId), until),
    waitForSuiteRun: (suiteRunId) =>
      waitFor(
        `${SCOPE.organizationId}.${SCOPE.environmentId}.suite.${suiteRunId}`,
        () => store.getSuiteRun(SCOPE, suiteRunId),
        (run) => run.state === 'FINISHED' || run.state === 'FAILED' || run.state === 'STOPPED',
      ),
    events: (runId) => store.listRunEvents(SCOPE, runId),
    async close() {
      await plane.stop();
      session.close();
      await agent.stop();
    },
  };
}
