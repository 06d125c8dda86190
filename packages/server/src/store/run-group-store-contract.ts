import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState, Scope, Store, SuiteRunState } from './store';
import { newRun } from './testing/new-run';

/**
 * The contract of `Store.runGroups` on every adapter: idempotent creation, the summary computed from
 * the members (test runs that are not suite steps, suite runs through their steps), one verdict, the
 * state, paging and the state filter, and scoping.
 * @example describeRunGroupStore('PGlite in memory', ({ now }) => createPgliteStore({ now }))
 */
export function describeRunGroupStore(
  name: string,
  openStore: (options: { readonly now: () => Date }) => Promise<Store>,
): void {
  describe(`RunGroupStore contract: ${name}`, () => {
    let store: Store;
    let clockMs = Date.UTC(2025, 0, 1, 12, 0, 0, 0);
    const now = () => new Date(clockMs);
    const tick = (ms = 1000) => {
      clockMs += ms;
      return now();
    };
    let nextScope = 0;

    beforeAll(async () => {
      store = await openStore({ now });
    });
    afterAll(async () => {
      await store?.close();
    });

    async function createScope(): Promise<Scope> {
      nextScope += 1;
      const scope = { organizationId: `rg-org-${nextScope}`, environmentId: 'env' };
      await store.upsertOrganization({ id: scope.organizationId, name: 'Org' });
      await store.upsertEnvironment(scope, 'Env');
      return scope;
    }

    async function endRun(scope: Scope, runId: number, state: RunState, verdict: boolean) {
      const at = tick();
      return store.transitionRun(scope, runId, ['CREATED'], { state, verdict, completedAt: at });
    }

    async function endSuiteRun(scope: Scope, suiteRunId: number, state: SuiteRunState) {
      return store.updateSuiteRun(scope, suiteRunId, { state, completedAt: tick() });
    }

    it('creates a group once: a second ensure answers the first one unchanged', async () => {
      const scope = await createScope();
      const first = await store.runGroups.ensure(scope, {
        id: 'nightly',
        metadata: { branch: 'main' },
        source: 'cli',
      });
      expect(first).toEqual({
        created: true,
        group: {
          id: 'nightly',
          state: 'CREATED',
          createdAt: now(),
          updatedAt: now(),
          finishedAt: null,
          metadata: { branch: 'main' },
          source: 'cli',
          summary: { running: 0, passed: 0, failed: 0, verdict: null },
        },
      });
      tick();
      const again = await store.runGroups.ensure(scope, { id: 'nightly', metadata: {}, source: 'api' });
      expect(again).toEqual({ created: false, group: first.group });
      expect(await store.runGroups.get(scope, 'nightly')).toEqual(first.group);
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.runGroups.ensure(scope, { id: 'parallel', metadata: {}, source: 'cli' }),
        ),
      );
      expect(concurrent.filter((outcome) => outcome.created)).toHaveLength(1);
    });

    it('refuses an id that could not be a topic or a path segment, and a missing environment', async () => {
      const scope = await createScope();
      for (const id of ['a.b', 'a b', 'a/b', '', 'x'.repeat(129)]) {
        await expect(
          store.runGroups.ensure(scope, { id, metadata: {}, source: 'api' }),
        ).rejects.toMatchObject({
          code: 'REQUEST_INVALID',
        });
      }
      await expect(
        store.runGroups.ensure(
          { organizationId: scope.organizationId, environmentId: 'env-missing' },
          { id: 'g', metadata: {}, source: 'api' },
        ),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"env-missing"') });
    });

    it('computes the summary from test runs and suite runs, suite steps counting through their suite', async () => {
      const scope = await createScope();
      await store.runGroups.ensure(scope, { id: 'g', metadata: {}, source: 'cli' });
      expect(await store.runGroups.refresh(scope, 'g')).toMatchObject({
        changed: false,
        group: { state: 'CREATED' },
      });

      const passing = await store.createRun(scope, newRun({ runGroupId: 'g' }));
      const failing = await store.createRun(scope, newRun({ runGroupId: 'g', testId: 'test-2' }));
      const suiteRun = await store.createSuiteRun(scope, {
        suiteId: 'suite-1',
        suiteVersion: 1,
        variableSetId: null,
        variables: [],
        requiredGates: null,
        metadata: {},
        runGroupId: 'g',
      });
      const step = await store.createRun(
        scope,
        newRun({ runGroupId: 'g', testSuiteId: 'suite-1', testSuiteRunId: suiteRun.id }),
      );
      const other = await store.createRun(scope, newRun({ runGroupId: 'other' }));
      expect(other.runGroupId).toBe('other');

      const running = await store.runGroups.refresh(scope, 'g');
      expect(running).toMatchObject({
        changed: true,
        group: {
          state: 'RUNNING',
          finishedAt: null,
          summary: { running: 3, passed: 0, failed: 0, verdict: null },
        },
      });
      expect(await store.runGroups.refresh(scope, 'g')).toMatchObject({ changed: false });

      await endRun(scope, passing.id, 'FINISHED', true);
      await endRun(scope, failing.id, 'FINISHED', false);
      await endRun(scope, step.id, 'FINISHED', true);
      expect((await store.runGroups.refresh(scope, 'g'))?.group.summary).toEqual({
        running: 1,
        passed: 1,
        failed: 1,
        verdict: null,
      });
      const lastEnd = tick();
      await store.updateSuiteRun(scope, suiteRun.id, { state: 'FINISHED', completedAt: lastEnd });
      const finished = await store.runGroups.refresh(scope, 'g');
      expect(finished).toMatchObject({
        changed: true,
        group: {
          state: 'FINISHED',
          finishedAt: lastEnd,
          summary: { running: 0, passed: 2, failed: 1, verdict: false },
        },
      });
      expect(await store.runGroups.get(scope, 'g')).toEqual(finished?.group);
    });

    it('passes a group only when every test run and every suite run (with every step) passed', async () => {
      const scope = await createScope();
      await store.runGroups.ensure(scope, { id: 'green', metadata: {}, source: 'cli' });
      const run = await store.createRun(scope, newRun({ runGroupId: 'green' }));
      await endRun(scope, run.id, 'FINISHED', true);
      expect((await store.runGroups.refresh(scope, 'green'))?.group).toMatchObject({
        state: 'FINISHED',
        summary: { passed: 1, failed: 0, verdict: true },
      });

      // A suite run that FINISHED with a failing step fails the group; a FAILED suite run too.
      const suiteRun = await store.createSuiteRun(scope, {
        suiteId: 's',
        suiteVersion: 1,
        variableSetId: null,
        variables: [],
        requiredGates: null,
        metadata: {},
        runGroupId: 'green',
      });
      const step = await store.createRun(
        scope,
        newRun({ runGroupId: 'green', testSuiteId: 's', testSuiteRunId: suiteRun.id }),
      );
      expect((await store.runGroups.refresh(scope, 'green'))?.group).toMatchObject({
        state: 'RUNNING',
        finishedAt: null,
        summary: { running: 1, passed: 1, verdict: null },
      });
      await endRun(scope, step.id, 'FINISHED', false);
      await endSuiteRun(scope, suiteRun.id, 'FINISHED');
      expect((await store.runGroups.refresh(scope, 'green'))?.group).toMatchObject({
        state: 'FINISHED',
        summary: { running: 0, passed: 1, failed: 1, verdict: false },
      });

      await store.runGroups.ensure(scope, { id: 'broken', metadata: {}, source: 'cli' });
      const failedSuite = await store.createSuiteRun(scope, {
        suiteId: 's',
        suiteVersion: 1,
        variableSetId: null,
        variables: [],
        requiredGates: null,
        metadata: {},
        runGroupId: 'broken',
      });
      await endSuiteRun(scope, failedSuite.id, 'FAILED');
      const stopped = await store.createRun(scope, newRun({ runGroupId: 'broken' }));
      await endRun(scope, stopped.id, 'STOPPED', false);
      expect((await store.runGroups.refresh(scope, 'broken'))?.group.summary).toEqual({
        running: 0,
        passed: 0,
        failed: 2,
        verdict: false,
      });
    });

    it('lists newest first with paging and a state filter, scoped to the environment', async () => {
      const scope = await createScope();
      const otherScope = { organizationId: scope.organizationId, environmentId: 'env-other' };
      await store.upsertEnvironment(otherScope, 'Other');
      for (const id of ['a', 'b', 'c']) {
        tick();
        await store.runGroups.ensure(scope, { id, metadata: {}, source: 'cli' });
      }
      await store.runGroups.ensure(otherScope, { id: 'a', metadata: {}, source: 'cli' });
      const run = await store.createRun(scope, newRun({ runGroupId: 'b' }));
      await store.runGroups.refresh(scope, 'b');

      const page = await store.runGroups.list(scope, { take: 2 });
      expect({ count: page.count, ids: page.items.map((group) => group.id) }).toEqual({
        count: 3,
        ids: ['c', 'b'],
      });
      const second = await store.runGroups.list(scope, { take: 2, skip: 2 });
      expect(second.items.map((group) => group.id)).toEqual(['a']);
      const oldest = await store.runGroups.list(scope, { sortDirection: 'asc' });
      expect(oldest.items.map((group) => group.id)).toEqual(['a', 'b', 'c']);
      const runningGroups = await store.runGroups.list(scope, { states: ['RUNNING'] });
      expect({ count: runningGroups.count, ids: runningGroups.items.map((group) => group.id) }).toEqual({
        count: 1,
        ids: ['b'],
      });
      expect((await store.runGroups.list(scope, { states: [] })).count).toBe(0);

      await endRun(scope, run.id, 'FINISHED', true);
      await store.runGroups.refresh(scope, 'b');
      expect(
        (await store.runGroups.list(scope, { states: ['FINISHED'] })).items.map((group) => group.id),
      ).toEqual(['b']);
      expect((await store.runGroups.list(otherScope)).items.map((group) => group.id)).toEqual(['a']);
      expect(await store.runGroups.refresh(otherScope, 'b')).toBeUndefined();
      expect(await store.runGroups.get(otherScope, 'b')).toBeUndefined();
    });

    it('keeps the last of concurrent refreshes right: every member change committed before it counts', async () => {
      const scope = await createScope();
      await store.runGroups.ensure(scope, { id: 'busy', metadata: {}, source: 'cli' });
      const runs = await Promise.all(
        Array.from({ length: 8 }, () => store.createRun(scope, newRun({ runGroupId: 'busy' }))),
      );
      await Promise.all(
        runs.map(async (run, index) => {
          await store.transitionRun(scope, run.id, ['CREATED'], {
            state: 'FINISHED',
            verdict: index % 2 === 0,
            completedAt: now(),
          });
          await store.runGroups.refresh(scope, 'busy');
        }),
      );
      expect((await store.runGroups.get(scope, 'busy'))?.summary).toEqual({
        running: 0,
        passed: 4,
        failed: 4,
        verdict: false,
      });
    });
  });
}
