/**
 * The embedded control plane of the pipeline's tests, with real adapters: PGlite in memory, the
 * memory queue and bus, and a real agent on free loopback ports linked in-process.
 */

import { type Agent, createAgent, createAgentLinkSession } from '@tracecheck/agent';
import { isFinalState, type TestDefinitionSpec } from '@tracecheck/core';
import type {
  PipelineConfig,
  Queue,
  RunEvent,
  RunRecord,
  Scope,
  Stage,
  Store,
  SuiteRunRecord,
} from '@tracecheck/server';
import {
  type ControlPlane,
  createControlPlane,
  createMemoryEventBus,
  createMemoryQueue,
  createPgliteStore,
} from '@tracecheck/server';
import { pino } from 'pino';

export const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };

export interface EmbeddedPipeline {
  readonly plane: ControlPlane;
  readonly store: Store;
  /** The queue the workers consume: tests publish stage messages on it directly. */
  readonly queue: Queue;
  readonly agent: Agent;
  /** The agent's OTLP/HTTP traces URL. */
  readonly tracesUrl: string;
  applyTest(
    spec: Omit<TestDefinitionSpec, 'description' | 'skipTraceCollection' | 'outputs'> &
      Partial<TestDefinitionSpec> & { id: string },
  ): Promise<void>;
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

/** Where an injected crash strikes: before the stage's handler runs, or after it did its work (before the ack). */
export interface StageCrash {
  readonly stage: Stage;
  readonly when: 'before' | 'after';
  /** Deliveries per run that crash; `Infinity` for every one. */
  readonly times: number;
}

/**
 * A queue whose handlers "crash" as a dying worker would: the delivery throws, so the queue delivers
 * the message again (or dead-letters it). `crashes` lists `<stage>/<run>` per crash.
 */
export function injectStageCrashes(
  queue: Queue,
  plan: readonly StageCrash[],
): Queue & { readonly crashes: string[] } {
  const counts = new Map<string, number>();
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
          const key = `${stage}/${delivery.message.runId}`;
          const crash = plan.find((entry) => entry.stage === stage);
          const due = crash !== undefined && (counts.get(key) ?? 0) < crash.times;
          const strike = () => {
            counts.set(key, (counts.get(key) ?? 0) + 1);
            crashes.push(key);
            throw new Error(
              `simulated crash ${crash?.when} the ${stage} stage of run ${delivery.message.runId}`,
            );
          };
          if (due && crash.when === 'before') strike();
          await handler(delivery);
          if (due && crash.when === 'after') strike();
        },
        options,
      ),
  };
}

export async function startEmbeddedPipeline(
  options: EmbeddedPipelineOptions = {},
): Promise<EmbeddedPipeline> {
  const logger = pino({ level: 'silent' });
  const store = await createPgliteStore();
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Acme' });
  await store.upsertEnvironment(SCOPE, 'production');
  const baseQueue = createMemoryQueue({
    maxDeliveries: 5,
    backoffMs: [10, 50],
    ackTimeoutMs: 10_000,
    logger,
  });
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
    // Small enough that the big-trace test sends chunks announced without their bytes.
    agentLink: { agentWaitMs: 3000, maxInlineChunkChars: 64 * 1024 },
    // The embedded mode calls webhooks on this machine (test receivers listen on loopback).
    monitors: { webhooks: { allowPrivateNetworks: true } },
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
      bus
        .subscribe(topic, () => void check())
        .then((stop) => {
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
      waitFor(
        `${SCOPE.organizationId}.${SCOPE.environmentId}.run.${runId}`,
        () => store.getRun(SCOPE, runId),
        until,
      ),
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
