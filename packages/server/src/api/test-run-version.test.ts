import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentHub } from '../agent-link/agent-hub';
import { createMemoryLinkRelay } from '../agent-link/link-relay';
import { createMemoryEventBus } from '../events/memory-event-bus';
import { createPipelineContext } from '../pipeline/create-pipeline-workers';
import { createRunService } from '../pipeline/create-run-service';
import { createMemoryQueue } from '../queue/memory-queue';
import { createPgliteStore } from '../store/pglite-store';
import type { Scope, Store } from '../store/store';
import { ApiErrorBodySchema, TestRunSchema } from './api-schemas';
import { createApiServer, createHeaderScopeResolver } from './create-api-server';

/** `POST /api/tests/:id/run` with `version`, on the pipeline's own run service (nobody consumes its queue). */
const SCOPE: Scope = { organizationId: 'org1', environmentId: 'env1' };
const logger = pino({ level: 'silent' });
const stopping = new AbortController();
let store: Store;
let app: FastifyInstance;

function testDefinition(url: string): Record<string, unknown> {
  return {
    type: 'Test',
    spec: { id: 'orders', name: 'Orders', trigger: { type: 'http', httpRequest: { method: 'GET', url } } },
  };
}

beforeAll(async () => {
  store = await createPgliteStore();
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Org' });
  await store.upsertEnvironment(SCOPE, 'Env');
  const bus = createMemoryEventBus({ logger });
  const queue = createMemoryQueue({ logger, maxDeliveries: 3, backoffMs: [100], ackTimeoutMs: 30_000 });
  const agents = createAgentHub({
    store,
    bus,
    relay: createMemoryLinkRelay(),
    logger,
    serverVersion: 'test',
  });
  const context = createPipelineContext({ store, queue, bus, agents, logger }, stopping.signal);
  app = createApiServer({
    store,
    bus,
    runs: createRunService(context),
    logger,
    resolveScope: createHeaderScopeResolver(SCOPE),
    version: 'test',
    ready: () => true,
  });
  for (const url of ['http://shop.local/v1', 'http://shop.local/v2']) {
    const applied = await app.inject({ method: 'PUT', url: '/api/tests', payload: testDefinition(url) });
    expect(applied.statusCode).toBeLessThan(300);
  }
  const suite = await app.inject({
    method: 'PUT',
    url: '/api/testsuites',
    payload: { type: 'TestSuite', spec: { id: 'checkout', name: 'Checkout', steps: ['orders'] } },
  });
  expect(suite.statusCode).toBeLessThan(300);
});

afterAll(async () => {
  stopping.abort();
  await app?.close();
  await store?.close();
});

async function startRun(payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/tests/orders/run', payload });
}

describe('POST /api/tests/:id/run with a version', () => {
  it('runs the latest version without one, and the stored version asked for', async () => {
    const latest = await startRun({});
    expect(latest.statusCode).toBe(200);
    expect(TestRunSchema.parse(latest.json()).testVersion).toBe(2);

    const first = await startRun({ version: 1 });
    expect(first.statusCode).toBe(200);
    const run = TestRunSchema.parse(first.json());
    expect(run.testVersion).toBe(1);
    const stored = await store.getRun(SCOPE, Number(run.id));
    expect(stored?.testVersion).toBe(1);

    expect(TestRunSchema.parse((await startRun({ version: 2 })).json()).testVersion).toBe(2);
    expect(TestRunSchema.parse((await startRun({ version: null })).json()).testVersion).toBe(2);
  });

  it('answers 404 with a sentence for a version the test does not have', async () => {
    const response = await startRun({ version: 9 });
    expect(response.statusCode).toBe(404);
    const body = ApiErrorBodySchema.parse(response.json());
    expect(body.code).toBe('NOT_FOUND');
    expect(body.detail).toContain('version 9 of test "orders" not found: its latest version is 2');
    expect(body.detail).toContain('leave "version" out');
  });

  it.each([
    ['zero', 0],
    ['a fraction', 1.5],
    ['a text', '1'],
  ])('refuses a version that is %s with 400', async (_name, version) => {
    const response = await startRun({ version });
    expect(response.statusCode).toBe(400);
    expect(ApiErrorBodySchema.parse(response.json()).code).toBe('REQUEST_INVALID');
  });

  it('refuses a version on a suite run, saying to leave it out', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/testsuites/checkout/run',
      payload: { version: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(ApiErrorBodySchema.parse(response.json()).detail).toContain('leave "version" out');
  });
});
