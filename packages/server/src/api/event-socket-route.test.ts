import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus, LiveEvent } from '../events/event-bus';
import { createMemoryEventBus } from '../events/memory-event-bus';
import { createPgliteStore } from '../store/pglite-store';
import type { NewRun, Scope, Store } from '../store/store';
import { createHeaderScopeResolver } from './create-api-server';
import { registerEventSocketRoute } from './event-socket-route';
import { handleApiError } from './handle-api-error';
import { type EventSocketClient, openEventSocket } from './testing/event-socket-client';

const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };
const logger = pino({ level: 'silent' });

const NEW_RUN: NewRun = {
  testId: 'orders',
  testVersion: 1,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  variableSetId: null,
  variables: [],
  requiredGates: null,
  metadata: {},
  runGroupId: null,
  testSuiteId: null,
  testSuiteRunId: null,
  source: 'cli',
  branch: null,
};

function runEvent(runId: number, state: string): LiveEvent {
  return { type: 'run', ...SCOPE, runId, testId: 'orders', state };
}

let store: Store;
let bus: EventBus;
let app: FastifyInstance;
let base: string;
const clients: EventSocketClient[] = [];

async function connect(query = ''): Promise<EventSocketClient> {
  const client = await openEventSocket(`${base}/api/events/ws${query}`);
  clients.push(client);
  return client;
}

