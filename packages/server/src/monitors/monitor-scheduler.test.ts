import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../store/pglite-store';
import { createSecretBox } from '../store/secret-box';
import type { Scope, Store } from '../store/store';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './deliver-webhook';
import { createMonitorRunner } from './monitor-scheduler';
import { describeMonitorScheduling } from './monitor-scheduling-contract';
import { sealMonitorSecrets } from './monitor-secrets';
import { applyPingTest, eventually, startMonitorReplica, startWebhookReceiver } from './monitor-test-rig';

describeMonitorScheduling('one PGlite database, two schedulers', async (now) => {
  const store = await createPgliteStore({ now });
  return { first: store, second: store, close: () => store.close() };
});

describe('monitor alerts', () => {
  const scope: Scope = { organizationId: 'acme', environmentId: 'prod' };
  let clockMs = Date.parse('2025-01-01T10:00:00Z');
  let store: Store;
  const box = createSecretBox(new Uint8Array(32).fill(7));

  beforeAll(async () => {
    store = await createPgliteStore({ now: () => new Date(clockMs) });
    await store.upsertOrganization({ id: scope.organizationId, name: 'Acme' });
    await store.upsertEnvironment(scope, 'Production');
    await applyPingTest(store, scope, 'ping');
  });
  afterAll(async () => {
    await store?.close();
  });

  it('calls the webhook of a failed run with a valid signature, retries after a 500, and skips events not chosen', async () => {
    const failed = await startWebhookReceiver([500, 200]);
    const succeeded = await startWebhookReceiver();
    const templated = await startWebhookReceiver();
    // The spec as the API stores it: the secret sealed.
    const spec = sealMonitorSecrets(
      scope,
      {
        id: 'agent-down',
        name: 'Agent down',
        enabled: true,
        tests: ['ping'],
        testSuites: ['no-such-suite'],
        schedule: { cron: '0 * * * *' },
        alerts: [
          {
            id: 'on-failure',
            type: 'webhook',
            webhook: { url: failed.url, method: 'POST', secret: 'shh-its-a-secret' },
            events: ['FAILED'],
          },
          { type: 'webhook', webhook: { url: succeeded.url, method: 'POST' }, events: ['SUCCEEDED'] },
          {
            type: 'webhook',
            webhook: {
              url: templated.url,
              method: 'PUT',
              headers: [{ key: 'Content-Type', value: 'text/plain' }],
              body: 'Monitor {{ .Monitor.name }} is {{ .MonitorRun.state }} {{ .MonitorRun.nothing }}',
            },
            events: ['ALL'],
          },
        ],
      },
      undefined,
      box,
    );
    expect(JSON.stringify(spec)).not.toContain('shh-its-a-secret');
    await store.upsertResource(scope, 'Monitor', 'agent-down', spec);
    const replica = await startMonitorReplica(store, {
      nowMs: () => clockMs,
      workerName: 'replica-a',
      pipelineWorkers: true,
      secretBox: box,
    });
    try {
      clockMs = Date.parse('2025-01-01T11:00:05Z');
      await replica.scheduler.runOnce();
      const [started] = (await store.monitors.listMonitorRuns(scope, 'agent-down')).items;
      expect(started).toMatchObject({ state: 'EXECUTING', scheduledFor: new Date('2025-01-01T11:00:00Z') });
      expect(started?.targets).toEqual([
        { kind: 'test', id: 'ping', runId: expect.any(Number) },
        { kind: 'suite', id: 'no-such-suite', runId: null, error: expect.stringContaining('no-such-suite') },
      ]);
      // No agent is connected: the trigger fails once the hub gave up waiting for one.
      const runId = started?.targets[0]?.runId ?? 0;
      await eventually(async () => {
        const run = await store.getRun(scope, runId);
        return run?.state === 'TRIGGER_FAILED' ? run : undefined;
      }, 'the test run to fail');

      await replica.scheduler.runOnce();
      const ended = await store.monitors.getMonitorRun(scope, started?.id ?? 0);
      expect(ended).toMatchObject({ state: 'FAILED', verdict: false, alertsPending: true });
      await replica.scheduler.runOnce();
      const [, second] = await failed.waitFor(2);
      await templated.waitFor(1);
      const delivered = await eventually(async () => {
        const run = await store.monitors.getMonitorRun(scope, started?.id ?? 0);
        return run?.alertsPending === false ? run : undefined;
      }, 'the alerts to be recorded');

      expect(failed.received.map((request) => request.headers['x-tracecheck-delivery'])).toEqual([
        `${started?.id}-on-failure`,
        `${started?.id}-on-failure`,
      ]);
      const timestamp = Number(second?.headers[TIMESTAMP_HEADER]);
      expect(timestamp).toBe(Math.floor(clockMs / 1000));
      expect(second?.headers[SIGNATURE_HEADER]).toBe(
        signWebhook('shh-its-a-secret', timestamp, second?.body ?? ''),
      );
      expect(second?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(second?.body ?? '')).toEqual({
        event: 'FAILED',
        monitor: { id: 'agent-down', name: 'Agent down' },
        monitorRun: {
          id: started?.id,
          state: 'FAILED',
          executionType: 'SCHEDULED',
          scheduledFor: '2025-01-01T11:00:00.000Z',
          createdAt: '2025-01-01T11:00:05.000Z',
          completedAt: '2025-01-01T11:00:05.000Z',
          verdict: false,
          lastError: null,
          link: `https://tracecheck.example/api/monitors/agent-down/runs/${started?.id}`,
        },
        runs: [
          {
            type: 'test',
            testId: 'ping',
            runId,
            state: 'TRIGGER_FAILED',
            verdict: false,
            link: `https://tracecheck.example/test/ping/run/${runId}/test`,
          },
          {
            type: 'suite',
            suiteId: 'no-such-suite',
            runId: null,
            state: 'NOT_STARTED',
            verdict: false,
            error: expect.stringContaining('no-such-suite'),
          },
        ],
      });
      expect(templated.received[0]).toMatchObject({
        method: 'PUT',
        body: 'Monitor Agent down is FAILED <no value>',
        headers: expect.objectContaining({ 'content-type': 'text/plain' }),
      });
      expect(templated.received[0]?.headers[SIGNATURE_HEADER]).toBeUndefined();
      expect(succeeded.received).toEqual([]);
      expect(delivered.alerts).toEqual([
        {
          alertId: 'on-failure',
          event: 'FAILED',
          url: failed.url,
          ok: true,
          status: 200,
          attempts: 2,
          error: null,
          deliveredAt: new Date(clockMs),
        },
        {
          alertId: 'alert-3',
          event: 'FAILED',
          url: templated.url,
          ok: true,
          status: 200,
          attempts: 1,
          error: null,
          deliveredAt: new Date(clockMs),
        },
      ]);

      // Delivered once: later passes send nothing again.
      await replica.scheduler.runOnce();
      expect(failed.received).toHaveLength(2);
    } finally {
      await replica.close();
      await Promise.all([failed.close(), succeeded.close(), templated.close()]);
    }
  });

  it('records a delivery that keeps failing, and runs a monitor on demand', async () => {
    const broken = await startWebhookReceiver([503]);
    await store.upsertResource(scope, 'Monitor', 'manual', {
      id: 'manual',
      name: 'Manual only',
      enabled: false,
      tests: ['ping'],
      alerts: [
        { id: 'down', type: 'webhook', webhook: { url: broken.url, method: 'POST' }, events: ['FINISHED'] },
      ],
    });
    const replica = await startMonitorReplica(store, {
      nowMs: () => clockMs,
      workerName: 'replica-a',
      pipelineWorkers: true,
    });
    try {
      const runner = createMonitorRunner({ store, runs: replica.runs, logger: pino({ level: 'silent' }) });
      const run = await runner.runNow(scope, 'manual');
      expect(run).toMatchObject({ executionType: 'MANUAL', scheduledFor: null, state: 'EXECUTING' });
      const recorded = await eventually(async () => {
        await replica.scheduler.runOnce();
        const current = await store.monitors.getMonitorRun(scope, run.id);
        return current?.alerts.length ? current : undefined;
      }, 'the failed delivery to be recorded');
      expect(recorded).toMatchObject({ state: 'FAILED', alertsPending: false });
      expect(recorded.alerts).toEqual([
        expect.objectContaining({
          alertId: 'down',
          ok: false,
          status: 503,
          attempts: 3,
          error: 'the receiver answered 503',
        }),
      ]);
      expect(broken.received).toHaveLength(3);
      await expect(runner.runNow(scope, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await replica.close();
      await broken.close();
    }
  });

  it('refuses a webhook on a loopback address by default: one failed delivery with the reason, not retried', async () => {
    const receiver = await startWebhookReceiver();
    await store.upsertResource(scope, 'Monitor', 'inside', {
      id: 'inside',
      name: 'Calls inside',
      enabled: false,
      tests: ['ping'],
      alerts: [
        {
          id: 'local',
          type: 'webhook',
          webhook: { url: receiver.url, method: 'POST' },
          events: ['FINISHED'],
        },
      ],
    });
    const replica = await startMonitorReplica(store, {
      nowMs: () => clockMs,
      workerName: 'replica-guarded',
      pipelineWorkers: true,
      webhooks: { allowPrivateNetworks: false },
    });
    try {
      const runner = createMonitorRunner({ store, runs: replica.runs, logger: pino({ level: 'silent' }) });
      const run = await runner.runNow(scope, 'inside');
      const recorded = await eventually(async () => {
        await replica.scheduler.runOnce();
        const current = await store.monitors.getMonitorRun(scope, run.id);
        return current?.alerts.length ? current : undefined;
      }, 'the refused delivery to be recorded');
      expect(recorded.alerts).toEqual([
        expect.objectContaining({ alertId: 'local', ok: false, status: null, attempts: 1 }),
      ]);
      expect(recorded.alerts[0]?.error).toMatch(
        /^refused: 127\.0\.0\.1, a loopback address; .*allowPrivateNetworks/,
      );
      expect(receiver.received).toHaveLength(0);
    } finally {
      await replica.close();
      await receiver.close();
    }
  });
});
