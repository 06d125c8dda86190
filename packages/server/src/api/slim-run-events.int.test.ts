import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../events/event-bus';
import { moveRun } from '../pipeline/move-run';
import { checkNatsForTests, TEST_NATS_URL } from '../queue/testing/nats-for-tests';
import type { Scope } from '../store/store';
import { LiveEventSchema, TestRunSchema } from './api-schemas';
import { type ApiReplicas, createApiReplicas, ORDERS_TEST } from './testing/api-replicas';
import { type EventSocketClient, openEventSocket } from './testing/event-socket-client';

/**
 * A run whose result holds 20 000 span results (over a megabyte, above NATS's default max payload)
 * crosses two api replicas on NATS: the bus carries it slim, the SSE and WebSocket clients on the other
 * replica get the whole run read from the store. Needs a NATS server (TRACECHECK_TEST_NATS_URL, default
 * nats://127.0.0.1:4222); skipped loudly without one, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const natsReachable = await checkNatsForTests('slim run events across replicas');
const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };
const SPAN_RESULTS = 20_000;
const MAX_BUS_MESSAGE_BYTES = 8 * 1024;

/** A passing result of one spec on `count` spans. */
function bigResult(count: number): unknown {
  const spanResults = Array.from({ length: count }, (_, index) => ({
    spanId: (index + 1).toString(16).padStart(16, '0'),
    observedValue: '200',
    passed: true,
  }));
  return {
    allPassed: true,
    results: [
      {
        selector: { query: 'span[name="GET /orders"]' },
        spanIds: spanResults.map((result) => result.spanId),
        allPassed: true,
        results: [{ assertion: 'attr:http.status_code = 200', allPassed: true, spanResults }],
      },
    ],
  };
}

/** The `data:` events of a Server-Sent Events body, read as they arrive. */
function readServerSentEvents(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async (): Promise<LiveEvent | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith('data: ')) return LiveEventSchema.parse(JSON.parse(block.slice(6)));
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
    }
  };
}

describe.skipIf(!natsReachable)('slim run events on NATS, whole runs for the clients', () => {
  let replicas: ApiReplicas;
  let raw: NatsConnection;
  const clients: EventSocketClient[] = [];

  beforeAll(async () => {
    replicas = await createApiReplicas(SCOPE);
    raw = await connect({ servers: TEST_NATS_URL });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await raw?.close();
    await replicas?.close();
  });

  it('publishes a 20 000-span run slim; SSE and WebSocket clients on another replica get it whole', async () => {
    const first = await replicas.start('api-1');
    const second = await replicas.start('api-2');
    const applied = await second.app.inject({
      method: 'PUT',
      url: '/api/tests',
      payload: ORDERS_TEST,
    });
    expect(applied.statusCode).toBeLessThan(300);
    const started = await second.app.inject({ method: 'POST', url: '/api/tests/orders/run' });
    expect(started.statusCode).toBe(200);
    const runId = Number(TestRunSchema.parse(started.json()).id);

    // What travels on the bus, as NATS carries it.
    const busSizes: number[] = [];
    const busRuns: LiveEvent[] = [];
    const watched = raw.subscribe(
      `${replicas.subjectPrefix}.${SCOPE.organizationId}.${SCOPE.environmentId}.run.${runId}`,
      {
        callback: (_error, msg) => {
          const event = LiveEventSchema.parse(msg.json());
          if (event.type !== 'run') return;
          busSizes.push(msg.data.byteLength);
          busRuns.push(event);
        },
      },
    );
    await raw.flush();

    const response = await fetch(`${first.url}/api/events/stream?runId=${runId}`);
    expect(response.status).toBe(200);
    const nextEvent = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    expect(await nextEvent()).toMatchObject({ type: 'run', runId, state: 'CREATED' });
    const socket = await openEventSocket(`${first.wsBase}/api/events/ws?runId=${runId}`);
    clients.push(socket);
    await socket.waitFor(() => socket.messages.length === 1, 'the run’s current state');

    const result = bigResult(SPAN_RESULTS);
    expect(JSON.stringify(result).length).toBeGreaterThan(1024 * 1024);
    await moveRun(second.context, SCOPE, runId, {
      from: ['CREATED'],
      patch: { state: 'FINISHED', result, passed: SPAN_RESULTS, failed: 0, verdict: true },
      stage: 'evaluate',
      why: 'the specs were evaluated',
    });

    let event = await nextEvent();
    while (event !== undefined && event.type !== 'run') event = await nextEvent();
    expect(event).toMatchObject({ type: 'run', runId, state: 'FINISHED' });
    expect(event?.partial).toBeUndefined();
    const whole = TestRunSchema.parse(event?.payload);
    expect(whole).toMatchObject({ state: 'FINISHED', pass: SPAN_RESULTS, passed: true });
    expect(whole.result).toEqual(result);
    expect(await nextEvent()).toBeUndefined();

    await socket.waitFor(
      () => socket.messages.some((message) => (message as LiveEvent).state === 'FINISHED'),
      'the FINISHED run',
      60_000,
    );
    const fromSocket = socket.messages.find((message) => (message as LiveEvent).state === 'FINISHED');
    expect((fromSocket as LiveEvent).payload).toEqual(whole);

    await raw.flush();
    await expect.poll(() => busRuns.map((run) => run.state)).toContain('FINISHED');
    watched.unsubscribe();
    expect(busRuns.every((run) => run.partial === true)).toBe(true);
    expect(busRuns.at(-1)?.payload).toMatchObject({
      id: String(runId),
      state: 'FINISHED',
      pass: SPAN_RESULTS,
    });
    expect(busRuns.at(-1)?.payload).not.toHaveProperty('result');
    expect(Math.max(...busSizes)).toBeLessThan(MAX_BUS_MESSAGE_BYTES);
  }, 120_000);
});
