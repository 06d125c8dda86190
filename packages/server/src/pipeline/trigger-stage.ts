import { isTracecheckError, isTraceId, type VariableContext } from '@tracecheck/core';
import type { TriggerJobResult, TriggerJson } from '@tracecheck/protocol';
import type { StageHandler } from '../queue/queue';
import type { RunPatch, RunRecord, Scope } from '../store/store';
import { catchUpRun, moveRun, publishStageOf } from './move-run';
import type { PipelineContext } from './pipeline-context';
import type { RunEventInput } from './run-events';
import { loadDataStore, loadRunTest, type RunnableTest } from './run-resources';
import { maskSecretsInJson, openRunVariables, variableContextOf } from './run-variables';
import {
  formatDuration,
  isOtlpDataStore,
  scopeOf,
  stopWatchingTrace,
  watchTrace,
  withHeartbeat,
} from './stage-support';

/** Extra time a trigger job gets beyond the trigger's own limit (queueing on the agent, the link). */
const TRIGGER_JOB_MARGIN_MS = 15_000;

/**
 * The trigger stage: CREATED → EXECUTING, then the agent resolves the trigger with the run's
 * variables and fires it (job id `run-<id>-trigger`, so a redelivered stage gets the result the agent
 * kept instead of firing again), then EXECUTING → AWAITING_TRACE with the trigger result (or
 * TRIGGER_FAILED with its text). The watch of the trace starts alongside the trigger.
 */
export function createTriggerStage(context: PipelineContext): StageHandler {
  return async (delivery) => {
    const scope = scopeOf(delivery.message);
    let run = await context.store.getRun(scope, delivery.message.runId);
    if (!run) {
      context.logger.warn({ runId: delivery.message.runId }, 'trigger stage: the run no longer exists');
      return;
    }
    if (run.state === 'CREATED') {
      run =
        (await moveRun(context, scope, run.id, {
          from: ['CREATED'],
          patch: { state: 'EXECUTING' },
          stage: 'trigger',
          why: 'the agent resolves the trigger with the run’s variables and fires it',
        })) ?? (await context.store.getRun(scope, run.id));
      if (!run) return;
    }
    if (run.state !== 'EXECUTING') {
      // Redelivered after the trigger was handled: make sure the next stage runs.
      await catchUpRun(context, scope, run, delivery);
      return;
    }
    const executing = run;
    await withHeartbeat(delivery, context.config.heartbeatMs, () => fireTrigger(context, scope, executing));
  };
}

async function failTrigger(
  context: PipelineContext,
  scope: Scope,
  run: RunRecord,
  message: string,
  extra: { readonly events?: readonly RunEventInput[]; readonly patch?: RunPatch } = {},
): Promise<void> {
  const moved = await moveRun(context, scope, run.id, {
    from: ['EXECUTING'],
    patch: { ...extra.patch, state: 'TRIGGER_FAILED', lastErrorState: message },
    stage: 'trigger',
    why: message,
    events: extra.events ?? [],
  });
  stopWatchingTrace(context, scope, run);
  if (moved) await publishStageOf(context, scope, moved);
}

