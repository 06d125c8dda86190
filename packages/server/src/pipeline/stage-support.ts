import { OTLP_DATA_STORE_TYPES } from '@tracecheck/core';
import type { DataStoreJson } from '@tracecheck/protocol';
import type { Delivery, StageMessage } from '../queue/queue';
import type { RunRecord, Scope } from '../store/store';
import type { PipelineContext } from './pipeline-context';

export function scopeOf(message: StageMessage): Scope {
  return { organizationId: message.organizationId, environmentId: message.environmentId };
}

/** Runs `work` while telling the queue every `heartbeatMs` that the delivery is still being handled. */
export async function withHeartbeat<T>(
  delivery: Delivery,
  heartbeatMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => delivery.heartbeat(), heartbeatMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Data stores whose spans reach the agent over OTLP (watched), as opposed to backends the agent polls. */
export function isOtlpDataStore(dataStore: DataStoreJson): boolean {
  if ((OTLP_DATA_STORE_TYPES as readonly string[]).includes(dataStore.type)) return true;
  const azure = dataStore.azureappinsights as { connectionType?: unknown } | undefined;
  return dataStore.type === 'azureappinsights' && azure?.connectionType === 'collector';
}

/** Asks the agents to push the spans of a run's trace as they arrive (the same id every time: done once). */
export function watchTrace(
  context: PipelineContext,
  scope: Scope,
  run: Pick<RunRecord, 'id' | 'traceId'>,
): Promise<unknown> {
  return context.agents.dispatch(
    {
      kind: 'watch-trace',
      id: `run-${run.id}-watch-${run.traceId}`,
      scope,
      runId: run.id,
      traceId: run.traceId,
    },
    { timeoutMs: 30_000, signal: context.signal },
  );
}

/** Ends the watch of a run's trace; failures only cost the agent a watch that expires on its own. */
export function stopWatchingTrace(
  context: PipelineContext,
  scope: Scope,
  run: Pick<RunRecord, 'id' | 'traceId'>,
): void {
  context.agents
    .dispatch(
      {
        kind: 'stop-watch',
        id: `run-${run.id}-stop-watch-${run.traceId}`,
        scope,
        runId: run.id,
        traceId: run.traceId,
      },
      { timeoutMs: 30_000, signal: context.signal },
    )
    .catch((error: unknown) =>
      context.logger.debug({ err: error, runId: run.id }, 'could not end the watch of a trace'),
    );
}

/** "1 min", "30 s", "250 ms". */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${Math.round(ms)} ms`;
}
