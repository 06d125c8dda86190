import { TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import { type ApiRoute, defineRoute, type ResponseSpec } from '../api/api-route';
import {
  ApiErrorBodySchema,
  MAX_PAGE_SIZE,
  ResourceIdParamsSchema,
  RunIdParamsSchema,
} from '../api/api-schemas';
import type { MonitorRunRecord } from '../store/monitor-store';
import type { Scope, Store } from '../store/store';
import type { MonitorRunner } from './monitor-scheduler';

interface MonitorRoutesDeps {
  readonly store: Store;
  readonly runner: MonitorRunner;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
}

const TAGS = ['monitors'];

/** A monitor run as the API answers it. */
const MonitorRunSchema = z
  .object({
    id: z.number().int(),
    monitorId: z.string(),
    executionType: z.enum(['MANUAL', 'SCHEDULED']),
    scheduledFor: z.string().nullable().describe('The tick of a scheduled run (ISO 8601).'),
    state: z.enum(['CREATED', 'EXECUTING', 'FINISHED', 'FAILED']),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    createdBy: z.string().describe('The process that created the run (claimed the tick).'),
    verdict: z.boolean().nullable().describe('True when every run passed; null until the monitor run ends.'),
    lastError: z.string().nullable(),
    runs: z
      .array(
        z.object({
          kind: z.enum(['test', 'suite']),
          id: z.string().describe('The test or suite id.'),
          runId: z
            .number()
            .int()
            .nullable()
            .describe('The test run or suite run; null when it could not start.'),
          error: z.string().optional(),
        }),
      )
      .describe('What the monitor run started.'),
    alertsPending: z.boolean().describe('Alerts matched the end of the run and are being sent.'),
    alerts: z
      .array(
        z.object({
          alertId: z.string(),
          event: z.enum(['FAILED', 'SUCCEEDED']),
          url: z.string(),
          ok: z.boolean(),
          status: z.number().int().nullable(),
          attempts: z.number().int(),
          error: z.string().nullable(),
          deliveredAt: z.string(),
        }),
      )
      .describe('The outcome of each webhook call.'),
  })
  .describe('A run of a monitor (SPEC §1.13) with its runs and alert deliveries.');

const MonitorRunListQuerySchema = z.object({
  take: z.coerce.number().int().min(0).max(MAX_PAGE_SIZE).optional().describe('Page size, default 100.'),
  skip: z.coerce.number().int().min(0).optional(),
  sortDirection: z.enum(['asc', 'desc']).optional().describe('By run id; default desc (newest first).'),
});

function error(description: string): ResponseSpec {
  return { description, schema: ApiErrorBodySchema };
}

function toMonitorRunView(run: MonitorRunRecord): z.output<typeof MonitorRunSchema> {
  return {
    id: run.id,
    monitorId: run.monitorId,
    executionType: run.executionType,
    scheduledFor: run.scheduledFor?.toISOString() ?? null,
    state: run.state,
    createdAt: run.createdAt.toISOString(),
    completedAt: run.completedAt?.toISOString() ?? null,
    createdBy: run.createdBy,
    verdict: run.verdict,
    lastError: run.lastError,
    runs: run.targets.map((target) => ({ ...target })),
    alertsPending: run.alertsPending,
    alerts: run.alerts.map((alert) => ({ ...alert, deliveredAt: alert.deliveredAt.toISOString() })),
  };
}

function monitorNotFound(monitorId: string): TracecheckError {
  return new TracecheckError(
    'NOT_FOUND',
    `monitor "${monitorId}" not found in this environment: list them with \`tracecheck list monitor\``,
    { monitorId },
  );
}

/**
 * Runs of monitors: list, read, and run one now.
 * @example createMonitorRoutes({ store, runner: createMonitorRunner({ store, runs, logger }), resolveScope })
 */
export function createMonitorRoutes(deps: MonitorRoutesDeps): ApiRoute[] {
  const { store, runner, resolveScope } = deps;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/monitors/:id/run',
      operationId: 'runMonitor',
      permission: 'env.runs.start',
      summary: 'Run a monitor now',
      description:
        "Starts the monitor's tests and suites at once (executionType MANUAL), whether or not the monitor is enabled. " +
        'Its alerts are sent when the runs end, as for scheduled runs.',
      tags: TAGS,
      params: ResourceIdParamsSchema,
      responses: {
        200: { description: 'The created monitor run', schema: MonitorRunSchema },
        404: error('No such monitor'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await runner.runNow(scope, params.id);
        return { kind: 'json', status: 200, body: toMonitorRunView(run) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/monitors/:id/runs',
      operationId: 'listMonitorRuns',
      permission: 'env.resources.read',
      summary: 'List the runs of a monitor, newest first',
      description: 'An array of monitor runs; X-Total-Count has the number of runs.',
      tags: TAGS,
      params: ResourceIdParamsSchema,
      query: MonitorRunListQuerySchema,
      responses: {
        200: {
          description: 'A page of monitor runs',
          schema: MonitorRunSchema.array(),
          headers: { 'X-Total-Count': 'The number of runs of the monitor' },
        },
        404: error('No such monitor'),
      },
      async handle({ params, query, request }) {
        const scope = await resolveScope(request);
        if ((await store.getResource(scope, 'Monitor', params.id)) === undefined)
          throw monitorNotFound(params.id);
        const page = await store.monitors.listMonitorRuns(scope, params.id, query);
        return {
          kind: 'json',
          status: 200,
          body: page.items.map(toMonitorRunView),
          headers: { 'x-total-count': String(page.count) },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/monitors/:id/runs/:runId',
      operationId: 'getMonitorRun',
      permission: 'env.resources.read',
      summary: 'Get a run of a monitor with its runs and alert deliveries',
      tags: TAGS,
      params: RunIdParamsSchema,
      responses: {
        200: { description: 'The monitor run', schema: MonitorRunSchema },
        404: error('No such monitor, or no such run of it'),
      },
      async handle({ params, request }) {
        const scope = await resolveScope(request);
        const run = await store.monitors.getMonitorRun(scope, params.runId);
        if (run === undefined || run.monitorId !== params.id) {
          throw new TracecheckError(
            'NOT_FOUND',
            `run ${params.runId} of monitor "${params.id}" not found in this environment: list its runs with GET /api/monitors/${params.id}/runs`,
            { monitorId: params.id, runId: params.runId },
          );
        }
        return { kind: 'json', status: 200, body: toMonitorRunView(run) };
      },
    }),
  ];
}
