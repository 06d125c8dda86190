import { createMonitorRunner, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '@tracecheck/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The server's webhook receiver for tests is test support it does not export.
import { startWebhookReceiver, type WebhookReceiver } from '../../../server/src/monitors/monitor-test-rig';
import { type EmbeddedPipeline, SCOPE, startEmbeddedPipeline } from '../pipeline/testing/embedded-pipeline';
import { type OrderService, startOrderService } from '../pipeline/testing/order-service';

/**
 * Monitors end to end on the embedded control plane (its scheduler runs with the worker role, on the
 * real clock) with a real agent and an instrumented service: a monitor run of a passing and a failing
 * test calls the FAILED webhook, signed, and not the SUCCEEDED one.
 */
describe('monitors with a real agent', () => {
  let pipeline: EmbeddedPipeline;
  let service: OrderService;
  let onFailure: WebhookReceiver;
  let onSuccess: WebhookReceiver;

  function httpTrigger(url: string) {
    return {
      type: 'http' as const,
      httpRequest: { method: 'POST' as const, url, headers: [], body: '', sslVerification: false },
    };
  }

  beforeAll(async () => {
    pipeline = await startEmbeddedPipeline();
    await pipeline.store.upsertResource(SCOPE, 'PollingProfile', 'fast', {
      id: 'fast',
      name: 'fast',
      default: true,
      strategy: 'periodic',
      // Complete traces end the wait at once; the limit only matters on a slow machine.
      periodic: { retryDelay: '100ms', timeout: '20s', selectorMatchRetries: 0 },
    });
    service = await startOrderService({ tracesUrl: pipeline.tracesUrl });
    onFailure = await startWebhookReceiver();
    onSuccess = await startWebhookReceiver();
    await pipeline.applyTest({
      id: 'order-created',
      name: 'Creates an order',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
    });
    await pipeline.applyTest({
      id: 'order-expects-200',
      name: 'Expects 200',
      trigger: httpTrigger(`${service.url}/orders`),
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 200'] }],
    });
    const alerts = [
      {
        id: 'pager',
        type: 'webhook',
        webhook: { url: onFailure.url, method: 'POST', secret: 'e2e-secret' },
        events: ['FAILED'],
      },
      { id: 'chat', type: 'webhook', webhook: { url: onSuccess.url, method: 'POST' }, events: ['SUCCEEDED'] },
    ];
    // Disabled: only the runs asked for here happen, whatever the real clock says.
    const schedule = { cron: '0 0 1 1 *', timeZone: 'UTC' };
    await pipeline.store.upsertResource(SCOPE, 'Monitor', 'orders', {
      id: 'orders',
      name: 'Orders',
      enabled: false,
      tests: ['order-created', 'order-expects-200'],
      schedule,
      alerts,
    });
    await pipeline.store.upsertResource(SCOPE, 'Monitor', 'orders-ok', {
      id: 'orders-ok',
      name: 'Orders OK',
      enabled: false,
      tests: ['order-created'],
      schedule,
      alerts,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
    await service?.close();
    await onFailure?.close();
    await onSuccess?.close();
  });

  it('calls the FAILED webhook, signed, when one test of the monitor fails, and the SUCCEEDED one when all pass', async () => {
    const runner = createMonitorRunner({
      store: pipeline.store,
      runs: pipeline.plane.runs,
      logger: pino({ level: 'silent' }),
    });
    const failing = await runner.runNow(SCOPE, 'orders');
    const [request] = await onFailure.waitFor(1);
    const timestamp = Number(request?.headers[TIMESTAMP_HEADER]);
    expect(request?.headers[SIGNATURE_HEADER]).toBe(
      signWebhook('e2e-secret', timestamp, request?.body ?? ''),
    );
    const body = JSON.parse(request?.body ?? '{}');
    expect(body).toMatchObject({
      event: 'FAILED',
      monitor: { id: 'orders', name: 'Orders' },
      monitorRun: { id: failing.id, state: 'FAILED', executionType: 'MANUAL', verdict: false },
      runs: [
        { type: 'test', testId: 'order-created', state: 'FINISHED', verdict: true },
        { type: 'test', testId: 'order-expects-200', state: 'FINISHED', verdict: false },
      ],
    });
    for (const run of body.runs as { runId: number }[]) {
      expect(await pipeline.store.getRun(SCOPE, run.runId)).toMatchObject({
        source: 'monitor',
        metadata: { monitorId: 'orders', monitorRunId: String(failing.id), executionType: 'MANUAL' },
      });
    }

    const passing = await runner.runNow(SCOPE, 'orders-ok');
    const [success] = await onSuccess.waitFor(1);
    expect(JSON.parse(success?.body ?? '{}')).toMatchObject({
      event: 'SUCCEEDED',
      monitorRun: { id: passing.id, state: 'FINISHED', verdict: true },
      runs: [{ testId: 'order-created', verdict: true }],
    });
    expect(success?.headers[SIGNATURE_HEADER]).toBeUndefined();
    expect(onFailure.received).toHaveLength(1);
    expect(onSuccess.received).toHaveLength(1);
  }, 60_000);
});
