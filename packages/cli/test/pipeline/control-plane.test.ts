import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Agent,
  type AgentLinkSession,
  connectAgentLink,
  createAgent,
  createAgentLinkSession,
} from '@tracecheck/agent';
import { isFinalState } from '@tracecheck/core';
import type { RunRecord, Scope, Store } from '@tracecheck/server';
import {
  type ControlPlane,
  createControlPlane,
  createMemoryEventBus,
  createMemoryQueue,
  createPgliteStore,
} from '@tracecheck/server';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type OrderService, startOrderService } from './testing/order-service';

const logger = pino({ level: 'silent' });
const SCOPE: Scope = { organizationId: 'local', environmentId: 'default' };

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function startAgent(): Promise<{ agent: Agent; tracesUrl: string }> {
  const agent = createAgent({ otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0 } }, { logger });
  const addresses = await agent.start();
  cleanups.push(() => agent.stop());
  return { agent, tracesUrl: `${addresses.otlpHttp?.endpoint}/v1/traces` };
}

async function startService(tracesUrl: string, consumerDelayMs?: number): Promise<OrderService> {
  const service = await startOrderService({
    tracesUrl,
    ...(consumerDelayMs === undefined ? {} : { consumerDelayMs }),
  });
  cleanups.push(() => service.close());
  return service;
}

function plane(store: Store, options: Partial<Parameters<typeof createControlPlane>[0]> = {}): ControlPlane {
  return createControlPlane({
    mode: 'embedded',
    store,
    queue: createMemoryQueue({ maxDeliveries: 5, backoffMs: [10], ackTimeoutMs: 10_000, logger }),
    bus: createMemoryEventBus({ logger }),
    logger,
    version: '0.1.0',
    defaultScope: SCOPE,
    pipeline: { settleMs: 100, heartbeatMs: 1000 },
    agentLink: { agentWaitMs: 3000 },
    ...options,
  });
}

function testDefinition(id: string, url: string, specs: { selector: string; assertions: string[] }[]) {
  return {
    type: 'Test',
    spec: {
      id,
      name: id,
      trigger: {
        type: 'http',
        httpRequest: { method: 'POST', url, headers: [], body: '', sslVerification: false },
      },
      specs,
    },
  };
}

