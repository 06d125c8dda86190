import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentHub } from '../agent-link/agent-hub';
import { createMemoryLinkRelay } from '../agent-link/link-relay';
import type { EventBus } from '../events/event-bus';
import { createNatsEventBus } from '../events/nats-event-bus';
import { createPipelineContext } from '../pipeline/create-pipeline-workers';
import { createRunService } from '../pipeline/create-run-service';
import { moveRun } from '../pipeline/move-run';
import type { PipelineContext } from '../pipeline/pipeline-context';
import { createMemoryQueue } from '../queue/memory-queue';
import { checkNatsForTests, createTestSuffix, TEST_NATS_URL } from '../queue/testing/nats-for-tests';
import { createPgliteStore } from '../store/pglite-store';
import type { Scope, Store } from '../store/store';
import { createApiServer, createHeaderScopeResolver } from './create-api-server';
import { registerEventSocketRoute } from './event-socket-route';
import { type EventSocketClient, openEventSocket } from './testing/event-socket-client';

/**
 * Two api replicas, each with its own NATS connection (as separate processes would have), sharing one
 * store: a client on replica 1 receives what replica 2 publishes. Needs a NATS server
 * (TRACECHECK_TEST_NATS_URL, default nats://127.0.0.1:4222); skipped loudly without one, unless
 * TRACECHECK_REQUIRE_SERVICES=1.
 */
const natsReachable = await checkNatsForTests('live-event WebSocket across replicas');
const logger = pino({ level: 'silent' });
const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };

interface Replica {
  readonly app: FastifyInstance;
  readonly bus: EventBus;
  readonly context: PipelineContext;
  readonly wsBase: string;
}

describe.skipIf(!natsReachable)('GET /api/events/ws across two api replicas on NATS', () => {
  const subjectPrefix = `tc-test.${createTestSuffix()}.events`;
  const stopping = new AbortController();
  let store: Store;
  const replicas: Replica[] = [];
  const clients: EventSocketClient[] = [];

  async function startReplica(name: string): Promise<Replica> {
    const bus = await createNatsEventBus({
      servers: TEST_NATS_URL,
      subjectPrefix,
      logger,
      connectionName: name,
    });
    const queue = createMemoryQueue({ logger, maxDeliveries: 3, backoffMs: [100], ackTimeoutMs: 30_000 });
    const agents = createAgentHub({
      store,
      bus,
      relay: createMemoryLinkRelay(),
      logger,
      serverVersion: 'test',
    });
    const context = createPipelineContext({ store, queue, bus, agents, logger }, stopping.signal);
    const resolveScope = createHeaderScopeResolver(SCOPE);
    const app = createApiServer({
      store,
      bus,
      runs: createRunService(context),
      logger,
      resolveScope,
      version: 'test',
      ready: () => true,
    });
    await registerEventSocketRoute(app, { store, bus, resolveScope });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const replica = { app, bus, context, wsBase: url.replace(/^http/, 'ws') };
    replicas.push(replica);
    return replica;
  }

  beforeAll(async () => {
    store = await createPgliteStore();
    await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Acme' });
    await store.upsertEnvironment(SCOPE, 'Prod');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    stopping.abort();
    for (const replica of replicas) {
      await replica.app.close();
      await replica.bus.close();
    }
    await store?.close();
  });

  it('delivers to a socket on replica 1 the run and group events replica 2 publishes', async () => {
    const first = await startReplica('api-1');
    const second = await startReplica('api-2');
    const applied = await second.app.inject({
      method: 'PUT',
      url: '/api/tests',
      payload: {
        type: 'Test',
        spec: {
          id: 'orders',
          name: 'Orders',
          trigger: { type: 'http', httpRequest: { method: 'GET', url: 'http://shop.local/orders' } },
          specs: [{ selector: 'span[name="GET /orders"]', assertions: ['attr:http.status_code = 200'] }],
        },
      },
    });
    expect(applied.statusCode).toBeLessThan(300);
    const created = await first.app.inject({
      method: 'POST',
      url: '/api/rungroups',
      payload: { id: 'shared' },
    });
    expect(created.statusCode).toBe(201);

    const client = await openEventSocket(`${first.wsBase}/api/events/ws?runGroupId=shared`);
    clients.push(client);
    await client.waitFor(() => client.messages.length === 1, 'the group’s current state');
    expect(client.messages[0]).toMatchObject({ type: 'run-group', runGroupId: 'shared', state: 'CREATED' });

    // Replica 2 starts a run in the group: its bus publishes the group's new summary.
    const started = await second.app.inject({
      method: 'POST',
      url: '/api/tests/orders/run',
      payload: { runGroupId: 'shared' },
    });
    expect(started.statusCode).toBe(200);
    const runId = Number(started.json().id);
    await client.waitFor(() => client.messages.length === 2, 'the RUNNING group event from replica 2');
    expect(client.messages[1]).toMatchObject({
      type: 'run-group',
      runGroupId: 'shared',
      state: 'RUNNING',
      payload: { summary: { running: 1 } },
    });

    client.send({ type: 'subscribe', runId });
    await client.waitFor(() => client.messages.length === 3, 'the run’s current state');
    // Replica 2's pipeline ends the run: the run's events and the group's FINISHED reach replica 1.
    await moveRun(second.context, SCOPE, runId, {
      from: ['CREATED'],
      patch: { state: 'FINISHED', passed: 1, failed: 0, verdict: true },
      stage: 'evaluate',
      why: 'the specs were evaluated',
    });
    await client.waitFor(
      () =>
        client.messages.some(
          (message) =>
            (message as { state?: string }).state === 'FINISHED' &&
            (message as { type?: string }).type === 'run-group',
        ),
      'the FINISHED group event',
    );
    const types = client.messages.slice(3).map((message) => {
      const { type, state } = message as { type: string; state?: string };
      return `${type}:${state ?? ''}`;
    });
    expect(types).toEqual(['run-event:', 'run:FINISHED', 'run-group:FINISHED']);
    expect(client.messages.at(-1)).toMatchObject({ payload: { status: 'succeed', verdict: true } });
    // The group subscription stays open (a finished group may get more runs).
    expect(client.closeCode()).toBeUndefined();
  });
});
