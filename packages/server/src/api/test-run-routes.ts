import { encodeOtlpJson, isFinalState, renderTestJUnit, TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { RunService } from '../pipeline/run-service';
import type { RunRecord, Scope, Store } from '../store/store';
import { type ApiRoute, defineRoute, type ResponseSpec } from './api-route';
import {
  ApiErrorBodySchema,
  AssertionResultsSchema,
  DryRunBodySchema,
  DryRunResultSchema,
  MissingVariablesErrorSchema,
  ResourceIdParamsSchema,
  RunEventSchema,
  RunIdParamsSchema,
  RunInformationSchema,
  RunListQuerySchema,
  RunListSchema,
  TestRunSchema,
  TestRunSummarySchema,
} from './api-schemas';
import { loadRun } from './load-run';
import { toRunListQuery } from './run-filters';
import { renderMissingVariables, toRunInformation } from './run-information';
import {
  readRunOtlpProtobuf,
  readRunRecords,
  readRunTraceView,
  toRunEventView,
  toTestRunSummaryView,
  toTestRunView,
} from './run-views';

interface TestRunRoutesDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
  readonly now: () => Date;
}

const TAGS = ['runs'];
const RUN_BODY_LIMIT_BYTES = 1024 * 1024;

function error(description: string): ResponseSpec {
  return { description, schema: ApiErrorBodySchema };
}

const RUN_NOT_FOUND = error('No such test, or no such run of the test');
const RUN_CONFLICT = error('The run is not in a state that allows it');

async function requireTest(store: Store, scope: Scope, testId: string): Promise<void> {
  if ((await store.getResource(scope, 'Test', testId)) === undefined) {
    throw new TracecheckError(
      'NOT_FOUND',
      `test "${testId}" not found in this environment: list tests with \`tracecheck list test\``,
      { testId },
    );
  }
}

function noResultsError(run: RunRecord): TracecheckError {
  const which = `run ${run.id} of test "${run.testId}"`;
  return new TracecheckError(
    'CONFLICT',
    isFinalState(run.state)
      ? `${which} ended ${run.state} before its assertions ran${run.lastErrorState ? ` (${run.lastErrorState})` : ''}: ` +
          'it has no results for a JUnit report; see its events at ' +
          `GET /api/tests/${run.testId}/run/${run.id}/events`
      : `${which} is ${run.state} and has no results yet: wait until it finishes ` +
          `(GET /api/events/stream?runId=${run.id} tells when), then ask again`,
    { runId: run.id, state: run.state },
  );
}

/** Runs of tests: start, list, read, delete, rerun, stop, skip trace collection, dry run, JUnit, events. */
/** The media type of OTLP/protobuf bodies (OTLP/HTTP). */
const OTLP_PROTOBUF_TYPE = 'application/x-protobuf';

/** True when the client asks for OTLP/protobuf (`application/x-protobuf`, or `application/protobuf`). */
function acceptsOtlpProtobuf(accept: string | undefined): boolean {
  return accept !== undefined && /\bapplication\/(x-)?protobuf\b/i.test(accept);
}

