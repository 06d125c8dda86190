/**
 * What the monitor tests run on (test code only): a "replica" of the worker role over a given store —
 * the real run service and, when asked, the real pipeline workers (with no agent connected, so a
 * trigger fails after `agentWaitMs`: a monitor whose agent is down) — and webhook receivers on
 * loopback HTTP servers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createAgentHub } from '../agent-link/agent-hub';
import { createMemoryLinkRelay } from '../agent-link/link-relay';
import { createMemoryEventBus } from '../events/memory-event-bus';
import { createPipelineContext, createPipelineWorkers } from '../pipeline/create-pipeline-workers';
import { createRunService } from '../pipeline/create-run-service';
import type { RunService } from '../pipeline/run-service';
import { createMemoryQueue } from '../queue/memory-queue';
import type { SecretBox } from '../store/secret-box';
import type { Scope, Store } from '../store/store';
import type { WebhookOptions } from './deliver-webhook';
import { createMonitorScheduler, type MonitorScheduler } from './monitor-scheduler';

export interface MonitorReplica {
  readonly runs: RunService;
  readonly scheduler: MonitorScheduler;
  close(): Promise<void>;
}

export interface MonitorReplicaOptions {
  readonly nowMs: () => number;
  readonly workerName: string;
  /** Run the pipeline's stage workers, so runs reach a final state. */
  readonly pipelineWorkers?: boolean;
  readonly secretBox?: SecretBox;
  /** Over the rig's webhook options (fast retries, loopback allowed). */
  readonly webhooks?: WebhookOptions;
}

export async function startMonitorReplica(
  store: Store,
  options: MonitorReplicaOptions,
): Promise<MonitorReplica> {
  const logger = pino({ level: 'silent' });
  const queue = createMemoryQueue({ maxDeliveries: 5, backoffMs: [10, 50], ackTimeoutMs: 10_000, logger });
  const bus = createMemoryEventBus({ logger });
  const relay = createMemoryLinkRelay();
  const agents = createAgentHub({ store, bus, relay, logger, serverVersion: '0.1.0', agentWaitMs: 200 });
  const dependencies = {
    store,
    queue,
    bus,
    agents,
    logger,
    nowMs: options.nowMs,
    ...(options.secretBox ? { secretBox: options.secretBox } : {}),
  };
  const stopping = new AbortController();
  const runs = createRunService(createPipelineContext(dependencies, stopping.signal));
  const workers = options.pipelineWorkers ? createPipelineWorkers(dependencies) : undefined;
  await workers?.start();
  const scheduler = createMonitorScheduler({
    store,
    runs,
    logger,
    nowMs: options.nowMs,
    workerName: options.workerName,
    publicUrl: 'https://tracecheck.example',
    // The test receivers listen on loopback, which webhooks may not reach by default.
    webhooks: {
      maxAttempts: 3,
      backoffMs: [50],
      timeoutMs: 5000,
      allowPrivateNetworks: true,
      ...options.webhooks,
    },
    ...(options.secretBox ? { secretBox: options.secretBox } : {}),
  });
  return {
    runs,
    scheduler,
    async close() {
      workers?.stop();
      await scheduler.stop();
      stopping.abort();
      await queue.close();
      await agents.close();
      await relay.close();
      await bus.close();
    },
  };
}

export interface ReceivedWebhook {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Resolves once `count` requests arrived. */
  waitFor(count: number): Promise<readonly ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A loopback HTTP server answering each request with the next of `statuses` (the last one repeats). */
export async function startWebhookReceiver(statuses: readonly number[] = [200]): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      response.writeHead(status).end();
      for (const waiter of waiters.filter((entry) => received.length >= entry.count)) waiter.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitFor: (count) =>
      new Promise((resolve) => {
        if (received.length >= count) return resolve(received);
        waiters.push({ count, resolve: () => resolve(received) });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Resolves when `check` answers a value (checked every 20 ms), or rejects after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A test whose HTTP trigger nobody fires without an agent. */
export async function applyPingTest(store: Store, scope: Scope, id: string): Promise<void> {
  await store.upsertResource(
    scope,
    'Test',
    id,
    {
      id,
      name: `Ping ${id}`,
      description: '',
      skipTraceCollection: false,
      outputs: [],
      trigger: {
        type: 'http',
        httpRequest: {
          method: 'GET',
          url: 'http://127.0.0.1:9/ping',
          headers: [],
          body: '',
          sslVerification: false,
        },
      },
      specs: [],
    },
    { versioned: true },
  );
}
