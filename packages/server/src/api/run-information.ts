import { TracecheckError } from '@tracecheck/core';
import { toApiErrorBody } from '@tracecheck/protocol';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod/v4';
import type { MissingVariables, RunInformation } from '../pipeline/run-service';
import type { RouteResult } from './api-route';
import type { RunInformationSchema } from './api-schemas';

/** Where a run comes from when neither the body nor `x-source` says: a plain API call. */
const DEFAULT_SOURCE = 'api';

/**
 * The start-run body as the run service takes it: nulls (sent by Go clients) and an empty variable set
 * id dropped, the source taken from the body, else the `x-source` header the Tracetest CLI sends.
 */
export function toRunInformation(
  body: z.output<typeof RunInformationSchema>,
  request: FastifyRequest,
): RunInformation {
  const header = request.headers['x-source'];
  const source = body.source ?? (typeof header === 'string' && header !== '' ? header : DEFAULT_SOURCE);
  return {
    source,
    ...(body.metadata ? { metadata: body.metadata } : {}),
    ...(body.variableSetId ? { variableSetId: body.variableSetId } : {}),
    ...(body.runGroupId ? { runGroupId: body.runGroupId } : {}),
    ...(body.variables ? { variables: body.variables.map(({ key, value }) => ({ key, value })) } : {}),
    ...(body.requiredGates ? { requiredGates: body.requiredGates } : {}),
    ...(body.version ? { version: body.version } : {}),
  };
}

/**
 * Answer 422 of SPEC §6.3: the standard error body plus `missingVariables` at the top level, where
 * the Tracetest CLI reads it to prompt for each value.
 */
export function renderMissingVariables(missingVariables: readonly MissingVariables[]): RouteResult {
  const listed = missingVariables
    .map(
      (entry) => `test "${entry.testId}" needs ${entry.variables.map((variable) => variable.key).join(', ')}`,
    )
    .join('; ');
  const error = new TracecheckError(
    'VARIABLES_MISSING',
    `the run cannot start, variables are missing: ${listed}. Give them as run variables (the CLI asks for them) ` +
      'or add them to the variable set of the run',
    { missingVariables },
  );
  return { kind: 'json', status: error.httpStatus, body: { ...toApiErrorBody(error), missingVariables } };
}
