import { escapeXmlAttribute, renderTestJUnit, TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import type { EventBus } from '../events/event-bus';
import { publishRunGroupState } from '../pipeline/run-group-events';
import { RUN_GROUP_STATES, type RunGroupRecord, type RunGroupState } from '../store/run-group-store';
import type { RunRecord, RunSummaryRecord, Scope, Store, SuiteRunRecord } from '../store/store';
import { type ApiRoute, defineRoute, type ResponseSpec } from './api-route';
import {
  ApiErrorBodySchema,
  AssertionResultsSchema,
  MAX_PAGE_SIZE,
  TestRunSummarySchema,
  TestSuiteRunSchema,
} from './api-schemas';
import { RunGroupSchema, toRunGroupView } from './run-group-views';
import { type TestRunSummaryView, toTestRunSummaryView, toTestSuiteRunView } from './run-views';

interface RunGroupRoutesDeps {
  readonly store: Store;
  readonly bus: EventBus;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
  readonly now: () => Date;
  /** The id of a group created without one. */
  readonly generateId: () => string;
}

const TAGS = ['run groups'];
/** More members than this are not listed on one group (its summary still counts them all). */
const MAX_GROUP_MEMBERS = 10_000;

const RunGroupIdParamsSchema = z.object({ id: z.string().min(1) });

const CreateRunGroupBodySchema = z.object({
  id: z.string().min(1).nullish().describe('The group id; generated when absent.'),
  metadata: z.record(z.string(), z.string()).nullish(),
  source: z
    .string()
    .max(64)
    .nullish()
    .describe('cli, api, web, monitor…; default the x-source header, else api.'),
});

const RunGroupListQuerySchema = z.object({
  take: z.coerce.number().int().min(0).max(MAX_PAGE_SIZE).optional().describe('Page size, default 100.'),
  skip: z.coerce.number().int().min(0).optional(),
  sortDirection: z.enum(['asc', 'desc']).optional().describe('By creation; default desc (newest first).'),
  state: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Group states, comma-separated or repeated: CREATED, RUNNING, FINISHED.'),
});

const SuiteRunSummarySchema = TestSuiteRunSchema.omit({ steps: true }).extend({
  steps: z.array(TestRunSummarySchema),
});

const RunGroupDetailSchema = RunGroupSchema.extend({
  runs: z
    .array(TestRunSummarySchema)
    .describe('The test runs of the group that are not suite steps, oldest first.'),
  suiteRuns: z
    .array(SuiteRunSummarySchema)
    .describe('The suite runs of the group with their steps, oldest first.'),
});

function error(description: string): ResponseSpec {
  return { description, schema: ApiErrorBodySchema };
}

const GROUP_NOT_FOUND = error('No such run group');

function groupNotFound(id: string): TracecheckError {
  return new TracecheckError(
    'NOT_FOUND',
    `run group "${id}" not found in this environment: list the groups with GET /api/rungroups, or start a run ` +
      'with "runGroupId" to create one',
    { runGroupId: id },
  );
}

function parseGroupStates(value: string | readonly string[]): RunGroupState[] {
  const names = (typeof value === 'string' ? [value] : value)
    .flatMap((item) => item.split(','))
    .map((name) => name.trim().toUpperCase())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(RUN_GROUP_STATES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `invalid request: query parameter "state" has unknown group state${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((name) => `"${name}"`).join(', ')}: expected any of ${RUN_GROUP_STATES.join(', ')}`,
      { issues: [{ location: 'query parameter', field: 'state', given: unknown }] },
    );
  }
  return [...new Set(names as RunGroupState[])];
}

/** The run record a suite-run view is computed from, for a run read as a summary. */
function withoutResults(run: RunSummaryRecord): RunRecord {
  return { ...run, resolvedTrigger: null, triggerResult: null, result: null, outputs: null, linter: null };
}

/**
 * Recomputes the group's summary (the pipeline refreshes it on every member change; a read repairs a
 * refresh a stopped worker missed) and publishes it when it changed.
 */
async function loadFreshGroup(deps: RunGroupRoutesDeps, scope: Scope, id: string): Promise<RunGroupRecord> {
  const refreshed = await deps.store.runGroups.refresh(scope, id);
  if (refreshed === undefined) throw groupNotFound(id);
  if (refreshed.changed) await publishRunGroupState(deps.bus, scope, refreshed.group);
  return refreshed.group;
}

interface GroupMembers {
  readonly runs: readonly RunSummaryRecord[];
  readonly suiteRuns: readonly {
    readonly run: SuiteRunRecord;
    readonly steps: readonly RunSummaryRecord[];
  }[];
}