async function startServer(heartbeatMs: number): Promise<{ app: FastifyInstance; base: string }> {
  const server = Fastify();
  server.setErrorHandler(handleApiError);
  await registerEventSocketRoute(server, {
    store,
    bus,
    resolveScope: createHeaderScopeResolver(SCOPE),
    heartbeatMs,
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return { app: server, base: url.replace(/^http/, 'ws') };
}

beforeAll(async () => {
  store = await createPgliteStore();
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Acme' });
  await store.upsertEnvironment(SCOPE, 'Prod');
  bus = createMemoryEventBus({ logger });
  ({ app, base } = await startServer(60_000));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

describe('GET /api/events/ws', () => {
  it('sends a run’s current state, then its events as the SSE JSON, and closes after the final state', async () => {
    const run = await store.createRun(SCOPE, NEW_RUN);
    const client = await connect(`?runId=${run.id}`);
    await client.waitFor(() => client.messages.length === 1, 'the current state');
    expect(client.messages[0]).toMatchObject({
      type: 'run',
      organizationId: 'acme',
      environmentId: 'prod',
      runId: run.id,
      testId: 'orders',
      state: 'CREATED',
      payload: { id: String(run.id), state: 'CREATED' },
    });
    await bus.publish(runEvent(run.id + 1000, 'EXECUTING'));
    await bus.publish(runEvent(run.id, 'EXECUTING'));
    await bus.publish({ type: 'run-event', ...SCOPE, runId: run.id, payload: { type: 'TRACE_COLLECTED' } });
    await bus.publish(runEvent(run.id, 'FINISHED'));
    await client.waitFor(() => client.closeCode() !== undefined, 'the socket to close after FINISHED');
    expect(client.closeCode()).toBe(1000);
    expect(client.messages.slice(1)).toEqual([
      runEvent(run.id, 'EXECUTING'),
      { type: 'run-event', ...SCOPE, runId: run.id, payload: { type: 'TRACE_COLLECTED' } },
      runEvent(run.id, 'FINISHED'),
    ]);
  });

  it('follows the environment without a query, and more targets through subscribe messages', async () => {
    await store.runGroups.ensure(SCOPE, { id: 'nightly', metadata: {}, source: 'cli' });
    const environment = await connect();
    const follower = await connect('?runGroupId=nightly');
    await follower.waitFor(() => follower.messages.length === 1, 'the group’s current state');
    expect(follower.messages[0]).toMatchObject({
      type: 'run-group',
      runId: 0,
      runGroupId: 'nightly',
      state: 'CREATED',
      payload: { id: 'nightly', status: 'created' },
    });

    const run = await store.createRun(SCOPE, NEW_RUN);
    follower.send({ type: 'subscribe', runId: run.id });
    await follower.waitFor(() => follower.messages.length === 2, 'the run’s current state');
    const group: LiveEvent = {
      type: 'run-group',
      ...SCOPE,
      runId: 0,
      runGroupId: 'nightly',
      state: 'RUNNING',
    };
    await bus.publish(group);
    await bus.publish(runEvent(run.id, 'EXECUTING'));
    await follower.waitFor(() => follower.messages.length === 4, 'the group and the run events');
    expect(follower.messages.slice(2)).toEqual([group, runEvent(run.id, 'EXECUTING')]);

    follower.send({ type: 'unsubscribe', runId: run.id });
    follower.send({ type: 'subscribe', runId: 999_999 });
    await follower.waitFor(() => follower.messages.length === 5, 'the error of an unknown run');
    expect(follower.messages[4]).toMatchObject({
      type: 'error',
      status: 404,
      code: 'NOT_FOUND',
      detail: expect.stringContaining('run 999999 not found'),
    });
    await bus.publish(runEvent(run.id, 'AWAITING_TRACE'));
    await bus.publish({ ...group, state: 'FINISHED' });
    await follower.waitFor(() => follower.messages.length === 6, 'the group event after the unsubscribe');
    expect(follower.messages[5]).toEqual({ ...group, state: 'FINISHED' });

    await environment.waitFor(() => environment.messages.length === 4, 'every event of the environment');
    expect(environment.messages).toEqual([
      group,
      runEvent(run.id, 'EXECUTING'),
      runEvent(run.id, 'AWAITING_TRACE'),
      { ...group, state: 'FINISHED' },
    ]);
  });

  it('answers a bad message with an error message and keeps the socket', async () => {
    const client = await connect();
    client.send({ type: 'watch', runId: 1 });
    client.socket.send('not json');
    client.send({ type: 'subscribe', runId: 1, suiteRunId: 2 });
    await client.waitFor(() => client.messages.length === 3, 'three errors');
    expect(client.messages).toMatchObject([
      {
        type: 'error',
        code: 'REQUEST_INVALID',
        detail: expect.stringContaining('"subscribe" or "unsubscribe"'),
      },
      { type: 'error', code: 'REQUEST_INVALID', detail: expect.stringContaining('must be JSON') },
      {
        type: 'error',
        code: 'REQUEST_INVALID',
        detail: expect.stringContaining('not "runId" and "suiteRunId"'),
      },
    ]);
    expect(client.closeCode()).toBeUndefined();
  });

  it.each([
    ['a run id that is not a number', '?runId=abc', 400, 'REQUEST_INVALID', 'must be a run number'],
    ['two targets', '?runId=1&suiteRunId=2', 400, 'REQUEST_INVALID', 'not "runId" and "suiteRunId"'],
    ['an unknown run', '?runId=424242', 404, 'NOT_FOUND', 'run 424242 not found'],
    ['an unknown suite run', '?suiteRunId=424242', 404, 'NOT_FOUND', 'suite run 424242 not found'],
    ['an unknown group', '?runGroupId=ghost', 404, 'NOT_FOUND', 'run group "ghost" not found'],
  ])('refuses %s over HTTP before the upgrade', async (_, query, status, code, detail) => {
    const refused = await connect(query).catch((error: unknown) => error as Error);
    expect(refused).toBeInstanceOf(Error);
    const match = /^refused (\d+) (.*)$/s.exec((refused as Error).message);
    expect(Number(match?.[1])).toBe(status);
    expect(JSON.parse(match?.[2] ?? '{}')).toMatchObject({ code, detail: expect.stringContaining(detail) });
  });

  it('pings while idle, and closes every socket when the server stops', async () => {
    const { app: pinging, base: pingingBase } = await startServer(50);
    const client = await openEventSocket(`${pingingBase}/api/events/ws`);
    try {
      await client.waitFor(() => client.pings() >= 2, 'two pings');
      await pinging.close();
      await client.waitFor(() => client.closeCode() !== undefined, 'the close on server stop');
      // 1001 from this route, or 1005 when @fastify/websocket's own pre-close hook ran first.
      expect([1001, 1005]).toContain(client.closeCode());
    } finally {
      await pinging.close();
    }
  });
});
