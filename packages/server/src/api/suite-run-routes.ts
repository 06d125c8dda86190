import { TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { RunService } from '../pipeline/run-service';
import type { RunRecord, Scope, Store, SuiteRunRecord } from '../store/store';
import { type ApiRoute, defineRoute, type ResponseSpec } from './api-route';
import {
  ApiErrorBodySchema,
  MissingVariablesErrorSchema,
  ResourceIdParamsSchema,
  RunIdParamsSchema,
  RunInformationSchema,
  SuiteRunListQuerySchema,
  TestSuiteRunSchema,
} from './api-schemas';
import { renderMissingVariables, toRunInformation } from './run-information';
import { type TestSuiteRunView, toTestSuiteRunView } from './run-views';

interface SuiteRunRoutesDeps {
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

const SUITE_RUN_NOT_FOUND = error('No such test suite, or no such run of the suite');

async function loadSuiteRun(
  store: Store,
  scope: Scope,
  suiteId: string,
  runId: number,
): Promise<SuiteRunRecord> {
  const run = await store.getSuiteRun(scope, runId);
  if (run === undefined || run.suiteId !== suiteId) {
    throw new TracecheckError(
      'NOT_FOUND',
      `run ${runId} of test suite "${suiteId}" not found in this environment: list the suite's runs with GET /api/testsuites/${suiteId}/run`,
      { suiteId, runId },
    );
  }
  return run;
}

/** The suite run with the runs of its steps so far (a step run deleted on its own is left out). */
async function viewSuiteRun(
  store: Store,
  scope: Scope,
  run: SuiteRunRecord,
  now: Date,
): Promise<TestSuiteRunView> {
  const steps = await Promise.all(run.stepRunIds.map((stepRunId) => store.getRun(scope, stepRunId)));
  return toTestSuiteRunView(
    run,
    steps.filter((step): step is RunRecord => step !== undefined),
    now,
  );
}

/** Runs of test suites: start, list, read, stop. */
export function createSuiteRunRoutes(deps: SuiteRunRoutesDeps): ApiRoute[] {
  const { store, runs, resolveScope, now } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/testsuites/:id/run',
      legacyUrls: ['/api/transactions/:id/run'],
      operationId: 'runTestSuite',
      permission: 'env.runs.start',
      summary: 'Start a run of a test suite',
      description:
        'Answers the created suite run at once; its changes, step by step, arrive on GET /api/events/stream?suiteRunId=<id>.',
      tags: TAGS,
      params: ResourceIdParamsSchema,
      body: RunInformationSchema,
      bodyOptional: true,
      bodyLimitBytes: RUN_BODY_LIMIT_BYTES,
      responses: {
        200: { description: 'The created suite run', schema: TestSuiteRunSchema },
        404: error('No such test suite, or no such variable set'),
        422: { description: 'Variables are missing', schema: MissingVariablesErrorSchema },
      },
      async handle({ params, body, request }) {
        if (body.version !== undefined && body.version !== null) {
          throw new TracecheckError(
            'REQUEST_INVALID',
            `invalid request: "version" (${body.version}) starts a test run of that test version; a suite run ` +
              'runs the latest version of its suite: leave "version" out',
          );
        }
        const scope = await resolveScope(request);
        const outcome = await runs.startSuiteRun(scope, params.id, toRunInformation(body, request));
        if (!outcome.ok) return renderMissingVariables(outcome.missingVariables);
        return { kind: 'json', status: 200, body: await viewSuiteRun(store, scope, outcome.run, now()) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/testsuites/:id/run',
      legacyUrls: ['/api/transactions/:id/run'],
      operationId: 'listTestSuiteRuns',
      permission: 'env.resources.read',
      summary: 'List the runs of a test suite, newest first',
      description: 'An array of suite runs as Tracetest answers it; X-Total-Count has the number of runs.',
      tags: TAGS,
      params: ResourceIdParamsSchema,
      query: SuiteRunListQuerySchema,
      responses: {
        200: {
          description: 'A page of suite runs',
          schema: TestSuiteRunSchema.array(),
          headers: { 'X-Total-Count': 'The number of runs of the suite' },
        },
        404: error('No such test suite'),
      },
      async handle({ params, query, request }) {
        const scope = await resolveScope(request);
        if ((await store.getResource(scope, 'TestSuite', params.id)) === undefined) {
          throw new TracecheckError(
            'NOT_FOUND',
            `test suite "${params.id}" not found in this environment: list suites with \`tracecheck list testsuite\``,
            { suiteId: params.id },
          );
        }
        const page = await store.listSuiteRuns(scope, { ...query, suiteId: params.id });
        const at = now();
        const items = await Promise.all(page.items.map((run) => viewSuiteRun(store, scope, run, at)));
        return { kind: 'json', status: 200, body: items, headers: { 'x-total-count': String(page.count) } };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/testsuites/:id/run/:runId',
      legacyUrls: ['/api/transactions/:id/run/:runId'],
      operationId: 'getTestSuiteRun',
      permission: 'env.resources.read',
      summary: 'Get a run of a test suite with the runs of its steps',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: {
        200: { description: 'The suite run', schema: TestSuiteRunSchema },
        404: SUITE_RUN_NOT_FOUND,
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadSuiteRun(store, scope, params.id, params.runId);
        return { kind: 'json', status: 200, body: await viewSuiteRun(store, scope, run, now()) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/testsuites/:id/run/:runId/stop',
      legacyUrls: ['/api/transactions/:id/run/:runId/stop'],
      operationId: 'stopTestSuiteRun',
      permission: 'env.runs.manage',
      summary: 'Stop a suite run and its running step',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: {
        200: { description: 'The suite run', schema: TestSuiteRunSchema },
        404: SUITE_RUN_NOT_FOUND,
        409: error('The suite run has already ended'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await loadSuiteRun(store, scope, params.id, params.runId);
        const stopped = await runs.stopSuiteRun(scope, params.id, run.id);
        return { kind: 'json', status: 200, body: await viewSuiteRun(store, scope, stopped, now()) };
      },
    }),
  ];
}