export function createTestRunRoutes(deps: TestRunRoutesDeps): ApiRoute[] {
  const { store, runs, resolveScope, now } = deps;
  const runPath = '/api/tests/:id/run/:runId';
  const answered: ResponseSpec = { description: 'The run', schema: TestRunSchema };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/tests/:id/run',
      operationId: 'runTest',
      permission: 'env.runs.start',
      summary: 'Start a run of a test',
      description:
        'Answers the created run at once; its state changes arrive on GET /api/events/stream?runId=<id>. ' +
        'Missing variables (SPEC §6.3) refuse the run with 422 and their list. `version` runs an earlier ' +
        'stored version of the test.',
      tags: TAGS,
      params: ResourceIdParamsSchema,
      body: RunInformationSchema,
      bodyOptional: true,
      bodyLimitBytes: RUN_BODY_LIMIT_BYTES,
      responses: {
        200: { description: 'The created run', schema: TestRunSchema },
        404: error('No such test, test version or variable set'),
        422: { description: 'Variables are missing', schema: MissingVariablesErrorSchema },
        424: error('No agent is connected to run the trigger'),
      },
      async handle({ params, body, request }) {
        const scope = await resolveScope(request);
        const outcome = await runs.startTestRun(scope, params.id, toRunInformation(body, request));
        if (!outcome.ok) return renderMissingVariables(outcome.missingVariables);
        return { kind: 'json', status: 200, body: toTestRunView(outcome.run, now()) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/tests/:id/run',
      operationId: 'listTestRuns',
      permission: 'env.resources.read',
      summary: 'List the runs of a test, newest first',
      description:
        'An array of run summaries (no results, outputs, trigger or trace: read one run for them); ' +
        'X-Total-Count has the number of matches.',
      tags: TAGS,
      params: ResourceIdParamsSchema,
      query: RunListQuerySchema.omit({ testId: true }),
      responses: {
        200: {
          description: 'A page of runs',
          schema: TestRunSummarySchema.array(),
          headers: { 'X-Total-Count': 'The number of runs matching the filters' },
        },
        404: error('No such test'),
      },
      async handle({ params, query, request }) {
        const scope = await resolveScope(request);
        await requireTest(store, scope, params.id);
        const page = await store.listRunSummaries(scope, { ...toRunListQuery(query), testId: params.id });
        const at = now();
        return {
          kind: 'json',
          status: 200,
          body: page.items.map((run) => toTestRunSummaryView(run, at)),
          headers: { 'x-total-count': String(page.count) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/runs',
      operationId: 'listRuns',
      permission: 'env.resources.read',
      summary: 'List the runs of every test, newest first',
      tags: TAGS,
      query: RunListQuerySchema,
      responses: { 200: { description: 'A page of runs', schema: RunListSchema } },
      async handle({ query, request }) {
        const scope = await resolveScope(request);
        const page = await store.listRunSummaries(scope, toRunListQuery(query));
        const at = now();
        return {
          kind: 'json',
          status: 200,
          body: { count: page.count, items: page.items.map((run) => toTestRunSummaryView(run, at)) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: runPath,
      operationId: 'getTestRun',
      permission: 'env.resources.read',
      summary: 'Get a run of a test, with its trace',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: { 200: answered, 404: RUN_NOT_FOUND },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        const trace = await readRunTraceView(store, scope, run);
        return { kind: 'json', status: 200, body: toTestRunView(run, now(), trace) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${runPath}/trace`,
      operationId: 'getTestRunTrace',
      permission: 'env.resources.read',
      summary: 'The spans of a run (stored trace, or what arrived so far) as OTLP/JSON or OTLP/protobuf',
      description:
        'OTLP/JSON by default; `Accept: application/x-protobuf` answers the OTLP/protobuf ' +
        '`ExportTraceServiceRequest` bytes as stored, which are about 2.5 times smaller and much faster to decode.',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: {
        200: {
          description: 'The spans as an OTLP export request',
          textTypes: ['application/json', OTLP_PROTOBUF_TYPE],
        },
        404: RUN_NOT_FOUND,
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        const noSpanYet = () =>
          new TracecheckError(
            'TRACE_NOT_FOUND',
            `run ${run.id} has no span yet: the trace shows up here as soon as the agent receives its first span`,
          );
        if (acceptsOtlpProtobuf(request.headers.accept)) {
          const bytes = await readRunOtlpProtobuf(store, scope, run);
          if (bytes.byteLength === 0) throw noSpanYet();
          return { kind: 'bytes', status: 200, contentType: OTLP_PROTOBUF_TYPE, body: bytes };
        }
        const records = await readRunRecords(store, scope, run);
        if (records.length === 0) throw noSpanYet();
        return {
          kind: 'text',
          status: 200,
          contentType: 'application/json; charset=utf-8',
          body: JSON.stringify(encodeOtlpJson(records)),
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: runPath,
      operationId: 'deleteTestRun',
      permission: 'env.runs.manage',
      summary: 'Delete a run of a test with its events and trace',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: { 204: { description: 'Deleted' }, 404: RUN_NOT_FOUND },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        await store.deleteRun(scope, run.id);
        return { kind: 'empty', status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${runPath}/rerun`,
      operationId: 'rerunTestRun',
      permission: 'env.runs.start',
      summary: 'Evaluate the test’s current specs again on the run’s stored trace, as a new run',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: {
        200: { description: 'The new run', schema: TestRunSchema },
        404: RUN_NOT_FOUND,
        409: RUN_CONFLICT,
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        return {
          kind: 'json',
          status: 200,
          body: toTestRunView(await runs.rerun(scope, params.id, run.id), now()),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${runPath}/stop`,
      operationId: 'stopTestRun',
      permission: 'env.runs.manage',
      summary: 'Stop a run (state STOPPED)',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: { 200: answered, 404: RUN_NOT_FOUND, 409: RUN_CONFLICT },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        return {
          kind: 'json',
          status: 200,
          body: toTestRunView(await runs.stopRun(scope, params.id, run.id), now()),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${runPath}/skip-trace-collection`,
      legacyUrls: [`${runPath}/skipPolling`],
      operationId: 'skipTraceCollection',
      permission: 'env.runs.manage',
      summary: 'End trace collection now and evaluate the spans that arrived (SPEC §7.3)',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: { 200: answered, 404: RUN_NOT_FOUND, 409: RUN_CONFLICT },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        const skipped = await runs.skipTraceCollection(scope, params.id, run.id);
        return { kind: 'json', status: 200, body: toTestRunView(skipped, now()) };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: `${runPath}/dry-run`,
      operationId: 'dryRunAssertion',
      permission: 'env.resources.read',
      summary: 'Evaluate specs on the run’s stored trace without saving anything',
      tags: TAGS,
      params: RunIdParamsSchema,
      body: DryRunBodySchema,
      bodyLimitBytes: RUN_BODY_LIMIT_BYTES,
      responses: {
        200: { description: 'The results', schema: DryRunResultSchema },
        404: RUN_NOT_FOUND,
        409: RUN_CONFLICT,
      },
      async handle({ params, body, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        // A selector given as {query} (Tracetest's v1 shape) is its query text.
        const specs = body.specs.map((spec) => ({
          selector: typeof spec.selector === 'string' ? spec.selector : spec.selector.query,
          ...(spec.name ? { name: spec.name } : {}),
          assertions: spec.assertions,
        }));
        return { kind: 'json', status: 200, body: await runs.dryRun(scope, params.id, run.id, specs) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${runPath}/junit.xml`,
      operationId: 'getRunResultJUnit',
      permission: 'env.resources.read',
      summary: 'The run’s results as JUnit XML (SPEC §9.7)',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: {
        200: { description: 'JUnit XML', textTypes: ['application/xml'] },
        404: RUN_NOT_FOUND,
        409: error('The run has no results (yet)'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        if (run.result === null || run.result === undefined) throw noResultsError(run);
        const results = AssertionResultsSchema.safeParse(run.result);
        if (!results.success) {
          throw new TracecheckError(
            'INTERNAL',
            `the stored results of run ${run.id} of test "${run.testId}" do not have the shape of SPEC §10 AssertionResults, ` +
              'so no JUnit report can be made from them',
            { issues: results.error.issues },
          );
        }
        const test = await store.getResource(scope, 'Test', run.testId, run.testVersion);
        const name = typeof test?.spec.name === 'string' ? test.spec.name : run.testId;
        const xml = renderTestJUnit({
          name,
          results: results.data.results,
          executionTimeSeconds: toTestRunView(run, now()).executionTime,
        });
        return { kind: 'text', status: 200, body: xml, contentType: 'application/xml; charset=utf-8' };
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${runPath}/events`,
      operationId: 'getTestRunEvents',
      permission: 'env.resources.read',
      summary: 'The run’s event log: every decision of the pipeline, in order',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: { 200: { description: 'The events', schema: RunEventSchema.array() }, 404: RUN_NOT_FOUND },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadRun(store, scope, params.id, params.runId);
        const events = await store.listRunEvents(scope, run.id);
        return { kind: 'json', status: 200, body: events.map((event) => toRunEventView(event, run.testId)) };
      },
    }),
  ];
}