async function loadMembers(store: Store, scope: Scope, id: string): Promise<GroupMembers> {
  const [runs, suiteRuns] = await Promise.all([
    store.listRunSummaries(scope, { runGroupId: id, take: MAX_GROUP_MEMBERS, sortDirection: 'asc' }),
    store.listSuiteRuns(scope, { runGroupId: id, take: MAX_GROUP_MEMBERS, sortDirection: 'asc' }),
  ]);
  const stepsBySuiteRun = new Map<number, RunSummaryRecord>();
  for (const run of runs.items) if (run.testSuiteRunId !== null) stepsBySuiteRun.set(run.id, run);
  return {
    runs: runs.items.filter((run) => run.testSuiteRunId === null),
    suiteRuns: suiteRuns.items.map((run) => ({
      run,
      steps: run.stepRunIds.flatMap((stepId) => {
        const step = stepsBySuiteRun.get(stepId);
        return step === undefined ? [] : [step];
      }),
    })),
  };
}

/** One test run of a group's JUnit report: its spec suites, or an error case when it has no results. */
interface JUnitEntry {
  /** Prefixes the name of each of the run's `<testsuite>`s. */
  readonly name: string;
  readonly run: RunRecord;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
}

/**
 * The `<testsuite>` elements of one run: `renderTestJUnit`'s suites (SPEC §9.7) named
 * "⟨entry name⟩ › ⟨selector⟩", or one suite with an `<error>` case for a run that ended before its
 * assertions ran, or an empty suite for a run without specs.
 */
function renderEntry(entry: JUnitEntry, total: Counts, now: Date): string[] {
  const { run } = entry;
  const name = escapeXmlAttribute(entry.name);
  const parsed = run.result === null ? undefined : AssertionResultsSchema.safeParse(run.result);
  if (parsed === undefined || !parsed.success) {
    total.tests += 1;
    total.errors += 1;
    const reason = run.lastErrorState ?? `the run ended ${run.state} without results`;
    return [
      `\t<testsuite name="${name}" tests="1" failures="0" errors="1" skipped="0">`,
      `\t\t<testcase name="${name}">`,
      `\t\t\t<error type="${escapeXmlAttribute(run.state)}" message="${escapeXmlAttribute(reason)}"></error>`,
      '\t\t</testcase>',
      '\t</testsuite>',
    ];
  }
  const executionTimeSeconds = toTestRunSummaryView(run, now).executionTime;
  const lines = renderTestJUnit({
    name: entry.name,
    results: parsed.data.results,
    executionTimeSeconds,
  }).split('\n');
  const head = lines[0] ?? '';
  const count = (attribute: string) => Number(new RegExp(` ${attribute}="(\\d+)"`).exec(head)?.[1] ?? 0);
  total.tests += count('tests');
  total.failures += count('failures');
  total.errors += count('errors');
  const suites = lines
    .slice(1, -1)
    .map((line) =>
      line.startsWith('\t<testsuite name="') ? `\t<testsuite name="${name} › ${line.slice(18)}` : line,
    );
  return suites.length > 0
    ? suites
    : [`\t<testsuite name="${name}" tests="0" failures="0" errors="0" skipped="0"></testsuite>`];
}

/**
 * One JUnit document of a whole group: every test run and every suite run's steps, each spec a
 * `<testsuite>` (SPEC §9.7), totals summed over all of them.
 */
export function renderRunGroupJUnit(
  group: RunGroupRecord,
  entries: readonly JUnitEntry[],
  now: Date,
): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0 };
  const body = entries.flatMap((entry) => renderEntry(entry, total, now));
  const end = group.finishedAt ?? now;
  const seconds = Math.max(0, Math.ceil((end.getTime() - group.createdAt.getTime()) / 1000));
  return [
    `<testsuites name="${escapeXmlAttribute(group.id)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="0" time="${seconds}">`,
    ...body,
    '</testsuites>',
  ].join('\n');
}

async function resourceName(
  store: Store,
  scope: Scope,
  kind: 'Test' | 'TestSuite',
  id: string,
  version: number,
): Promise<string> {
  const resource = await store.getResource(scope, kind, id, version);
  return typeof resource?.spec.name === 'string' && resource.spec.name !== '' ? resource.spec.name : id;
}

/**
 * Run groups (Tracetest's `/rungroups`): create, list, read with the group's runs, and one JUnit
 * report of the whole group. Runs join a group by carrying its id (`runGroupId` of a run start), which
 * creates the group when it does not exist.
 */
