import {
  decodeOtlpProtobuf,
  encodeOtlpProtobuf,
  insertTriggerRoot,
  type KeyValue,
  type Nanos,
  type SpanId,
  type SpanRecord,
  TRIGGER_SPAN_NAME,
  type Trace,
  type TraceId,
  type TriggerRootInput,
  type TriggerRootResponse,
  traceFromRecords,
} from '@tracecheck/core';
import type { RunRecord } from '../store/store';

const NS_PER_MS = 1_000_000n;

function nanosOf(date: Date): Nanos {
  return BigInt(date.getTime()) * NS_PER_MS;
}

function readObject(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : undefined;
}

function readEntries(value: unknown): { key: string; value: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) =>
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.key === 'string' &&
    typeof entry.value === 'string'
      ? [{ key: entry.key, value: entry.value }]
      : [],
  );
}

/**
 * The response a trigger result (SPEC §2.11, as the agent sent it) puts on the trigger span: status,
 * body and headers of HTTP and GraphQL, status, body and metadata of gRPC (SPEC §3.4). No headers is
 * `null`, as Tracetest writes it.
 */
export function triggerResponseOf(triggerResult: unknown): TriggerRootResponse | undefined {
  if (typeof triggerResult !== 'object' || triggerResult === null) return undefined;
  const result = triggerResult as { type?: unknown; error?: unknown };
  if (result.error !== undefined || typeof result.type !== 'string') return undefined;
  const key =
    result.type === 'http'
      ? 'http'
      : result.type === 'graphql'
        ? 'graphql'
        : result.type === 'grpc'
          ? 'grpc'
          : undefined;
  const response = key ? readObject(result, key) : undefined;
  if (!response || typeof response.statusCode !== 'number') return undefined;
  const headers = readEntries(key === 'grpc' ? response.metadata : response.headers);
  return {
    statusCode: response.statusCode,
    body: typeof response.body === 'string' ? response.body : '',
    headers: headers.length === 0 ? null : headers,
  };
}

/** The trigger of a run as its trace's root: span id, time window and response. */
export function triggerRootOf(
  run: Pick<
    RunRecord,
    'spanId' | 'createdAt' | 'serviceTriggeredAt' | 'serviceTriggerCompletedAt' | 'triggerResult'
  >,
): TriggerRootInput {
  const started = run.serviceTriggeredAt ?? run.createdAt;
  const ended = run.serviceTriggerCompletedAt ?? started;
  const response = triggerResponseOf(run.triggerResult);
  return {
    spanId: run.spanId as SpanId,
    startTimeUnixNano: nanosOf(started),
    endTimeUnixNano: nanosOf(ended),
    ...(response ? { response } : {}),
  };
}

function stringValue(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

/**
 * The `Tracetest trigger` span of a run as an OTLP record, so the stored trace holds its root: the
 * dashboard and the API show the same tree the assertions saw.
 */
export function createTriggerSpanRecord(
  run: Pick<
    RunRecord,
    'traceId' | 'spanId' | 'createdAt' | 'serviceTriggeredAt' | 'serviceTriggerCompletedAt' | 'triggerResult'
  >,
): SpanRecord {
  const root = triggerRootOf(run);
  const attributes: KeyValue[] = [];
  if (root.response?.statusCode !== undefined) {
    attributes.push(stringValue('tracetest.response.status', String(root.response.statusCode)));
  }
  if (root.response?.body !== undefined)
    attributes.push(stringValue('tracetest.response.body', root.response.body));
  if (root.response?.headers !== undefined) {
    attributes.push(stringValue('tracetest.response.headers', JSON.stringify(root.response.headers)));
  }
  return {
    traceId: run.traceId as TraceId,
    spanId: root.spanId,
    parentSpanId: null,
    traceState: '',
    flags: 1,
    name: TRIGGER_SPAN_NAME,
    kind: 'internal',
    startTimeUnixNano: root.startTimeUnixNano,
    endTimeUnixNano: root.endTimeUnixNano,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    resource: {
      attributes: [stringValue('service.name', 'tracetest')],
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    scope: null,
  };
}

/** The trace document a run stores once: the collected spans (each id once) and its trigger span. */
export function encodeRunTrace(run: RunRecord, spans: Iterable<SpanRecord>): Uint8Array {
  const trigger = createTriggerSpanRecord(run);
  const records: SpanRecord[] = [];
  for (const span of spans) if (span.spanId !== trigger.spanId) records.push(span);
  records.push(trigger);
  return encodeOtlpProtobuf(records);
}

/**
 * A run's final trace as assertions see it (SPEC §3.4): the stored spans assembled in tree order under
 * the `Tracetest trigger` root with the trigger's response attributes.
 * @example const trace = assembleRunTrace(run, await store.readRunTrace(scope, run.id))
 */
export function assembleRunTrace(run: RunRecord, otlpProtobuf: Uint8Array): Trace {
  const trace = traceFromRecords(run.traceId as TraceId, decodeOtlpProtobuf(otlpProtobuf));
  return insertTriggerRoot(trace, triggerRootOf(run));
}