async function fireTrigger(context: PipelineContext, scope: Scope, run: RunRecord): Promise<void> {
  let test: RunnableTest;
  try {
    test = await loadRunTest(context.store, scope, run);
  } catch (error) {
    if (!isTracecheckError(error)) throw error;
    await failTrigger(context, scope, run, error.message);
    return;
  }
  const variables = variableContextOf(openRunVariables(scope, run.variables, context.secretBox));

  // Spans that arrive while the trigger runs are pushed at once (the agent's cache would replay them anyway).
  if (isOtlpDataStore(await loadDataStore(context.store, scope))) {
    watchTrace(context, scope, run).catch((error: unknown) =>
      context.logger.debug({ err: error, runId: run.id }, 'the watch of the trace did not start yet'),
    );
  }

  let result: TriggerJobResult;
  try {
    const answer = await context.agents.dispatch(
      {
        kind: 'trigger',
        id: `run-${run.id}-trigger`,
        scope,
        runId: run.id,
        traceId: run.traceId,
        spanId: run.spanId,
        trigger: test.trigger as unknown as TriggerJson,
        variables: [...variables.entries.values()].map((entry) => ({
          key: entry.key,
          value: entry.value,
          type: entry.secret ? 'secret' : 'raw',
        })),
        timeoutMs: context.config.triggerTimeoutMs,
      },
      { timeoutMs: context.config.triggerTimeoutMs + TRIGGER_JOB_MARGIN_MS, signal: context.signal },
    );
    if (answer.kind !== 'trigger')
      throw new Error(`the agent answered a trigger job with a ${answer.kind} result`);
    result = answer;
  } catch (error) {
    // The link's errors (no agent, no answer, the agent refused the job) end the run; anything else
    // (a stopping worker, a broken relay) is retried by the queue.
    if (!isTracecheckError(error)) throw error;
    await failTrigger(context, scope, run, error.message, {
      events: [
        {
          type: error.code === 'AGENT_UNAVAILABLE' ? 'AGENT_UNAVAILABLE' : 'TRIGGER_FAILED',
          stage: 'trigger',
          title:
            error.code === 'AGENT_UNAVAILABLE' ? 'No agent took the trigger' : 'The trigger could not run',
          description: error.message,
          data: { code: error.code },
        },
      ],
    });
    return;
  }
  await recordTriggerResult(context, scope, run, result, variables);
}

function describeResponse(result: TriggerJobResult): string {
  const elapsed = formatDuration(result.completedAtMs - result.startedAtMs);
  const response = result.result[result.result.type] as
    | { status?: unknown; statusCode?: unknown }
    | undefined;
  const status = typeof response?.status === 'string' ? response.status : response?.statusCode;
  return status === undefined
    ? `the ${result.result.type} trigger completed in ${elapsed}`
    : `the ${result.result.type} trigger answered ${String(status)} in ${elapsed}`;
}

async function recordTriggerResult(
  context: PipelineContext,
  scope: Scope,
  run: RunRecord,
  result: TriggerJobResult,
  variables: VariableContext,
): Promise<void> {
  const patch = {
    triggerResult: maskSecretsInJson(result.result, variables),
    ...(result.resolvedTrigger
      ? { resolvedTrigger: maskSecretsInJson(result.resolvedTrigger, variables) }
      : {}),
    serviceTriggeredAt: new Date(result.startedAtMs),
    serviceTriggerCompletedAt: new Date(result.completedAtMs),
  };
  const error = result.result.error;
  if (error) {
    const message = maskSecretsInJson(error.message, variables);
    await failTrigger(context, scope, run, message, {
      patch,
      events: [
        {
          type: 'TRIGGER_FAILED',
          stage: 'trigger',
          title: 'The trigger failed',
          description: error.hint ? `${message} (${maskSecretsInJson(error.hint, variables)})` : message,
          data: {
            connectionError: error.connectionError,
            targetsLocalhost: error.targetsLocalhost,
            runningOnContainer: error.runningOnContainer,
          },
        },
      ],
    });
    return;
  }
  const traceId = isTraceId(result.traceId) ? result.traceId : run.traceId;
  const moved = await moveRun(context, scope, run.id, {
    from: ['EXECUTING'],
    patch: { ...patch, state: 'AWAITING_TRACE', ...(traceId === run.traceId ? {} : { traceId }) },
    stage: 'trigger',
    why: 'the trigger fired; its trace is being collected',
    events: [
      {
        type: 'TRIGGER_SUCCEEDED',
        stage: 'trigger',
        title: 'The trigger fired',
        description:
          traceId === run.traceId
            ? describeResponse(result)
            : `${describeResponse(result)}; the run follows trace ${traceId} named by the trigger`,
        data: {
          durationMs: result.completedAtMs - result.startedAtMs,
          traceId,
          worker: context.config.workerName,
        },
      },
    ],
  });
  if (traceId !== run.traceId) stopWatchingTrace(context, scope, run);
  if (moved) await publishStageOf(context, scope, moved);
}
