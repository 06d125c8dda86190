import {
  createVariableContext,
  evaluateExpression,
  formatValue,
  isTracecheckError,
  maskSecrets,
  parseExpression,
  parseSpecSelector,
  selectSpans,
  TracecheckError,
  type TraceSpan,
  type VariableContext,
  type VariableSetValue,
} from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { SecretBox } from '../store/secret-box';
import type { Scope, Store } from '../store/store';
import { type ApiRoute, defineRoute } from './api-route';
import {
  ApiErrorBodySchema,
  ResolveExpressionBodySchema,
  ResolveExpressionResultSchema,
} from './api-schemas';
import { loadRun } from './load-run';
import { readRunTrace } from './run-views';
import { openVariableSetValues } from './variable-set-secrets';

interface ResolveExpressionDeps {
  readonly store: Store;
  readonly secretBox?: SecretBox;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
}

function present(text: string | null | undefined): string | undefined {
  return text === null || text === undefined || text === '' ? undefined : text;
}

async function readVariables(deps: ResolveExpressionDeps, scope: Scope, variableSetId: string | undefined) {
  if (variableSetId === undefined) return createVariableContext();
  const set = await deps.store.getResource<{ values?: VariableSetValue[] }>(
    scope,
    'VariableSet',
    variableSetId,
  );
  if (set === undefined) {
    throw new TracecheckError(
      'NOT_FOUND',
      `variable set "${variableSetId}" not found in this environment: list them with \`tracecheck list variableset\``,
      { variableSetId },
    );
  }
  return createVariableContext({
    variableSet: openVariableSetValues(scope, set.spec.values ?? [], deps.secretBox),
  });
}

async function readSpans(
  deps: ResolveExpressionDeps,
  scope: Scope,
  context: {
    readonly testId: string | undefined;
    readonly runId: number | undefined;
    readonly spanId: string | undefined;
    readonly selector: string | undefined;
  },
): Promise<TraceSpan[]> {
  if (context.runId === undefined) return [];
  if (context.testId === undefined) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      'invalid request: body field "context.runId" needs "context.testId", the test the run belongs to',
    );
  }
  const run = await loadRun(deps.store, scope, context.testId, context.runId);
  const trace = await readRunTrace(deps.store, scope, run);
  if (trace === undefined) {
    throw new TracecheckError(
      'CONFLICT',
      `run ${run.id} of test "${run.testId}" has no spans yet: resolve the expression once its trace arrived`,
      { runId: run.id },
    );
  }
  if (context.spanId !== undefined) {
    const index = trace.indexById.get(context.spanId as TraceSpan['id']);
    const span = index === undefined ? undefined : trace.spans[index];
    if (span === undefined) {
      throw new TracecheckError(
        'NOT_FOUND',
        `span "${context.spanId}" is not in the trace of run ${run.id}: give a span id of that trace`,
        { spanId: context.spanId },
      );
    }
    return [span];
  }
  if (context.selector === undefined) return [];
  const selector = parseSpecSelector(context.selector);
  if (!selector.ok) throw selector.error;
  return selectSpans(trace, selector.value).flatMap((index) => {
    const span = trace.spans[index];
    return span === undefined ? [] : [span];
  });
}

/** A failure message may quote a value: secret values in it are masked too. */
function maskError(error: unknown, variables: VariableContext): unknown {
  if (!isTracecheckError(error)) return error;
  const detail = maskSecrets(error.message, variables);
  return detail === error.message
    ? error
    : new TracecheckError(error.code, detail, error.details, { cause: error });
}

/**
 * `POST /api/expressions/resolve` (Appendix A): evaluates an expression with the variables of a
 * variable set, on one span or on each span a selector picks in a run's trace, as the editor previews
 * outputs and assertions.
 */
export function createResolveExpressionRoute(deps: ResolveExpressionDeps): ApiRoute {
  return defineRoute({
    method: 'POST',
    url: '/api/expressions/resolve',
    operationId: 'ExpressionResolve',
    permission: 'env.resources.write',
    summary: 'Evaluate an expression with a variable set and the spans of a run',
    tags: ['expressions'],
    body: ResolveExpressionBodySchema,
    responses: {
      200: { description: 'The values', schema: ResolveExpressionResultSchema },
      404: { description: 'No such variable set, run or span', schema: ApiErrorBodySchema },
    },
    async handle({ body, request }) {
      const scope = await deps.resolveScope(request);
      const context = body.context;
      const variables = await readVariables(deps, scope, present(context?.variableSetId));
      const spans = await readSpans(deps, scope, {
        testId: present(context?.testId),
        runId: context?.runId,
        spanId: present(context?.spanId),
        selector: present(context?.selector),
      });
      const expression = parseExpression(body.expression);
      const lookup = (name: string) => variables.lookup(name);
      try {
        const values = (spans.length === 0 ? [undefined] : spans).map((span) =>
          formatValue(
            evaluateExpression(
              expression,
              span === undefined
                ? { variables: lookup }
                : { variables: lookup, span, selectedSpanCount: spans.length },
            ),
          ),
        );
        return {
          kind: 'json',
          status: 200,
          body: { resolvedValues: values.map((value) => maskSecrets(value, variables)) },
        };
      } catch (error) {
        throw maskError(error, variables);
      }
    },
  });
}