/** A TCP proxy to the control plane whose connections can all be cut at once (a network loss). */
async function startCuttableProxy(targetPort: string) {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(Number(targetPort), '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    cut() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function waitForFinalRun(store: Store, runId: number): Promise<RunRecord> {
  for (;;) {
    const run = await store.getRun(SCOPE, runId);
    if (run && isFinalState(run.state)) return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createControlPlane', () => {
  it('embedded: serves the API, runs a test started over HTTP with the in-process agent', async () => {
    const { agent, tracesUrl } = await startAgent();
    const service = await startService(tracesUrl);
    const session = createAgentLinkSession(agent, { agentVersion: '0.1.0', name: 'embedded' });
    cleanups.push(() => session.close());
    const store = await createPgliteStore();
    const controlPlane = plane(store, { embeddedAgent: (send) => session.open(send) });
    const { url } = await controlPlane.start();
    cleanups.push(() => controlPlane.stop());
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await store.getEnvironment(SCOPE)).toBeDefined();

    const applied = await fetch(`${url}/api/tests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        testDefinition('http-run', `${service.url}/orders`, [
          { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
        ]),
      ),
    });
    expect(applied.status).toBeLessThan(300);
    const started = await fetch(`${url}/api/tests/http-run/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(200);
    const { id } = (await started.json()) as { id: string };
    const run = await waitForFinalRun(store, Number(id));
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true, source: 'api' });

    const read = await fetch(`${url}/api/tests/http-run/run/${id}`);
    expect(await read.json()).toMatchObject({ id, state: 'FINISHED', passed: true });
  });

  it('serves the agent link on the API: a remote agent with a valid key runs the jobs; a wrong key is refused', async () => {
    const { agent, tracesUrl } = await startAgent();
    const service = await startService(tracesUrl);
    const store = await createPgliteStore();
    const controlPlane = plane(store, {
      mode: 'distributed',
      roles: ['api', 'worker'],
      authenticateAgent: async (token) => (token === 'tcagent_good' ? SCOPE : undefined),
    });
    const { url } = await controlPlane.start();
    cleanups.push(() => controlPlane.stop());

    const intruder = await startAgent();
    const refused = connectAgentLink({
      serverUrl: url ?? '',
      token: 'tcagent_bad',
      agent: intruder.agent,
      agentVersion: '0.1.0',
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    cleanups.push(() => refused.close());

    const link = connectAgentLink({
      serverUrl: url ?? '',
      token: 'tcagent_good',
      agent,
      agentVersion: '0.1.0',
      name: 'remote',
    });
    cleanups.push(() => link.close());
    await link.waitUntilConnected();
    expect(controlPlane.agents.connectedAgents(SCOPE)).toEqual([expect.objectContaining({ name: 'remote' })]);

    await store.upsertResource(
      SCOPE,
      'Test',
      'remote-run',
      testDefinition('remote-run', `${service.url}/orders`, [
        { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
      ]).spec,
      { versioned: true },
    );
    const outcome = await controlPlane.runs.startTestRun(SCOPE, 'remote-run', { source: 'test' });
    if (!outcome.ok) throw new Error('the run did not start');
    const run = await waitForFinalRun(store, outcome.run.id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true });
    expect(service.requestsOf(run.traceId)).toHaveLength(1);
    expect(refused.status()).not.toBe('connected');
  });

  it('the agent link resumes after a network loss mid-trigger, and the run finishes once', async () => {
    const { agent, tracesUrl } = await startAgent();
    const service = await startOrderService({ tracesUrl, respondAfterMs: 500 });
    cleanups.push(() => service.close());
    const store = await createPgliteStore();
    const controlPlane = plane(store, {
      mode: 'distributed',
      roles: ['api', 'worker'],
      authenticateAgent: async (token) => (token === 'tcagent_good' ? SCOPE : undefined),
      agentLink: { resendMs: 100, outcomeCheckMs: 200, agentWaitMs: 10_000 },
    });
    const { url } = await controlPlane.start();
    cleanups.push(() => controlPlane.stop());
    const proxy = await startCuttableProxy(new URL(url ?? '').port);
    cleanups.push(() => proxy.close());
    const link = connectAgentLink({
      serverUrl: `http://127.0.0.1:${proxy.port}`,
      token: 'tcagent_good',
      agent,
      agentVersion: '0.1.0',
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      session: { resendMs: 100 },
    });
    cleanups.push(() => link.close());
    await link.waitUntilConnected();

    await store.upsertResource(
      SCOPE,
      'Test',
      'cut',
      testDefinition('cut', `${service.url}/orders`, [
        { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
      ]).spec,
      { versioned: true },
    );
    const outcome = await controlPlane.runs.startTestRun(SCOPE, 'cut', { source: 'test' });
    if (!outcome.ok) throw new Error('the run did not start');
    // The service holds its answer for 500 ms: cut the network while the trigger waits for it.
    while (service.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    proxy.cut();
    const run = await waitForFinalRun(store, outcome.run.id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true });
    expect(service.requestsOf(run.traceId)).toHaveLength(1);
    expect(proxy.connections()).toBeGreaterThanOrEqual(2);
  });

  it('embedded: a restarted control plane resumes the runs the previous process left unfinished', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tracecheck-resume-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const { agent, tracesUrl } = await startAgent();
    // The consumer span comes 1.5 s after the response: the first process stops while the run waits for it.
    const service = await startService(tracesUrl, 1500);
    const session: AgentLinkSession = createAgentLinkSession(agent, {
      agentVersion: '0.1.0',
      name: 'embedded',
    });
    cleanups.push(() => session.close());

    const firstStore = await createPgliteStore({ dataDir });
    const first = plane(firstStore, {
      embeddedAgent: (send) => session.open(send),
      http: { host: '127.0.0.1', port: 0 },
    });
    await first.start();
    await firstStore.upsertResource(
      SCOPE,
      'Test',
      'resumed',
      testDefinition('resumed', `${service.url}/orders`, [
        { selector: 'span[name="orders process"]', assertions: ['attr:messaging.system = "kafka"'] },
      ]).spec,
      { versioned: true },
    );
    const outcome = await first.runs.startTestRun(SCOPE, 'resumed', { source: 'test' });
    if (!outcome.ok) throw new Error('the run did not start');
    for (;;) {
      const run = await firstStore.getRun(SCOPE, outcome.run.id);
      if (run?.state === 'AWAITING_TRACE' && (await firstStore.readRunSpans(SCOPE, run.id)).length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await first.stop();

    const secondStore = await createPgliteStore({ dataDir });
    const second = plane(secondStore, { embeddedAgent: (send) => session.open(send) });
    await second.start();
    cleanups.push(() => second.stop());
    const run = await waitForFinalRun(secondStore, outcome.run.id);
    expect(run).toMatchObject({ state: 'FINISHED', verdict: true });
    expect(service.requestsOf(run.traceId)).toHaveLength(1);
    const attempts = (await secondStore.listRunEvents(SCOPE, run.id)).filter(
      (event) => event.type === 'COLLECTION_STARTED',
    );
    expect(attempts.length).toBe(2);
  });
});