export function createRunGroupRoutes(deps: RunGroupRoutesDeps): ApiRoute[] {
  const { store, resolveScope, now } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/rungroups',
      operationId: 'createRunGroup',
      permission: 'env.runs.start',
      summary: 'Create a run group',
      description:
        'Answers 201 with the new group, or 200 with the existing one (unchanged) when the id is taken: ' +
        'creating a group is idempotent. Start runs with its id as "runGroupId".',
      tags: TAGS,
      body: CreateRunGroupBodySchema,
      bodyOptional: true,
      responses: {
        200: { description: 'The group existed', schema: RunGroupSchema },
        201: { description: 'The created group', schema: RunGroupSchema },
      },
      async handle({ body, request }) {
        const scope = await resolveScope(request);
        const header = request.headers['x-source'];
        const source =
          body.source ?? (typeof header === 'string' && header !== '' ? header.slice(0, 64) : 'api');
        const outcome = await store.runGroups.ensure(scope, {
          id: body.id ?? deps.generateId(),
          metadata: body.metadata ?? {},
          source,
        });
        if (outcome.created) await publishRunGroupState(deps.bus, scope, outcome.group);
        return { kind: 'json', status: outcome.created ? 201 : 200, body: toRunGroupView(outcome.group) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/rungroups',
      operationId: 'listRunGroups',
      permission: 'env.resources.read',
      summary: 'List the run groups, newest first',
      tags: TAGS,
      query: RunGroupListQuerySchema,
      responses: {
        200: {
          description: 'A page of groups',
          schema: z.object({ count: z.number().int(), items: z.array(RunGroupSchema) }),
        },
      },
      async handle({ query, request }) {
        const scope = await resolveScope(request);
        const page = await store.runGroups.list(scope, {
          ...(query.take === undefined ? {} : { take: query.take }),
          ...(query.skip === undefined ? {} : { skip: query.skip }),
          ...(query.sortDirection === undefined ? {} : { sortDirection: query.sortDirection }),
          ...(query.state === undefined ? {} : { states: parseGroupStates(query.state) }),
        });
        return {
          kind: 'json',
          status: 200,
          body: { count: page.count, items: page.items.map(toRunGroupView) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/rungroups/:id',
      operationId: 'getRunGroup',
      permission: 'env.resources.read',
      summary: 'Get a run group: its summary and verdict, with its runs and suite runs (as summaries)',
      tags: TAGS,
      params: RunGroupIdParamsSchema,
      responses: { 200: { description: 'The group', schema: RunGroupDetailSchema }, 404: GROUP_NOT_FOUND },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const group = await loadFreshGroup(deps, scope, params.id);
        const members = await loadMembers(store, scope, group.id);
        const at = now();
        const runs: TestRunSummaryView[] = members.runs.map((run) => toTestRunSummaryView(run, at));
        const suiteRuns = members.suiteRuns.map(({ run, steps }) => ({
          ...toTestSuiteRunView(run, steps.map(withoutResults), at),
          steps: steps.map((step) => toTestRunSummaryView(step, at)),
        }));
        return { kind: 'json', status: 200, body: { ...toRunGroupView(group), runs, suiteRuns } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/rungroups/:id/junit',
      legacyUrls: ['/api/rungroups/:id/junit.xml'],
      operationId: 'getRunGroupJUnit',
      permission: 'env.resources.read',
      summary: 'One JUnit XML report of the whole group (SPEC §9.7 per run)',
      description:
        'Every test run of the group and every step of its suite runs; each spec is a <testsuite> named ' +
        '"⟨test⟩ › ⟨selector⟩"; a run that ended before its assertions ran is one <error> case. Only once ' +
        'the group is FINISHED.',
      tags: TAGS,
      params: RunGroupIdParamsSchema,
      responses: {
        200: { description: 'JUnit XML', textTypes: ['application/xml'] },
        404: GROUP_NOT_FOUND,
        409: error('The group has not finished'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const group = await loadFreshGroup(deps, scope, params.id);
        if (group.state !== 'FINISHED') {
          throw new TracecheckError(
            'CONFLICT',
            `run group "${group.id}" is ${group.state} (${group.summary.running} running): its JUnit report ` +
              'exists once every run ended; wait for its "run-group" live event with state FINISHED ' +
              `(GET /api/events/stream, or /api/events/ws?runGroupId=${encodeURIComponent(group.id)}), then ask again`,
            { runGroupId: group.id, state: group.state },
          );
        }
        const members = await loadMembers(store, scope, group.id);
        const entries: JUnitEntry[] = [];
        const load = async (summary: RunSummaryRecord): Promise<RunRecord | undefined> =>
          store.getRun(scope, summary.id);
        for (const summary of members.runs) {
          const run = await load(summary);
          if (run === undefined) continue;
          const testName = await resourceName(store, scope, 'Test', run.testId, run.testVersion);
          entries.push({ name: `${testName} (run ${run.id})`, run });
        }
        for (const { run: suiteRun, steps } of members.suiteRuns) {
          const suiteName = await resourceName(
            store,
            scope,
            'TestSuite',
            suiteRun.suiteId,
            suiteRun.suiteVersion,
          );
          for (const summary of steps) {
            const run = await load(summary);
            if (run === undefined) continue;
            const testName = await resourceName(store, scope, 'Test', run.testId, run.testVersion);
            entries.push({
              name: `${suiteName} (suite run ${suiteRun.id}) › ${testName} (run ${run.id})`,
              run,
            });
          }
        }
        const xml = renderRunGroupJUnit(group, entries, now());
        return { kind: 'text', status: 200, body: xml, contentType: 'application/xml; charset=utf-8' };
      },
    }),
  ];
}
