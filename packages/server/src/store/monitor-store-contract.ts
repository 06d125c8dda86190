import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope, Store } from './store';
import type { OpenStoreOptions } from './store-contract';

/**
 * The contract of `Store.monitors` every adapter passes (beside `describeStore`). Each test works in
 * scopes of its own; the cross-scope reads are checked for the test's own scopes only.
 * @example describeMonitorStore('PGlite in memory', ({ now }) => createPgliteStore({ now }))
 */
export function describeMonitorStore(
  name: string,
  openStore: (options: OpenStoreOptions) => Promise<Store>,
): void {
  describe(`MonitorStore contract: ${name}`, () => {
    let store: Store;
    let clockMs = Date.UTC(2025, 0, 1, 12, 0, 0, 0);
    const now = () => new Date(clockMs);
    let nextScope = 0;

    beforeAll(async () => {
      store = await openStore({ now });
    });
    afterAll(async () => {
      await store?.close();
    });

    async function createScope(): Promise<Scope> {
      nextScope += 1;
      const scope = { organizationId: `monitor-org-${nextScope}`, environmentId: 'env' };
      await store.upsertOrganization({ id: scope.organizationId, name: 'Org' });
      await store.upsertEnvironment(scope, 'Env');
      return scope;
    }

    const tick = (iso: string) => new Date(iso);

    it('creates manual runs and lists them newest first, per monitor and scope', async () => {
      const scope = await createScope();
      const other = await createScope();
      const first = await store.monitors.createMonitorRun(scope, {
        monitorId: 'm1',
        executionType: 'MANUAL',
        scheduledFor: null,
        createdBy: 'host/1',
      });
      expect(first).toEqual({
        id: expect.any(Number),
        monitorId: 'm1',
        executionType: 'MANUAL',
        scheduledFor: null,
        state: 'CREATED',
        createdAt: now(),
        completedAt: null,
        createdBy: 'host/1',
        targets: [],
        verdict: null,
        lastError: null,
        alertsPending: false,
        alerts: [],
      });
      const second = await store.monitors.createMonitorRun(scope, {
        monitorId: 'm1',
        executionType: 'MANUAL',
        scheduledFor: null,
        createdBy: 'host/1',
      });
      await store.monitors.createMonitorRun(scope, {
        monitorId: 'm2',
        executionType: 'MANUAL',
        scheduledFor: null,
        createdBy: 'host/1',
      });
      const page = await store.monitors.listMonitorRuns(scope, 'm1');
      expect(page.count).toBe(2);
      expect(page.items.map((run) => run.id)).toEqual([second!.id, first!.id]);
      expect((await store.monitors.listMonitorRuns(scope, 'm1', { take: 1, skip: 1 })).items).toEqual([
        first,
      ]);
      expect(await store.monitors.getMonitorRun(scope, first!.id)).toEqual(first);
      expect(await store.monitors.getMonitorRun(other, first!.id)).toBeUndefined();
      expect((await store.monitors.listMonitorRuns(other, 'm1')).count).toBe(0);
    });

    it('lets one claim of a tick win, even when they race, and never an older tick after a newer one', async () => {
      const scope = await createScope();
      const claim = (iso: string, by: string) =>
        store.monitors.createMonitorRun(scope, {
          monitorId: 'hourly',
          executionType: 'SCHEDULED',
          scheduledFor: tick(iso),
          createdBy: by,
        });
      const racing = await Promise.all(
        Array.from({ length: 8 }, (_, index) => claim('2025-01-01T10:00:00Z', `replica-${index}`)),
      );
      const winners = racing.filter((run) => run !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({
        executionType: 'SCHEDULED',
        scheduledFor: tick('2025-01-01T10:00:00Z'),
      });
      expect(await claim('2025-01-01T10:00:00Z', 'late')).toBeUndefined();
      expect(await claim('2025-01-01T11:00:00Z', 'next')).toMatchObject({ createdBy: 'next' });
      // A replica whose clock lags must not run the tick before the one already run.
      expect(await claim('2025-01-01T10:30:00Z', 'lagging')).toBeUndefined();
      // Manual runs never conflict with ticks.
      const manual = await store.monitors.createMonitorRun(scope, {
        monitorId: 'hourly',
        executionType: 'MANUAL',
        scheduledFor: null,
        createdBy: 'api',
      });
      expect(manual).toBeDefined();
      expect((await store.monitors.listMonitorRuns(scope, 'hourly')).count).toBe(3);
    });

    it('moves a run with compare-and-set and keeps targets and alert deliveries', async () => {
      const scope = await createScope();
      const run = await store.monitors.createMonitorRun(scope, {
        monitorId: 'm',
        executionType: 'MANUAL',
        scheduledFor: null,
        createdBy: 'api',
      });
      const targets = [
        { kind: 'test' as const, id: 't1', runId: 7 },
        { kind: 'suite' as const, id: 's1', runId: null, error: 'suite "s1" not found' },
      ];
      const executing = await store.monitors.updateMonitorRun(scope, run!.id, ['CREATED'], {
        state: 'EXECUTING',
        targets,
      });
      expect(executing).toMatchObject({ state: 'EXECUTING', targets });
      expect(
        await store.monitors.updateMonitorRun(scope, run!.id, ['CREATED'], { state: 'FAILED' }),
      ).toBeUndefined();
      const completedAt = new Date(clockMs + 5000);
      const ended = await store.monitors.updateMonitorRun(scope, run!.id, ['EXECUTING'], {
        state: 'FAILED',
        verdict: false,
        completedAt,
        alertsPending: true,
      });
      expect(ended).toMatchObject({ state: 'FAILED', verdict: false, completedAt, alertsPending: true });
      const alerts = [
        {
          alertId: 'a1',
          event: 'FAILED' as const,
          url: 'http://127.0.0.1:1/hook',
          ok: false,
          status: 500,
          attempts: 3,
          error: 'answered 500',
          deliveredAt: completedAt,
        },
      ];
      const delivered = await store.monitors.updateMonitorRun(scope, run!.id, ['FAILED'], {
        alerts,
        alertsPending: false,
      });
      expect(delivered).toMatchObject({ alerts, alertsPending: false });
      expect(await store.monitors.getMonitorRun(scope, run!.id)).toEqual(delivered);
    });

    it('lists unfinished runs and leases pending alerts to one replica until the lease ends', async () => {
      const scope = await createScope();
      const create = () =>
        store.monitors.createMonitorRun(scope, {
          monitorId: 'm',
          executionType: 'MANUAL',
          scheduledFor: null,
          createdBy: 'api',
        });
      const created = (await create())!;
      const ended = (await create())!;
      await store.monitors.updateMonitorRun(scope, ended.id, ['CREATED'], {
        state: 'FINISHED',
        verdict: true,
        alertsPending: true,
      });
      const mine = (runs: readonly { scope: Scope; run: { id: number } }[]) =>
        runs
          .filter((entry) => entry.scope.organizationId === scope.organizationId)
          .map((entry) => entry.run.id);
      expect(mine(await store.monitors.listUnfinishedMonitorRuns())).toEqual([created.id]);
      expect(mine(await store.monitors.listPendingAlertRuns())).toEqual([ended.id]);

      expect(await store.monitors.leaseAlerts(scope, ended.id, clockMs + 60_000)).toBe(true);
      expect(await store.monitors.leaseAlerts(scope, ended.id, clockMs + 60_000)).toBe(false);
      expect(mine(await store.monitors.listPendingAlertRuns())).toEqual([]);
      expect(await store.monitors.leaseAlerts(scope, created.id, clockMs + 60_000)).toBe(false);

      clockMs += 60_000;
      expect(mine(await store.monitors.listPendingAlertRuns())).toEqual([ended.id]);
      expect(await store.monitors.leaseAlerts(scope, ended.id, clockMs + 60_000)).toBe(true);
      await store.monitors.updateMonitorRun(scope, ended.id, ['FINISHED'], { alertsPending: false });
      clockMs += 120_000;
      expect(mine(await store.monitors.listPendingAlertRuns())).toEqual([]);
      expect(await store.monitors.leaseAlerts(scope, ended.id, clockMs + 60_000)).toBe(false);
    });

    it('lists the enabled, live monitors of every scope', async () => {
      const scope = await createScope();
      const other = await createScope();
      await store.upsertResource(scope, 'Monitor', 'on', { name: 'on', enabled: true });
      await store.upsertResource(scope, 'Monitor', 'off', { name: 'off', enabled: false });
      await store.upsertResource(scope, 'Monitor', 'gone', { name: 'gone', enabled: true });
      await store.deleteResource(scope, 'Monitor', 'gone');
      await store.upsertResource(other, 'Monitor', 'elsewhere', { name: 'elsewhere', enabled: true });
      await store.upsertResource(scope, 'Test', 'not-a-monitor', { name: 'x', enabled: true });
      const listed = (await store.monitors.listEnabledMonitors()).filter((entry) =>
        [scope.organizationId, other.organizationId].includes(entry.scope.organizationId),
      );
      expect(listed.map((entry) => [entry.scope.organizationId, entry.resource.id])).toEqual([
        [scope.organizationId, 'on'],
        [other.organizationId, 'elsewhere'],
      ]);
      expect(listed[0]?.resource).toMatchObject({
        kind: 'Monitor',
        spec: { id: 'on', name: 'on', enabled: true },
      });
    });

    it('refuses a run in an environment that does not exist', async () => {
      const scope = await createScope();
      await expect(
        store.monitors.createMonitorRun(
          { organizationId: scope.organizationId, environmentId: 'missing' },
          { monitorId: 'm', executionType: 'SCHEDULED', scheduledFor: now(), createdBy: 'x' },
        ),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"missing"') });
    });
  });
}
