import { TracecheckError } from '@tracecheck/core';
import type { z } from 'zod/v4';
import type { RunListQuery, RunState } from '../store/store';
import { RUN_STATE_NAMES, type RunListQuerySchema } from './api-schemas';

/** `FAILED`, the legacy state clients know (SPEC §7.1), filters on every error state. */
const ERROR_STATES: readonly RunState[] = [
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
];

function isRunState(name: string): name is RunState {
  return (RUN_STATE_NAMES as readonly string[]).includes(name);
}

/** Reads `state=A,B` or `state=A&state=B`; `FAILED` stands for every error state. */
function parseStates(value: string | readonly string[]): RunState[] {
  const names = (typeof value === 'string' ? [value] : value)
    .flatMap((item) => item.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const states = new Set<RunState>();
  const unknown: string[] = [];
  for (const name of names) {
    if (name === 'FAILED') for (const state of ERROR_STATES) states.add(state);
    else if (isRunState(name)) states.add(name);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `invalid request: query parameter "state" has unknown state${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((name) => `"${name}"`).join(', ')}: expected any of ${RUN_STATE_NAMES.join(', ')}, FAILED`,
      { issues: [{ location: 'query parameter', field: 'state', given: unknown }] },
    );
  }
  return [...states];
}

/** The store query of a run list from its query parameters. */
export function toRunListQuery(query: z.output<typeof RunListQuerySchema>): RunListQuery {
  return {
    ...(query.take === undefined ? {} : { take: query.take }),
    ...(query.skip === undefined ? {} : { skip: query.skip }),
    ...(query.sortDirection === undefined ? {} : { sortDirection: query.sortDirection }),
    ...(query.state === undefined ? {} : { states: parseStates(query.state) }),
    ...(query.testId === undefined ? {} : { testId: query.testId }),
    ...(query.createdAfter === undefined ? {} : { createdAfter: new Date(query.createdAfter) }),
    ...(query.createdBefore === undefined ? {} : { createdBefore: new Date(query.createdBefore) }),
    ...(query.source === undefined ? {} : { source: query.source }),
    ...(query.branch === undefined ? {} : { branch: query.branch }),
    ...(query.runGroupId === undefined ? {} : { runGroupId: query.runGroupId }),
  };
}
