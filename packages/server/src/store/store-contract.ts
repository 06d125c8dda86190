import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewRun, NewSuiteRun, RunRecord, RunState, Scope, Store } from './store';
import { newRun } from './testing/new-run';

/** What the contract passes to the factory: the clock the store must stamp times with. */
export interface OpenStoreOptions {
  readonly now: () => Date;
}

/**
 * The contract every Store adapter passes. `openStore` is called once for the block; every test
 * works in scopes of its own, so the tests share one database (and the last test closes it).
 * @example describeStore('PGlite in memory', ({ now }) => createPgliteStore({ now }))
 */
export function describeStore(name: string, openStore: (options: OpenStoreOptions) => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let clockMs = Date.UTC(2025, 0, 1, 12, 0, 0, 0);
    const now = () => new Date(clockMs);
    /** Moves the fake clock forward and returns the new time. */
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

    /** A new organization with one environment: every test writes into scopes nobody else uses. */
    async function createScope(): Promise<Scope> {
      nextScope += 1;
      const scope = { organizationId: `org-${nextScope}`, environmentId: 'env-main' };
      await store.upsertOrganization({ id: scope.organizationId, name: `Organization ${nextScope}` });
      await store.upsertEnvironment(scope, 'Main');
      return scope;
    }

    function newSuiteRun(overrides: Partial<NewSuiteRun> = {}): NewSuiteRun {
      return {
        suiteId: 'suite-1',
        suiteVersion: 1,
        variableSetId: null,
        variables: [],
        requiredGates: null,
        metadata: {},
        runGroupId: null,
        ...overrides,
      };
    }

    describe('tenancy', () => {
      it('creates and renames organizations and environments', async () => {
        const created = await store.upsertOrganization({ id: 'acme', name: 'Acme' });
        expect(created).toEqual({ id: 'acme', name: 'Acme', createdAt: now() });
        tick();
        const renamed = await store.upsertOrganization({ id: 'acme', name: 'Acme Corp' });
        expect(renamed).toEqual({ id: 'acme', name: 'Acme Corp', createdAt: created.createdAt });

        const staging = await store.upsertEnvironment(
          { organizationId: 'acme', environmentId: 'staging' },
          'Stg',
        );
        tick();
        await store.upsertEnvironment({ organizationId: 'acme', environmentId: 'production' }, 'Production');
        await store.upsertEnvironment({ organizationId: 'acme', environmentId: 'staging' }, 'Staging');
        expect(await store.getEnvironment({ organizationId: 'acme', environmentId: 'staging' })).toEqual({
          organizationId: 'acme',
          id: 'staging',
          name: 'Staging',
          createdAt: staging.createdAt,
        });
        const listed = await store.listEnvironments('acme');
        expect(listed.map((environment) => environment.id)).toEqual(['staging', 'production']);
        expect(await store.listEnvironments('nobody')).toEqual([]);
        expect(await store.getEnvironment({ organizationId: 'acme', environmentId: 'qa' })).toBeUndefined();
      });

      it('refuses an environment of an unknown organization', async () => {
        await expect(
          store.upsertEnvironment({ organizationId: 'no-such-org', environmentId: 'env' }, 'Env'),
        ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('"no-such-org"') });
      });

      const writes: Array<[string, (scope: Scope) => Promise<unknown>]> = [
        ['upsertResource', (scope) => store.upsertResource(scope, 'Test', 't1', { name: 'x' })],
        ['createRun', (scope) => store.createRun(scope, newRun())],
        ['createSuiteRun', (scope) => store.createSuiteRun(scope, newSuiteRun())],
      ];
      it.each(writes)(
        '%s into an environment that does not exist rejects with NOT_FOUND',
        async (_, write) => {
          const scope = await createScope();
          const missing = { organizationId: scope.organizationId, environmentId: 'env-missing' };
          await expect(write(missing)).rejects.toMatchObject({
            code: 'NOT_FOUND',
            message: expect.stringContaining('"env-missing"'),
          });
        },
      );
    });

    describe('resources', () => {
      it('creates with version 1, stores the id and drops read-only keys', async () => {
        const scope = await createScope();
        const outcome = await store.upsertResource(scope, 'Test', 'create-order', {
          name: 'Create order',
          version: 7,
          createdAt: '2020-01-01T00:00:00Z',
          summary: { runs: 3 },
          trigger: { type: 'http', httpRequest: { url: 'http://shop/orders', method: 'POST' } },
          specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
        });
        const expected = {
          kind: 'Test',
          id: 'create-order',
          version: 1,
          spec: {
            id: 'create-order',
            name: 'Create order',
            trigger: { type: 'http', httpRequest: { url: 'http://shop/orders', method: 'POST' } },
            specs: [{ selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] }],
          },
          createdAt: now(),
          updatedAt: now(),
        };
        expect(outcome).toEqual({ resource: expected, created: true, changed: true });
        expect(await store.getResource(scope, 'Test', 'create-order')).toEqual(expected);
        expect(await store.getResource(scope, 'Test', 'create-order', 1)).toEqual(expected);
        expect(await store.getResource(scope, 'Test', 'create-order', 2)).toBeUndefined();
        expect(await store.getResource(scope, 'Test', 'other')).toBeUndefined();
      });

      it('versions a versioned kind only when the spec changed (SPEC §1.3)', async () => {
        const scope = await createScope();
        const first = await store.upsertResource(
          scope,
          'Test',
          't',
          { name: 'A', description: 'd', specs: [{ selector: 'span', assertions: ['x = 1'] }] },
          { versioned: true },
        );
        const createdAt = now();
        tick();
        // Same content: other key order, read-only keys that differ, an explicit id.
        const same = await store.upsertResource(
          scope,
          'Test',
          't',
          {
            specs: [{ assertions: ['x = 1'], selector: 'span' }],
            id: 't',
            description: 'd',
            name: 'A',
            version: 9,
          },
          { versioned: true },
        );
        expect(same).toEqual({ resource: first.resource, created: false, changed: false });

        const updatedAt = tick();
        const changed = await store.upsertResource(
          scope,
          'Test',
          't',
          { name: 'A', description: 'd', specs: [{ selector: 'span', assertions: ['x = 2'] }] },
          { versioned: true },
        );
        expect(changed.created).toBe(false);
        expect(changed.changed).toBe(true);
        expect(changed.resource).toMatchObject({ version: 2, createdAt, updatedAt });
        expect(await store.getResource(scope, 'Test', 't')).toEqual(changed.resource);
        expect((await store.getResource(scope, 'Test', 't', 1))?.spec).toEqual(first.resource.spec);
        const versions = await store.listResourceVersions(scope, 'Test', 't');
        expect(versions.map((version) => [version.version, version.spec.specs, version.updatedAt])).toEqual([
          [1, [{ selector: 'span', assertions: ['x = 1'] }], createdAt],
          [2, [{ selector: 'span', assertions: ['x = 2'] }], updatedAt],
        ]);
        expect(versions.every((version) => version.createdAt.getTime() === createdAt.getTime())).toBe(true);
      });

      it('updates an unversioned kind in place at version 1', async () => {
        const scope = await createScope();
        await store.upsertResource(scope, 'DataStore', 'current', { name: 'jaeger', type: 'jaeger' });
        const unchanged = await store.upsertResource(scope, 'DataStore', 'current', {
          type: 'jaeger',
          name: 'jaeger',
        });
        expect(unchanged.changed).toBe(false);
        const updatedAt = tick();
        const changed = await store.upsertResource(scope, 'DataStore', 'current', {
          name: 'tempo',
          type: 'tempo',
        });
        expect(changed).toMatchObject({ created: false, changed: true, resource: { version: 1, updatedAt } });
        expect((await store.getResource(scope, 'DataStore', 'current'))?.spec).toEqual({
          id: 'current',
          name: 'tempo',
          type: 'tempo',
        });
        const versions = await store.listResourceVersions(scope, 'DataStore', 'current');
        expect(versions.map((version) => [version.version, version.spec.type])).toEqual([[1, 'tempo']]);
      });

      it('keeps kinds apart: one id may name resources of several kinds', async () => {
        const scope = await createScope();
        await store.upsertResource(scope, 'Test', 'shared', { name: 'a test' });
        await store.upsertResource(scope, 'TestSuite', 'shared', { name: 'a suite' });
        expect((await store.getResource(scope, 'Test', 'shared'))?.spec.name).toBe('a test');
        expect((await store.getResource(scope, 'TestSuite', 'shared'))?.spec.name).toBe('a suite');
        expect(await store.deleteResource(scope, 'Test', 'shared')).toBe(true);
        expect((await store.getResource(scope, 'TestSuite', 'shared'))?.spec.name).toBe('a suite');
      });

      it('deletes, hides every version, and re-creates continuing the version numbers', async () => {
        const scope = await createScope();
        await store.upsertResource(scope, 'Test', 'd', { name: 'v1' }, { versioned: true });
        await store.upsertResource(scope, 'Test', 'd', { name: 'v2' }, { versioned: true });
        tick();
        expect(await store.deleteResource(scope, 'Test', 'd')).toBe(true);
        expect(await store.deleteResource(scope, 'Test', 'd')).toBe(false);
        expect(await store.deleteResource(scope, 'Test', 'never')).toBe(false);
        expect(await store.getResource(scope, 'Test', 'd')).toBeUndefined();
        expect(await store.getResource(scope, 'Test', 'd', 1)).toBeUndefined();
        expect(await store.listResourceVersions(scope, 'Test', 'd')).toEqual([]);
        expect((await store.listResources(scope, 'Test')).count).toBe(0);

        const recreatedAt = tick();
        const recreated = await store.upsertResource(scope, 'Test', 'd', { name: 'v2' }, { versioned: true });
        expect(recreated).toMatchObject({
          created: true,
          changed: true,
          resource: { version: 3, createdAt: recreatedAt, spec: { id: 'd', name: 'v2' } },
        });
        expect(
          (await store.listResourceVersions(scope, 'Test', 'd')).map((version) => version.version),
        ).toEqual([1, 2, 3]);
      });

      it('lists with paging and a total count', async () => {
        const scope = await createScope();
        for (const index of [1, 2, 3, 4, 5]) {
          tick();
          await store.upsertResource(scope, 'VariableSet', `vs-${index}`, { name: `Set ${index}` });
        }
        const firstPage = await store.listResources(scope, 'VariableSet', { take: 2 });
        expect(firstPage.count).toBe(5);
        expect(firstPage.items.map((item) => item.id)).toEqual(['vs-5', 'vs-4']);
        const lastPage = await store.listResources(scope, 'VariableSet', { take: 2, skip: 4 });
        expect(lastPage).toMatchObject({ count: 5, items: [{ id: 'vs-1' }] });
        const beyond = await store.listResources(scope, 'VariableSet', { take: 2, skip: 10 });
        expect(beyond).toEqual({ count: 5, items: [] });
        expect((await store.listResources(scope, 'Test')).count).toBe(0);
      });

      it.each([
        ['createdAt (default, newest first)', {}, ['b', 'C', 'a', 'd']],
        ['createdAt asc', { sortBy: 'createdAt', sortDirection: 'asc' }, ['d', 'a', 'C', 'b']],
        ['updatedAt desc', { sortBy: 'updatedAt', sortDirection: 'desc' }, ['a', 'b', 'C', 'd']],
        ['name asc, case-insensitive', { sortBy: 'name', sortDirection: 'asc' }, ['a', 'b', 'C', 'd']],
        ['name desc', { sortBy: 'name', sortDirection: 'desc' }, ['d', 'C', 'b', 'a']],
        ['id asc (byte order)', { sortBy: 'id', sortDirection: 'asc' }, ['C', 'a', 'b', 'd']],
      ] as const)('sorts by %s', async (_, query, expectedIds) => {
        const scope = await createScope();
        // Created d, a, C, b in that order; a updated last. Names: id "x" is named "X name".
        for (const id of ['d', 'a', 'C', 'b']) {
          tick();
          await store.upsertResource(scope, 'Test', id, { name: `${id.toUpperCase()} name` });
        }
        tick();
        await store.upsertResource(scope, 'Test', 'a', { name: 'a name', changed: true });
        const page = await store.listResources(scope, 'Test', query);
        expect(page.items.map((item) => item.id)).toEqual(expectedIds);
      });

      it.each([
        ['a name substring, any case', 'ORDER', ['create-order', 'cancel-order']],
        ['an id substring', 'cancel-', ['cancel-order']],
        ['a literal %', '100%', ['percent']],
        ['a literal _', 'a_b', ['underscore']],
        ['nothing', 'zzz', []],
      ])('searches %s', async (_, text, expectedIds) => {
        const scope = await createScope();
        const specs: Array<[string, string]> = [
          ['create-order', 'Create Order'],
          ['cancel-order', 'Cancel order'],
          ['percent', 'Uses 100% of CPU'],
          ['underscore', 'name a_b'],
          ['plain', 'a1b 1000'],
        ];
        for (const [id, name] of specs) {
          tick();
          await store.upsertResource(scope, 'Test', id, { name });
        }
        const page = await store.listResources(scope, 'Test', {
          query: text,
          sortBy: 'id',
          sortDirection: 'desc',
        });
        expect(page.items.map((item) => item.id)).toEqual(expectedIds);
        expect(page.count).toBe(expectedIds.length);
      });

      it('creates a resource once when many upserts of a new id race', async () => {
        const scope = await createScope();
        const outcomes = await Promise.all(
          Array.from({ length: 8 }, () => store.upsertResource(scope, 'Test', 'raced', { name: 'same' })),
        );
        expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.changed)).toHaveLength(1);
        expect(new Set(outcomes.map((outcome) => outcome.resource.version))).toEqual(new Set([1]));
      });

      it('gives racing changes of a versioned resource distinct, consecutive versions', async () => {
        const scope = await createScope();
        await store.upsertResource(scope, 'Test', 'busy', { name: 'start' }, { versioned: true });
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            store.upsertResource(scope, 'Test', 'busy', { name: `edit ${index}` }, { versioned: true }),
          ),
        );
        expect(outcomes.map((outcome) => outcome.resource.version).sort()).toEqual([2, 3, 4, 5, 6, 7]);
        const versions = await store.listResourceVersions(scope, 'Test', 'busy');
        expect(versions.map((version) => version.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      });
    });

    describe('runs', () => {
      it('creates a run in state CREATED with numeric, increasing ids', async () => {
        const scope = await createScope();
        const input = newRun({
          testVersion: 3,
          variableSetId: 'staging-vars',
          variables: [
            { key: 'HOST', value: 'shop', type: 'raw' },
            { key: 'TOKEN', value: 'tcsecret:v1:c2VhbGVk', type: 'secret' },
          ],
          requiredGates: ['test-specs', 'analyzer-score'],
          metadata: { branch: 'main', step: '1' },
          runGroupId: 'group-1',
          testSuiteId: 'suite-1',
          testSuiteRunId: 41,
          source: 'suite',
          branch: 'main',
        });
        const first = await store.createRun(scope, input);
        const second = await store.createRun(scope, newRun());
        expect(Number.isSafeInteger(first.id)).toBe(true);
        expect(second.id).toBeGreaterThan(first.id);
        const expected: RunRecord = {
          ...input,
          id: first.id,
          state: 'CREATED',
          lastErrorState: null,
          createdAt: now(),
          serviceTriggeredAt: null,
          serviceTriggerCompletedAt: null,
          obtainedTraceAt: null,
          completedAt: null,
          resolvedTrigger: null,
          triggerResult: null,
          result: null,
          outputs: null,
          linter: null,
          requiredGatesResult: null,
          passed: 0,
          failed: 0,
          verdict: null,
        };
        expect(first).toEqual(expected);
        expect(await store.getRun(scope, first.id)).toEqual(expected);
        expect(await store.getRun(scope, second.id + 1000)).toBeUndefined();
      });

      it('stores every field a stage sets, JSON values unchanged', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const triggeredAt = new Date(Date.UTC(2025, 5, 1, 10, 0, 0, 123));
        const patch = {
          state: 'FINISHED' as const,
          lastErrorState: 'AWAITING_TRACE',
          serviceTriggeredAt: triggeredAt,
          serviceTriggerCompletedAt: new Date(triggeredAt.getTime() + 250),
          obtainedTraceAt: new Date(triggeredAt.getTime() + 3_000),
          completedAt: new Date(triggeredAt.getTime() + 3_500),
          resolvedTrigger: { type: 'http', httpRequest: { url: 'http://shop', headers: [] } },
          triggerResult: { type: 'http', httpResponse: { status: 201, body: '{"id": "9007199254740993"}' } },
          result: { allPassed: false, results: [{ selector: 'span', results: [{ passed: true }] }] },
          outputs: [{ name: 'ORDER_ID', value: '42', spanId: 'b7ad6b7169203331' }],
          linter: { passed: true, score: 97.5, plugins: [] },
          requiredGatesResult: { required: ['test-specs'], failed: ['test-specs'], passed: false },
          passed: 4,
          failed: 1,
          verdict: false,
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        };
        const updated = await store.transitionRun(scope, run.id, ['CREATED'], patch);
        expect(updated).toEqual({ ...run, ...patch });
        expect(await store.getRun(scope, run.id)).toEqual({ ...run, ...patch });
        // Scalars are JSON too.
        const scalar = await store.createRun(scope, newRun());
        expect(
          await store.transitionRun(scope, scalar.id, ['CREATED'], { result: 'text', outputs: 0 }),
        ).toMatchObject({
          result: 'text',
          outputs: 0,
        });
      });

      it('leaves fields out of the patch unchanged', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await store.transitionRun(scope, run.id, ['CREATED'], {
          state: 'EXECUTING',
          resolvedTrigger: { a: 1 },
        });
        const next = await store.transitionRun(scope, run.id, ['EXECUTING'], {
          state: 'AWAITING_TRACE',
          triggerResult: undefined,
        });
        expect(next).toMatchObject({
          state: 'AWAITING_TRACE',
          resolvedTrigger: { a: 1 },
          triggerResult: null,
        });
      });

      it('transitions only from the given states (compare-and-set)', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        expect(
          await store.transitionRun(scope, run.id, ['EXECUTING'], { state: 'AWAITING_TRACE' }),
        ).toBeUndefined();
        expect(await store.transitionRun(scope, run.id, [], { state: 'EXECUTING' })).toBeUndefined();
        expect((await store.getRun(scope, run.id))?.state).toBe('CREATED');
        expect(await store.transitionRun(scope, run.id, ['CREATED'], {})).toEqual(run);
        const moved = await store.transitionRun(scope, run.id, ['CREATED', 'EXECUTING'], {
          state: 'EXECUTING',
        });
        expect(moved?.state).toBe('EXECUTING');
        expect(
          await store.transitionRun(scope, run.id + 1000, ['EXECUTING'], { state: 'STOPPED' }),
        ).toBeUndefined();
      });

      it('lets exactly one of many racing callers make a transition', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, index) =>
            store.transitionRun(scope, run.id, ['CREATED'], {
              state: 'EXECUTING',
              lastErrorState: `worker-${index}`,
            }),
          ),
        );
        const winners = outcomes.filter((outcome) => outcome !== undefined);
        expect(winners).toHaveLength(1);
        expect(await store.getRun(scope, run.id)).toEqual(winners[0]);
      });

      it('never finishes a run twice: finish and stop race, one wins', async () => {
        const scope = await createScope();
        const running: readonly RunState[] = [
          'CREATED',
          'EXECUTING',
          'AWAITING_TRACE',
          'AWAITING_TEST_RESULTS',
        ];
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const run = await store.createRun(scope, newRun());
          await store.transitionRun(scope, run.id, ['CREATED'], { state: 'AWAITING_TEST_RESULTS' });
          const outcomes = await Promise.all([
            store.transitionRun(scope, run.id, ['AWAITING_TEST_RESULTS'], {
              state: 'FINISHED',
              verdict: true,
            }),
            store.transitionRun(scope, run.id, running, { state: 'STOPPED', verdict: false }),
            store.transitionRun(scope, run.id, ['AWAITING_TEST_RESULTS'], {
              state: 'FINISHED',
              verdict: true,
            }),
          ]);
          const winners = outcomes.filter((outcome) => outcome !== undefined);
          expect(winners).toHaveLength(1);
          expect((await store.getRun(scope, run.id))?.state).toBe(winners[0]?.state);
        }
      });

      it('deletes a run with its events, spans and trace', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await store.appendRunEvents(scope, [
          { runId: run.id, type: 'TRIGGER_START', stage: 'trigger', title: 't', description: 'd' },
        ]);
        await store.appendRunSpans(scope, run.id, [Uint8Array.of(1, 2, 3)]);
        const other = await store.createRun(scope, newRun());
        await store.saveRunTrace(scope, other.id, Uint8Array.of(9));
        expect(await store.deleteRun(scope, run.id)).toBe(true);
        expect(await store.deleteRun(scope, run.id)).toBe(false);
        expect(await store.deleteRun(scope, other.id)).toBe(true);
        expect(await store.getRun(scope, run.id)).toBeUndefined();
        expect(await store.listRunEvents(scope, run.id)).toEqual([]);
        expect(await store.readRunSpans(scope, run.id)).toEqual([]);
        expect(await store.readRunTrace(scope, other.id)).toBeUndefined();
      });

      describe('list', () => {
        let scope: Scope;
        let runs: RunRecord[];
        let suiteRunId: number;
        let startedAt: Date;

        beforeAll(async () => {
          scope = await createScope();
          suiteRunId = (await store.createSuiteRun(scope, newSuiteRun())).id;
          startedAt = tick();
          const inputs: Array<Partial<NewRun>> = [
            { testId: 'checkout', source: 'cli', branch: 'main' },
            { testId: 'checkout', source: 'web', branch: 'feature/x', runGroupId: 'g1' },
            { testId: 'search', source: 'cli', branch: 'main', runGroupId: 'g1' },
            { testId: 'search', source: 'suite', testSuiteId: 'suite-1', testSuiteRunId: suiteRunId },
            { testId: 'checkout', source: 'monitor' },
          ];
          runs = [];
          for (const input of inputs) {
            tick(60_000);
            runs.push(await store.createRun(scope, newRun(input)));
          }
          await store.transitionRun(scope, runs[0]!.id, ['CREATED'], { state: 'FINISHED' });
          await store.transitionRun(scope, runs[2]!.id, ['CREATED'], { state: 'TRACE_FAILED' });
          await store.transitionRun(scope, runs[3]!.id, ['CREATED'], { state: 'AWAITING_TRACE' });
        });

        const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000);
        it.each([
          ['no filter (newest first)', () => ({}), [4, 3, 2, 1, 0]],
          ['testId', () => ({ testId: 'checkout' }), [4, 1, 0]],
          ['states', () => ({ states: ['FINISHED', 'TRACE_FAILED'] as RunState[] }), [2, 0]],
          ['an empty states list', () => ({ states: [] }), []],
          ['createdAfter (exclusive)', () => ({ createdAfter: at(3) }), [4, 3]],
          ['createdBefore (exclusive)', () => ({ createdBefore: at(3) }), [1, 0]],
          ['a created window', () => ({ createdAfter: at(1), createdBefore: at(4) }), [2, 1]],
          ['source', () => ({ source: 'cli' }), [2, 0]],
          ['branch', () => ({ branch: 'main' }), [2, 0]],
          ['runGroupId', () => ({ runGroupId: 'g1' }), [2, 1]],
          ['testSuiteRunId', () => ({ testSuiteRunId: suiteRunId }), [3]],
          ['several filters at once', () => ({ testId: 'checkout', source: 'cli', branch: 'main' }), [0]],
          [
            'sortBy createdAt asc',
            () => ({ sortBy: 'createdAt' as const, sortDirection: 'asc' as const }),
            [0, 1, 2, 3, 4],
          ],
          [
            'sortBy id asc',
            () => ({ sortBy: 'id' as const, sortDirection: 'asc' as const }),
            [0, 1, 2, 3, 4],
          ],
        ])('filters by %s', async (_, query, expectedIndexes) => {
          const page = await store.listRuns(scope, query());
          expect(page.items.map((run) => runs.findIndex((known) => known.id === run.id))).toEqual(
            expectedIndexes,
          );
          expect(page.count).toBe(expectedIndexes.length);
        });

        it('pages, counting every match', async () => {
          const page = await store.listRuns(scope, { testId: 'checkout', take: 1, skip: 1 });
          expect(page).toEqual({ count: 3, items: [await store.getRun(scope, runs[1]!.id)] });
        });
      });
    });

    describe('run events', () => {
      it('appends in order, numbering 1, 2, 3… per run', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const other = await store.createRun(scope, newRun());
        await store.appendRunEvents(scope, [
          {
            runId: run.id,
            type: 'TRIGGER_START',
            stage: 'trigger',
            title: 'Trigger started',
            description: 'http',
          },
          {
            runId: run.id,
            type: 'TRIGGER_SUCCESS',
            stage: 'trigger',
            title: 'Trigger succeeded',
            description: '201 in 12 ms',
            data: { status: 201, headers: [{ key: 'a', value: 'b' }] },
          },
        ]);
        const later = tick();
        await store.appendRunEvents(scope, [
          { runId: other.id, type: 'TRIGGER_START', stage: 'trigger', title: 'other', description: '' },
          {
            runId: run.id,
            type: 'SELECTOR_UNMATCHED',
            stage: 'collect',
            title: 'No match',
            description: 's',
          },
        ]);
        const events = await store.listRunEvents(scope, run.id);
        expect(events.map((event) => [event.seq, event.type])).toEqual([
          [1, 'TRIGGER_START'],
          [2, 'TRIGGER_SUCCESS'],
          [3, 'SELECTOR_UNMATCHED'],
        ]);
        expect(events[0]).toEqual({
          runId: run.id,
          seq: 1,
          type: 'TRIGGER_START',
          stage: 'trigger',
          title: 'Trigger started',
          description: 'http',
          createdAt: new Date(later.getTime() - 1000),
        });
        expect(events[1]?.data).toEqual({ status: 201, headers: [{ key: 'a', value: 'b' }] });
        expect(events[2]?.createdAt).toEqual(later);
        expect((await store.listRunEvents(scope, other.id)).map((event) => event.seq)).toEqual([1]);
        await store.appendRunEvents(scope, []);
      });

      it('numbers racing appends without gaps or duplicates', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            store.appendRunEvents(scope, [
              { runId: run.id, type: `A${index}`, stage: 'collect', title: 'a', description: '' },
              { runId: run.id, type: `B${index}`, stage: 'collect', title: 'b', description: '' },
            ]),
          ),
        );
        const events = await store.listRunEvents(scope, run.id);
        expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
        // Each append's events stay together and in order.
        for (let index = 0; index < 20; index += 2) {
          expect(events[index]?.type.replace('A', 'B')).toBe(events[index + 1]?.type);
        }
      });

      it('rejects events of an unknown run and writes none of the batch', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await expect(
          store.appendRunEvents(scope, [
            { runId: run.id, type: 'OK', stage: 'run', title: '', description: '' },
            { runId: run.id + 1000, type: 'LOST', stage: 'run', title: '', description: '' },
          ]),
        ).rejects.toMatchObject({
          code: 'NOT_FOUND',
          message: expect.stringContaining(`run ${run.id + 1000}`),
        });
        expect(await store.listRunEvents(scope, run.id)).toEqual([]);
      });
    });

    describe('transition with events', () => {
      const stateChanged = (state: RunState) => ({
        type: 'STATE_CHANGED',
        stage: 'trigger' as const,
        title: `Run is ${state}`,
        description: 'why',
        data: { state },
      });

      it('moves the run and appends its events after the ones already there, in one step', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await store.appendRunEvents(scope, [
          { runId: run.id, type: 'RUN_CREATED', stage: 'run', title: 'created', description: '' },
        ]);
        const at = tick();
        const moved = await store.transitionRunWithEvents(
          scope,
          run.id,
          ['CREATED'],
          { state: 'EXECUTING', serviceTriggeredAt: at },
          [
            { type: 'TRIGGER_STARTED', stage: 'trigger', title: 'fired', description: 'POST /orders' },
            stateChanged('EXECUTING'),
          ],
        );
        expect(moved).toEqual({ ...run, state: 'EXECUTING', serviceTriggeredAt: at });
        expect(await store.getRun(scope, run.id)).toEqual(moved);
        const events = await store.listRunEvents(scope, run.id);
        expect(events.map((event) => [event.seq, event.type, event.createdAt])).toEqual([
          [1, 'RUN_CREATED', new Date(at.getTime() - 1000)],
          [2, 'TRIGGER_STARTED', at],
          [3, 'STATE_CHANGED', at],
        ]);
        expect(events[2]?.data).toEqual({ state: 'EXECUTING' });
        // Plain appends continue the numbering.
        await store.appendRunEvents(scope, [
          { runId: run.id, type: 'LATER', stage: 'collect', title: '', description: '' },
        ]);
        expect((await store.listRunEvents(scope, run.id)).at(-1)?.seq).toBe(4);
      });

      it('writes nothing when the run is not in one of the states, or not in the scope', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const lost = await store.transitionRunWithEvents(
          scope,
          run.id,
          ['AWAITING_TRACE'],
          { state: 'FINISHED' },
          [stateChanged('FINISHED')],
        );
        expect(lost).toBeUndefined();
        expect(
          await store.transitionRunWithEvents(scope, run.id, [], { state: 'FINISHED' }, []),
        ).toBeUndefined();
        const elsewhere = await createScope();
        expect(
          await store.transitionRunWithEvents(elsewhere, run.id, ['CREATED'], { state: 'STOPPED' }, [
            stateChanged('STOPPED'),
          ]),
        ).toBeUndefined();
        expect(await store.getRun(scope, run.id)).toEqual(run);
        expect(await store.listRunEvents(scope, run.id)).toEqual([]);
      });

      it('lets exactly one of racing movers win, with its events only', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const outcomes = await Promise.all(
          (['FINISHED', 'STOPPED', 'TRIGGER_FAILED', 'TRACE_FAILED'] as const).map((state) =>
            store.transitionRunWithEvents(scope, run.id, ['CREATED'], { state }, [stateChanged(state)]),
          ),
        );
        const winners = outcomes.filter((outcome) => outcome !== undefined);
        expect(winners).toHaveLength(1);
        const events = await store.listRunEvents(scope, run.id);
        expect(events.map((event) => [event.seq, event.data?.state])).toEqual([[1, winners[0]?.state]]);
      });

      it('moves without events when given none', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const moved = await store.transitionRunWithEvents(
          scope,
          run.id,
          ['CREATED'],
          { state: 'EXECUTING' },
          [],
        );
        expect(moved?.state).toBe('EXECUTING');
        expect(await store.listRunEvents(scope, run.id)).toEqual([]);
      });
    });

    describe('run summaries', () => {
      it('lists runs like listRuns, without the values that grow with the trace', async () => {
        const scope = await createScope();
        const first = await store.createRun(scope, newRun({ runGroupId: 'g1', source: 'web' }));
        await store.createRun(scope, newRun({ testId: 'other' }));
        const finished = await store.transitionRun(scope, first.id, ['CREATED'], {
          state: 'FINISHED',
          result: { allPassed: true, results: [{ selector: { query: 'span' }, results: [] }] },
          outputs: [{ name: 'ID', value: '42' }],
          linter: { score: 100 },
          triggerResult: { type: 'http', httpRequest: { body: 'x'.repeat(1000) } },
          resolvedTrigger: { type: 'http' },
          requiredGatesResult: { required: [], failed: [], passed: true },
          passed: 3,
          failed: 0,
          verdict: true,
        });
        const query = { runGroupId: 'g1' };
        const full = await store.listRuns(scope, query);
        const summaries = await store.listRunSummaries(scope, query);
        expect(summaries.count).toBe(full.count);
        expect(summaries.items).toHaveLength(1);
        const {
          resolvedTrigger: _resolvedTrigger,
          triggerResult: _triggerResult,
          result: _result,
          outputs: _outputs,
          linter: _linter,
          ...expected
        } = finished!;
        expect(summaries.items[0]).toEqual(expected);
        const all = await store.listRunSummaries(scope, { take: 1, sortDirection: 'asc' });
        expect({ count: all.count, ids: all.items.map((run) => run.id) }).toEqual({
          count: 2,
          ids: [first.id],
        });
      });
    });

    describe('spans and traces', () => {
      it('buffers span chunks in append order, bytes unchanged', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const chunks = [
          seededBytes(1, 300),
          seededBytes(2, 0),
          seededBytes(3, 70_000),
          Uint8Array.of(0, 255),
        ];
        await store.appendRunSpans(scope, run.id, chunks.slice(0, 2));
        await store.appendRunSpans(scope, run.id, []);
        await store.appendRunSpans(scope, run.id, chunks.slice(2));
        const read = await store.readRunSpans(scope, run.id);
        expect(read.map(toHex)).toEqual(chunks.map(toHex));
        expect(read.every((chunk) => Object.getPrototypeOf(chunk) === Uint8Array.prototype)).toBe(true);
        expect(await store.readRunSpans(scope, run.id + 1000)).toEqual([]);
      });

      it('keeps every chunk of a large batch, in order', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const chunks = Array.from({ length: 1_200 }, (_, index) => seededBytes(index, 16 + (index % 7)));
        await store.appendRunSpans(scope, run.id, chunks);
        expect((await store.readRunSpans(scope, run.id)).map(toHex)).toEqual(chunks.map(toHex));
      });

      it('rejects chunks of an unknown run', async () => {
        const scope = await createScope();
        await expect(store.appendRunSpans(scope, 987_654_321, [Uint8Array.of(1)])).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      });

      it('writes the trace once, compressed, reads back identical bytes and drops the buffer', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await store.appendRunSpans(scope, run.id, [Uint8Array.of(1, 2, 3)]);
        // Half repetitive (like real OTLP: repeated attribute keys), half noise.
        const trace = new Uint8Array(2_000_000);
        trace.set(seededBytes(7, 1_000_000));
        trace.fill(42, 1_000_000);
        expect(await store.readRunTrace(scope, run.id)).toBeUndefined();
        await store.saveRunTrace(scope, run.id, trace);
        const read = await store.readRunTrace(scope, run.id);
        expect(read?.byteLength).toBe(trace.byteLength);
        expect(Buffer.from(read!).equals(trace)).toBe(true);
        expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
        expect(await store.readRunSpans(scope, run.id)).toEqual([]);
      });

      it('accepts the same trace again (a redelivered step) and refuses a different one', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        const trace = seededBytes(11, 5_000);
        await store.saveRunTrace(scope, run.id, trace);
        await store.saveRunTrace(scope, run.id, Uint8Array.from(trace));
        const different = Uint8Array.from(trace);
        different[100] = (different[100] ?? 0) ^ 1;
        await expect(store.saveRunTrace(scope, run.id, different)).rejects.toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining(`run ${run.id} already has a trace`),
        });
        expect(Buffer.from((await store.readRunTrace(scope, run.id))!).equals(trace)).toBe(true);
      });

      it('stores an empty trace', async () => {
        const scope = await createScope();
        const run = await store.createRun(scope, newRun());
        await store.saveRunTrace(scope, run.id, new Uint8Array(0));
        expect(await store.readRunTrace(scope, run.id)).toEqual(new Uint8Array(0));
      });

      it('rejects a trace of an unknown run', async () => {
        const scope = await createScope();
        await expect(store.saveRunTrace(scope, 987_654_321, Uint8Array.of(1))).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      });
    });

    describe('suite runs', () => {
      it('creates, reads and updates a suite run', async () => {
        const scope = await createScope();
        const input = newSuiteRun({
          suiteVersion: 2,
          variableSetId: 'vars',
          variables: [{ key: 'A', value: '1', type: 'raw' }],
          requiredGates: ['test-specs'],
          metadata: { source: 'ci' },
          runGroupId: 'g',
        });
        const created = await store.createSuiteRun(scope, input);
        const expected = {
          ...input,
          id: created.id,
          state: 'CREATED',
          createdAt: now(),
          completedAt: null,
          stepRunIds: [],
          lastErrorState: null,
        };
        expect(created).toEqual(expected);
        expect(await store.getSuiteRun(scope, created.id)).toEqual(expected);

        const step1 = await store.createRun(scope, newRun({ testSuiteRunId: created.id }));
        const step2 = await store.createRun(scope, newRun({ testSuiteRunId: created.id }));
        const executing = await store.updateSuiteRun(scope, created.id, {
          state: 'EXECUTING',
          stepRunIds: [step1.id, step2.id],
        });
        expect(executing).toEqual({ ...expected, state: 'EXECUTING', stepRunIds: [step1.id, step2.id] });
        const completedAt = tick();
        const failed = await store.updateSuiteRun(scope, created.id, {
          state: 'FAILED',
          completedAt,
          lastErrorState: 'TRACE_FAILED',
        });
        expect(failed).toMatchObject({ state: 'FAILED', completedAt, lastErrorState: 'TRACE_FAILED' });
        expect(failed?.stepRunIds).toEqual([step1.id, step2.id]);
        expect(await store.updateSuiteRun(scope, created.id, {})).toEqual(failed);
        expect(await store.updateSuiteRun(scope, created.id + 1000, { state: 'STOPPED' })).toBeUndefined();
        expect(await store.getSuiteRun(scope, created.id + 1000)).toBeUndefined();
      });

      it('lists suite runs by suite, newest first, with paging', async () => {
        const scope = await createScope();
        const ids: number[] = [];
        for (const suiteId of ['a', 'b', 'a', 'a']) {
          tick();
          ids.push((await store.createSuiteRun(scope, newSuiteRun({ suiteId }))).id);
        }
        const ofA = await store.listSuiteRuns(scope, { suiteId: 'a' });
        expect(ofA.items.map((run) => run.id)).toEqual([ids[3], ids[2], ids[0]]);
        expect(ofA.count).toBe(3);
        const paged = await store.listSuiteRuns(scope, {
          take: 2,
          skip: 1,
          sortBy: 'createdAt',
          sortDirection: 'asc',
        });
        expect(paged.items.map((run) => run.id)).toEqual([ids[1], ids[2]]);
        expect(paged.count).toBe(4);
      });
    });

    describe('scoping', () => {
      const owner: Scope = { organizationId: 'scoping-owner', environmentId: 'env-main' };
      const strangers: Array<[string, Scope]> = [
        [
          'another organization, same environment id',
          { organizationId: 'scoping-stranger', environmentId: 'env-main' },
        ],
        [
          'another environment of the same organization',
          { organizationId: 'scoping-owner', environmentId: 'env-other' },
        ],
      ];
      let runId: number;
      let tracedRunId: number;
      let suiteRunId: number;

      beforeAll(async () => {
        for (const scope of [owner, ...strangers.map(([, stranger]) => stranger)]) {
          await store.upsertOrganization({ id: scope.organizationId, name: scope.organizationId });
          await store.upsertEnvironment(scope, scope.environmentId);
        }
        await store.upsertResource(owner, 'Test', 'private', { name: 'Private test' }, { versioned: true });
        runId = (await store.createRun(owner, newRun({ testId: 'private' }))).id;
        tracedRunId = (await store.createRun(owner, newRun())).id;
        suiteRunId = (await store.createSuiteRun(owner, newSuiteRun())).id;
        await store.appendRunEvents(owner, [{ runId, type: 'E', stage: 'run', title: '', description: '' }]);
        await store.appendRunSpans(owner, runId, [Uint8Array.of(1)]);
        await store.saveRunTrace(owner, tracedRunId, Uint8Array.of(2));
      });

      /** The owner's data after a stranger tried a method. */
      async function expectOwnerDataIntact(): Promise<void> {
        const resource = await store.getResource(owner, 'Test', 'private');
        expect(resource?.spec).toEqual({ id: 'private', name: 'Private test' });
        expect((await store.listResourceVersions(owner, 'Test', 'private')).length).toBe(1);
        expect((await store.getRun(owner, runId))?.state).toBe('CREATED');
        expect(await store.listRunEvents(owner, runId)).toHaveLength(1);
        expect(await store.readRunSpans(owner, runId)).toEqual([Uint8Array.of(1)]);
        expect(await store.readRunTrace(owner, tracedRunId)).toEqual(Uint8Array.of(2));
        expect((await store.getSuiteRun(owner, suiteRunId))?.state).toBe('CREATED');
      }

      const readers: Array<[string, (scope: Scope) => Promise<unknown>, unknown]> = [
        ['getResource', (scope) => store.getResource(scope, 'Test', 'private'), undefined],
        ['getResource of a version', (scope) => store.getResource(scope, 'Test', 'private', 1), undefined],
        ['listResources', (scope) => store.listResources(scope, 'Test'), { count: 0, items: [] }],
        [
          'listResources with a query',
          (scope) => store.listResources(scope, 'Test', { query: 'priv' }),
          { count: 0, items: [] },
        ],
        ['listResourceVersions', (scope) => store.listResourceVersions(scope, 'Test', 'private'), []],
        ['deleteResource', (scope) => store.deleteResource(scope, 'Test', 'private'), false],
        ['getRun', (scope) => store.getRun(scope, runId), undefined],
        ['listRuns', (scope) => store.listRuns(scope), { count: 0, items: [] }],
        [
          'listRuns by test',
          (scope) => store.listRuns(scope, { testId: 'private' }),
          { count: 0, items: [] },
        ],
        [
          'transitionRun',
          (scope) => store.transitionRun(scope, runId, ['CREATED'], { state: 'STOPPED' }),
          undefined,
        ],
        ['deleteRun', (scope) => store.deleteRun(scope, runId), false],
        ['listRunEvents', (scope) => store.listRunEvents(scope, runId), []],
        ['readRunSpans', (scope) => store.readRunSpans(scope, runId), []],
        ['readRunTrace', (scope) => store.readRunTrace(scope, tracedRunId), undefined],
        ['getSuiteRun', (scope) => store.getSuiteRun(scope, suiteRunId), undefined],
        ['listSuiteRuns', (scope) => store.listSuiteRuns(scope), { count: 0, items: [] }],
        [
          'updateSuiteRun',
          (scope) => store.updateSuiteRun(scope, suiteRunId, { state: 'STOPPED' }),
          undefined,
        ],
      ];
      const writers: Array<[string, (scope: Scope) => Promise<unknown>]> = [
        [
          'appendRunEvents',
          (scope) =>
            store.appendRunEvents(scope, [{ runId, type: 'X', stage: 'run', title: '', description: '' }]),
        ],
        ['appendRunSpans', (scope) => store.appendRunSpans(scope, runId, [Uint8Array.of(9)])],
        ['saveRunTrace', (scope) => store.saveRunTrace(scope, runId, Uint8Array.of(9))],
        [
          'saveRunTrace over the existing trace',
          (scope) => store.saveRunTrace(scope, tracedRunId, Uint8Array.of(2)),
        ],
      ];

      describe.each(strangers)('from %s', (_, stranger) => {
        it.each(readers)('%s sees nothing and changes nothing', async (_, call, expected) => {
          expect(await call(stranger)).toEqual(expected);
          await expectOwnerDataIntact();
        });

        it.each(writers)('%s on the owner’s run rejects with NOT_FOUND', async (_, call) => {
          await expect(call(stranger)).rejects.toMatchObject({ code: 'NOT_FOUND' });
          await expectOwnerDataIntact();
        });

        it('upsertResource of the same id creates a separate resource', async () => {
          const outcome = await store.upsertResource(stranger, 'Test', 'private', { name: 'Mine' });
          expect(outcome.created).toBe(true);
          await expectOwnerDataIntact();
          expect((await store.getResource(stranger, 'Test', 'private'))?.spec.name).toBe('Mine');
          expect(await store.deleteResource(stranger, 'Test', 'private')).toBe(true);
          await expectOwnerDataIntact();
        });
      });
    });

    describe('close', () => {
      // Last in the block: it closes the block's store (the afterAll close is then a no-op).
      it('closes idempotently; a closed store rejects further calls', async () => {
        const scope = await createScope();
        // Started before close(): close() waits for them.
        const pending = [
          store.upsertResource(scope, 'Config', 'current', { analyticsEnabled: false }),
          store.createRun(scope, newRun()),
        ];
        await store.close();
        const [config, run] = await Promise.all(pending);
        expect(config).toMatchObject({ created: true });
        expect(run).toMatchObject({ state: 'CREATED' });
        await store.close();
        await expect(store.getResource(scope, 'Config', 'current')).rejects.toMatchObject({
          code: 'INTERNAL',
          message: expect.stringContaining('the store is closed'),
        });
        await expect(store.createRun(scope, newRun())).rejects.toMatchObject({ code: 'INTERNAL' });
      });
    });
  });
}

/** Bytes as text: comparing long byte arrays element by element is slow in `toEqual`. */
function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Deterministic pseudo-random bytes (a linear congruential generator), distinct per seed. */
function seededBytes(seed: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = (seed * 2_654_435_761 + 1) >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}
