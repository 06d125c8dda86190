import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope, Store } from '../store/store';
import { applyPingTest, type MonitorReplica, startMonitorReplica } from './monitor-test-rig';

/** Two stores on one database (two replicas), or the same store twice (one embedded database). */
export interface ReplicaStores {
  readonly first: Store;
  readonly second: Store;
  close(): Promise<void>;
}

/**
 * Scheduling with a fake clock (only time is fake: the stores, run service and scheduler are real),
 * on one database shared by two replicas.
 * @example describeMonitorScheduling('PGlite', async (now) => { const s = await createPgliteStore({ now }); … })
 */
export function describeMonitorScheduling(
  name: string,
  openStores: (now: () => Date) => Promise<ReplicaStores>,
): void {
  describe(`monitor scheduling: ${name}`, () => {
    let clockMs = Date.parse('2025-03-29T12:00:00Z');
    const now = () => new Date(clockMs);
    let stores: ReplicaStores;
    let nextScope = 0;

    beforeAll(async () => {
      stores = await openStores(now);
    });
    afterAll(async () => {
      await stores?.close();
    });

    async function createScope(): Promise<Scope> {
      nextScope += 1;
      const scope = { organizationId: `scheduling-${nextScope}`, environmentId: 'prod' };
      await stores.first.upsertOrganization({ id: scope.organizationId, name: 'Org' });
      await stores.first.upsertEnvironment(scope, 'Production');
      return scope;
    }

    const monitorRunsOf = async (scope: Scope, monitorId: string) =>
      (await stores.first.monitors.listMonitorRuns(scope, monitorId, { sortDirection: 'asc' })).items;

    it('fires a cron in its time zone at the right instants across clock changes, and only the latest missed tick', async () => {
      clockMs = Date.parse('2025-03-29T12:00:00Z');
      const scope = await createScope();
      await applyPingTest(stores.first, scope, 'ping');
      await stores.first.upsertResource(scope, 'Monitor', 'nightly', {
        id: 'nightly',
        name: 'Nightly',
        enabled: true,
        tests: ['ping'],
        schedule: { cron: '30 2 * * *', timeZone: 'Europe/Madrid' },
      });
      const replica = await startMonitorReplica(stores.first, {
        nowMs: () => clockMs,
        workerName: 'replica-a',
      });
      try {
        const firedAt: string[] = [];
        // Madrid's clocks go 02:00 → 03:00 on 2025-03-30 (no 02:30) and 03:00 → 02:00 on 2025-10-26
        // (02:30 twice: 00:30Z and 01:30Z).
        for (const instant of [
          '2025-03-29T12:00:00Z',
          '2025-03-30T00:29:59Z',
          '2025-03-30T00:30:00Z',
          '2025-03-30T01:30:00Z',
          '2025-03-30T23:00:00Z',
          '2025-03-31T00:29:00Z',
          '2025-03-31T00:30:00Z',
          '2025-03-31T00:30:30Z',
          // Everything down from April to late October: only the latest tick runs.
          '2025-10-25T23:00:00Z',
          '2025-10-26T00:30:01Z',
          '2025-10-26T01:30:01Z',
          '2025-10-27T01:29:59Z',
          '2025-10-27T01:30:00Z',
        ]) {
          clockMs = Date.parse(instant);
          const before = (await monitorRunsOf(scope, 'nightly')).length;
          await replica.scheduler.runOnce();
          if ((await monitorRunsOf(scope, 'nightly')).length > before) firedAt.push(instant);
        }
        expect(firedAt).toEqual([
          '2025-03-31T00:30:00Z',
          '2025-10-25T23:00:00Z',
          '2025-10-26T00:30:01Z',
          '2025-10-27T01:30:00Z',
        ]);
        const runs = await monitorRunsOf(scope, 'nightly');
        expect(runs.map((run) => run.scheduledFor?.toISOString())).toEqual([
          '2025-03-31T00:30:00.000Z',
          '2025-10-25T00:30:00.000Z',
          '2025-10-26T00:30:00.000Z',
          '2025-10-27T01:30:00.000Z',
        ]);
        expect(runs.every((run) => run.executionType === 'SCHEDULED' && run.state === 'EXECUTING')).toBe(
          true,
        );
        const testRuns = await stores.first.listRuns(scope, { testId: 'ping', sortDirection: 'asc' });
        expect(testRuns.count).toBe(4);
        expect(testRuns.items[0]).toMatchObject({
          source: 'monitor',
          metadata: {
            monitorId: 'nightly',
            monitorName: 'Nightly',
            monitorRunId: String(runs[0]?.id),
            executionType: 'SCHEDULED',
            scheduledFor: '2025-03-31T00:30:00.000Z',
          },
        });
        expect(runs[0]?.targets).toEqual([{ kind: 'test', id: 'ping', runId: testRuns.items[0]?.id }]);
      } finally {
        await replica.close();
      }
    });

    it('runs each tick once across two replicas whose clocks differ, and never a disabled monitor', async () => {
      clockMs = Date.parse('2025-06-01T09:58:00Z');
      const scope = await createScope();
      await applyPingTest(stores.first, scope, 'ping');
      await stores.first.upsertResource(scope, 'Monitor', 'every-5', {
        id: 'every-5',
        name: 'Every five minutes',
        enabled: true,
        tests: ['ping'],
        schedule: { cron: '*/5 * * * *' },
      });
      await stores.first.upsertResource(scope, 'Monitor', 'paused', {
        id: 'paused',
        name: 'Paused',
        enabled: false,
        tests: ['ping'],
        schedule: { cron: '* * * * *' },
      });
      // Replica B's clock is 2 s behind replica A's.
      const a = await startMonitorReplica(stores.first, { nowMs: () => clockMs, workerName: 'replica-a' });
      const b = await startMonitorReplica(stores.second, {
        nowMs: () => clockMs - 2000,
        workerName: 'replica-b',
      });
      const replicas: MonitorReplica[] = [a, b];
      try {
        const start = Date.parse('2025-06-01T10:00:00Z');
        for (let tick = 0; tick < 6; tick++) {
          for (const offsetMs of [0, 1000, 2500, 60_000]) {
            clockMs = start + tick * 5 * 60_000 + offsetMs;
            // Both replicas pass at once, several times within the tick.
            await Promise.all([...replicas, ...replicas].map((replica) => replica.scheduler.runOnce()));
          }
        }
        const runs = await monitorRunsOf(scope, 'every-5');
        expect(runs.map((run) => run.scheduledFor?.toISOString())).toEqual(
          Array.from({ length: 6 }, (_, tick) => new Date(start + tick * 5 * 60_000).toISOString()),
        );
        expect((await stores.first.listRuns(scope, { testId: 'ping', source: 'monitor' })).count).toBe(6);
        expect(await monitorRunsOf(scope, 'paused')).toEqual([]);

        // Enabling it makes it run from the next tick on, not for the minutes it was paused.
        clockMs += 30_000;
        await stores.first.upsertResource(scope, 'Monitor', 'paused', {
          id: 'paused',
          name: 'Paused',
          enabled: true,
          tests: ['ping'],
          schedule: { cron: '* * * * *' },
        });
        await Promise.all(replicas.map((replica) => replica.scheduler.runOnce()));
        expect(await monitorRunsOf(scope, 'paused')).toEqual([]);
        clockMs += 60_000;
        await Promise.all(replicas.map((replica) => replica.scheduler.runOnce()));
        expect(await monitorRunsOf(scope, 'paused')).toHaveLength(1);
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
      }
    });
  });
}
