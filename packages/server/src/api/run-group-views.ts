import { z } from 'zod/v4';
import { RUN_GROUP_STATES, type RunGroupRecord } from '../store/run-group-store';

/** Tracetest's run-group status, derived from our state and verdict (what `tracetest wait group` reads). */
const TRACETEST_STATUSES = ['created', 'inProgress', 'succeed', 'failed'] as const;

export const RunGroupSchema = z.object({
  id: z.string(),
  state: z
    .enum(RUN_GROUP_STATES as [string, ...string[]])
    .describe('CREATED: no run yet; RUNNING: a run goes on; FINISHED: every run and suite run ended.'),
  status: z
    .enum(TRACETEST_STATUSES)
    .describe('The state in Tracetest’s words (created, inProgress, succeed, failed).'),
  verdict: z
    .boolean()
    .nullable()
    .describe('True when the group FINISHED and every test run and suite run in it passed; null before.'),
  summary: z
    .object({
      running: z.number().int(),
      passed: z.number().int(),
      failed: z.number().int(),
      pending: z.number().int().describe('Tracetest’s name of running.'),
      succeed: z.number().int().describe('Tracetest’s name of passed.'),
    })
    .describe('Test runs (suite steps excluded) and suite runs of the group, by outcome.'),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  metadata: z.record(z.string(), z.string()),
  source: z.string(),
});

export type RunGroupView = z.output<typeof RunGroupSchema>;

function statusOf(group: RunGroupRecord): RunGroupView['status'] {
  switch (group.state) {
    case 'CREATED':
      return 'created';
    case 'RUNNING':
      return 'inProgress';
    case 'FINISHED':
      return group.summary.verdict === true ? 'succeed' : 'failed';
  }
}

/**
 * A run group as the API answers it and live events carry it.
 * @example toRunGroupView(await store.runGroups.get(scope, 'nightly'))
 */
export function toRunGroupView(group: RunGroupRecord): RunGroupView {
  const { running, passed, failed, verdict } = group.summary;
  return {
    id: group.id,
    state: group.state,
    status: statusOf(group),
    verdict,
    summary: { running, passed, failed, pending: running, succeed: passed },
    createdAt: group.createdAt.toISOString(),
    finishedAt: group.finishedAt === null ? null : group.finishedAt.toISOString(),
    metadata: { ...group.metadata },
    source: group.source,
  };
}
