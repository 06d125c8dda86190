import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, createHeaderScopeResolver } from '../api/create-api-server';
import { createMemoryEventBus } from '../events/memory-event-bus';
import { createPgliteStore } from '../store/pglite-store';
import { createSecretBox } from '../store/secret-box';
import type { Scope, Store } from '../store/store';
import { applyPingTest, type MonitorReplica, startMonitorReplica } from './monitor-test-rig';

const SCOPE: Scope = { organizationId: 'acme', environmentId: 'prod' };
const YAML = { 'content-type': 'text/yaml' };

const MONITOR_YAML = `type: Monitor
spec:
  id: checkout
  name: Checkout every 15 minutes
  enabled: true
  tests: [ping]
  schedule:
    cron: "*/15 * * * *"
    timeZone: Europe/Madrid
  alerts:
    - id: pager
      type: webhook
      webhook:
        url: https://hooks.example/alert
        method: post
        secret: hook-secret
      events: [FAILED, succeeded]
`;

describe('monitor routes', () => {
  let store: Store;
  let replica: MonitorReplica;
  let app: FastifyInstance;
  const box = createSecretBox(new Uint8Array(32).fill(3));
  const clockMs = Date.parse('2025-01-01T10:00:00Z');

  beforeAll(async () => {
    store = await createPgliteStore({ now: () => new Date(clockMs) });
    await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Acme' });
    await store.upsertEnvironment(SCOPE, 'Production');
    await applyPingTest(store, SCOPE, 'ping');
    replica = await startMonitorReplica(store, { nowMs: () => clockMs, workerName: 'api-1' });
    const logger = pino({ level: 'silent' });
    app = createApiServer({
      store,
      bus: createMemoryEventBus({ logger }),
      runs: replica.runs,
      logger,
      resolveScope: createHeaderScopeResolver(SCOPE),
      version: '1.2.3',
      ready: () => true,
      secretBox: box,
      now: () => new Date(clockMs),
    });
  });
  afterAll(async () => {
    await app?.close();
    await replica?.close();
    await store?.close();
  });

  it('stores a webhook secret sealed and answers it masked, with the run summary', async () => {
    const created = await app.inject({
      method: 'PUT',
      url: '/api/monitors',
      headers: YAML,
      payload: MONITOR_YAML,
    });
    expect(created.statusCode).toBe(201);
    const stored = await store.getResource(SCOPE, 'Monitor', 'checkout');
    expect(JSON.stringify(stored?.spec)).not.toContain('hook-secret');
    expect(JSON.stringify(stored?.spec)).toContain('tcsecret:v1:');

    const read = await app.inject({ method: 'GET', url: '/api/monitors/checkout' });
    expect(read.json()).toMatchObject({
      type: 'Monitor',
      spec: {
        alerts: [
          { id: 'pager', webhook: { secret: '********', method: 'POST' }, events: ['FAILED', 'SUCCEEDED'] },
        ],
        summary: { runs: 0, lastState: null, lastRunTime: null },
      },
    });
    // Applying what was read back keeps the secret.
    const again = await app.inject({ method: 'PUT', url: '/api/monitors', payload: read.json() });
    expect(again.statusCode).toBe(200);
    expect((await store.getResource(SCOPE, 'Monitor', 'checkout'))?.spec).toEqual(stored?.spec);
  });

  it('rejects a schedule that is not cron with the reason', async () => {
    const response = await app.inject({
      method: 'PUT',
      url: '/api/monitors',
      headers: YAML,
      payload: MONITOR_YAML.replace('"*/15 * * * *"', '"*/15 * * *"'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'DEFINITION_INVALID',
      detail: expect.stringContaining('expected 5'),
    });
  });

  it('runs a monitor now and lists and reads its runs', async () => {
    const started = await app.inject({ method: 'POST', url: '/api/monitors/checkout/run' });
    expect(started.statusCode).toBe(200);
    const run = started.json();
    expect(run).toMatchObject({
      monitorId: 'checkout',
      executionType: 'MANUAL',
      scheduledFor: null,
      state: 'EXECUTING',
      createdBy: expect.any(String),
      runs: [{ kind: 'test', id: 'ping', runId: expect.any(Number) }],
      alerts: [],
    });
    expect(await store.getRun(SCOPE, run.runs[0].runId)).toMatchObject({ source: 'monitor' });

    const listed = await app.inject({ method: 'GET', url: '/api/monitors/checkout/runs?take=10' });
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['x-total-count']).toBe('1');
    expect(listed.json()).toEqual([run]);
    const one = await app.inject({ method: 'GET', url: `/api/monitors/checkout/runs/${run.id}` });
    expect(one.json()).toEqual(run);
    const summary = (await app.inject({ method: 'GET', url: '/api/monitors/checkout' })).json().spec.summary;
    expect(summary).toEqual({ runs: 1, lastState: 'EXECUTING', lastRunTime: '2025-01-01T10:00:00.000Z' });
  });

  it.each([
    ['POST', '/api/monitors/nope/run', 'monitor "nope" not found'],
    ['GET', '/api/monitors/nope/runs', 'monitor "nope" not found'],
    ['GET', '/api/monitors/checkout/runs/999', 'run 999 of monitor "checkout" not found'],
  ] as const)('%s %s answers 404', async (method, url, detail) => {
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', detail: expect.stringContaining(detail) });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/monitors/{id}/run',
        '/api/monitors/{id}/runs',
        '/api/monitors/{id}/runs/{runId}',
      ]),
    );
  });
});
