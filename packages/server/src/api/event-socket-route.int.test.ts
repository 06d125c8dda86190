import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveRun } from '../pipeline/move-run';
import { checkNatsForTests } from '../queue/testing/nats-for-tests';
import type { Scope } from '../store/store';
import { type ApiReplicas, createApiReplicas, ORDERS_TEST } from './testing/api-replicas';
import { type EventSocketClient, openEventSocket } from './testing/event-socket-client';

/**
 * Two api replicas, each with its own NATS connection (as separate processes would have), sharing one
 * store: a client on replica 1 receives what replica 2 publishes. Needs a NATS server
 * (TRACECHECK_TEST_NATS_URL, default nats://127.0.0.1:4222); skipped loudly without one, unless
 * TRACECHECK_REQUIRE_SERVICES=1.
 */
const natsReachable = await checkNatsForTests('live-event WebSocket across replicas');
const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };

describe.skipIf(!natsReachable)('GET /api/events/ws across two api replicas on NATS', () => {
  let replicas: ApiReplicas;
  const clients: EventSocketClient[] = [];

  beforeAll(async () => {
    replicas = await createApiReplicas(SCOPE);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await replicas?.close();
  });

  it('delivers to a socket on replica 1 the run and group events replica 2 publishes', async () => {
    const first = await replicas.start('api-1');
    const second = await replicas.start('api-2');
    const applied = await second.app.inject({
      method: 'PUT',
      url: '/api/tests',
      payload: ORDERS_TEST,
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
