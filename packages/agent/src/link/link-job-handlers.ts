import { Buffer } from 'node:buffer';
import {
  createVariableContext,
  encodeOtlpProtobuf,
  isTracecheckError,
  OTLP_DATA_STORE_TYPES,
  parseSpanId,
  parseTraceId,
  resolveTemplate,
  TracecheckError,
} from '@tracecheck/core';
import type {
  AgentJob,
  DataStoreJson,
  PollJobResult,
  TestConnectionJobResult,
  TriggerJobResult,
  TriggerJson,
  TriggerResultJson,
} from '@tracecheck/protocol';
import type { JobContext } from '../create-agent';
import type { TraceSourceConfig } from '../sources/data-store-config';
import { createCacheTraceSource, createTraceSource } from '../sources/index';
import type { TraceSource } from '../sources/trace-source';
import { fireTrigger } from '../triggers/fire-trigger';
import { resolveTrigger } from '../triggers/resolve-trigger';
import type { TriggerRequest } from '../triggers/trigger';

/** Job kinds whose handlers do the work themselves; watches are the session's business. */
export type WorkJob = Extract<AgentJob, { kind: 'trigger' | 'poll' | 'test-connection' }>;

const TRIGGER_OBJECT_KEYS: Readonly<Record<string, string | null>> = {
  http: 'httpRequest',
  grpc: 'grpc',
  traceid: 'traceid',
  graphql: 'graphql',
  kafka: 'kafka',
  cypress: null,
  playwright: null,
  k6: null,
  artillery: null,
};

const POLLED_DATA_STORE_TYPES = ['jaeger', 'tempo', 'opensearch', 'elasticapm'];

/**
 * Checks that a trigger from a job has a type this agent fires and the object that type reads; the
 * fields inside are read by the trigger modules, which report what they cannot use.
 */
function readTriggerRequest(trigger: TriggerJson): TriggerRequest {
  if (!Object.hasOwn(TRIGGER_OBJECT_KEYS, trigger.type)) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `this agent cannot fire triggers of type "${trigger.type}": expected one of ${Object.keys(TRIGGER_OBJECT_KEYS).join(', ')} (an older agent? upgrade it)`,
    );
  }
  const key = TRIGGER_OBJECT_KEYS[trigger.type];
  if (key) {
    const object = trigger[key];
    if (typeof object !== 'object' || object === null) {
      throw new TracecheckError(
        'REQUEST_INVALID',
        `the ${trigger.type} trigger has no "${key}" object: give the request under "${key}"`,
      );
    }
  }
  return trigger as unknown as TriggerRequest;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Resolves the trigger with the run's variables (SPEC §2.2) and fires it with the run's trace
 * context. Never rejects: a resolution or trigger failure is the result's `error` (SPEC §2.11), so
 * the run ends TRIGGER_FAILED with its text (Q23).
 */
export async function runTriggerJob(
  job: Extract<AgentJob, { kind: 'trigger' }>,
  context: JobContext,
  options: {
    readonly runSignal: AbortSignal;
    readonly runningOnContainer: boolean;
    readonly nowMs: () => number;
  },
): Promise<TriggerJobResult> {
  const traceId = parseTraceId(job.traceId);
  const spanId = parseSpanId(job.spanId);
  const startedAtMs = options.nowMs();
  let request: TriggerRequest;
  try {
    const variables = createVariableContext({ runVariables: job.variables });
    const resolve = (text: string) => resolveTemplate(text, { variables: (name) => variables.lookup(name) });
    request = resolveTrigger(readTriggerRequest(job.trigger), resolve);
  } catch (error) {
    if (!isTracecheckError(error)) throw error;
    const result: TriggerResultJson = {
      type: job.trigger.type,
      error: {
        connectionError: false,
        runningOnContainer: options.runningOnContainer,
        targetsLocalhost: false,
        message: `the trigger could not be resolved: ${error.message}`,
        hint: 'check the variables the trigger uses (variable set, run variables, outputs of earlier suite steps)',
      },
    };
    return { kind: 'trigger', startedAtMs, completedAtMs: options.nowMs(), traceId, result };
  }
  const {
    startedAtMs: firedAtMs,
    completedAtMs,
    ...outcome
  } = await fireTrigger(request, {
    traceId,
    spanId,
    timeoutMs: job.timeoutMs,
    signal: AbortSignal.any([context.signal, options.runSignal]),
    runningOnContainer: options.runningOnContainer,
    nowMs: options.nowMs,
  });
  const usedTraceId = !outcome.error && 'traceid' in outcome ? outcome.traceid.id : traceId;
  return {
    kind: 'trigger',
    startedAtMs: firedAtMs,
    completedAtMs,
    traceId: usedTraceId,
    resolvedTrigger: request as unknown as TriggerJson,
    result: outcome as unknown as TriggerResultJson,
  };
}

function isOtlpDataStore(dataStore: DataStoreJson): boolean {
  return (
    (OTLP_DATA_STORE_TYPES as readonly string[]).includes(dataStore.type) ||
    (dataStore.type === 'azureappinsights' &&
      (dataStore.azureappinsights as { connectionType?: string } | undefined)?.connectionType === 'collector')
  );
}

function createPolledSource(dataStore: DataStoreJson): TraceSource {
  if (!POLLED_DATA_STORE_TYPES.includes(dataStore.type)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `this agent cannot query data stores of type "${dataStore.type}": it reads ${POLLED_DATA_STORE_TYPES.join(', ')} ` +
        'and receives spans over OTLP for the OTLP-based types; send the spans to the agent over OTLP instead',
    );
  }
  return createTraceSource(dataStore as unknown as TraceSourceConfig);
}

/** Fetches the trace once from the data store; "not found" and backend failures are answers. */
export async function runPollJob(
  job: Extract<AgentJob, { kind: 'poll' }>,
  context: JobContext,
): Promise<PollJobResult> {
  const traceId = parseTraceId(job.traceId);
  try {
    const fetched = await createPolledSource(job.dataStore).fetchTrace(traceId, { signal: context.signal });
    if (!fetched.found) return { kind: 'poll', found: false };
    const bytes = encodeOtlpProtobuf(fetched.spans);
    return { kind: 'poll', found: true, otlpBase64: Buffer.from(bytes).toString('base64') };
  } catch (error) {
    if (!isTracecheckError(error)) throw error;
    return { kind: 'poll', found: false, error: error.message };
  }
}

/** Tests the data store the way runs will use it: the agent's own span cache for OTLP-based types. */
export async function runTestConnectionJob(
  job: Extract<AgentJob, { kind: 'test-connection' }>,
  context: JobContext,
): Promise<TestConnectionJobResult> {
  let source: TraceSource;
  try {
    source = isOtlpDataStore(job.dataStore)
      ? createCacheTraceSource((traceId) => context.cache.getTrace(traceId))
      : createPolledSource(job.dataStore);
  } catch (error) {
    if (!isTracecheckError(error)) throw error;
    return {
      kind: 'test-connection',
      passed: false,
      steps: [{ step: 'connectivity', passed: false, message: error.message, error: describeError(error) }],
    };
  }
  const tested = await source.testConnection();
  return { kind: 'test-connection', passed: tested.passed, steps: tested.steps };
}
