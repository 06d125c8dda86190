import { assembleTrace } from './assemble-trace';
import {
  type Nanos,
  type SpanId,
  type SpanInput,
  TEMPORARY_ROOT_SPAN_NAME,
  TRIGGER_SPAN_NAME,
  type Trace,
  type TraceSpan,
} from './model';

/** The trigger's response, exposed on the trigger span (SPEC §2.3, §2.4: http and grpc triggers). */
export interface TriggerRootResponse {
  /** HTTP status code or gRPC status number; stored as `tracetest.response.status`. */
  readonly statusCode?: number | string;
  /** Stored as `tracetest.response.body`. */
  readonly body?: string;
  /** Headers or gRPC metadata; stored as JSON in `tracetest.response.headers` (`null` ⇒ `"null"`). */
  readonly headers?: readonly { readonly key: string; readonly value: string }[] | null;
}

/** The trigger of a run: its span id and time window, and its response when it had one. */
export interface TriggerRootInput {
  /** Id of the trigger span (the parent the trigger propagated to the system under test). */
  readonly spanId: SpanId;
  readonly startTimeUnixNano: Nanos;
  readonly endTimeUnixNano: Nanos;
  readonly response?: TriggerRootResponse;
}

/** Adds the response attributes, then `service.name = tracetest`, to the trigger span (SPEC §3.4). */
function augmentTriggerSpan(span: TraceSpan, response: TriggerRootResponse | undefined): TraceSpan {
  // The span's type was inferred by assembly before these attributes exist, so it stays `general`
  // unless the span's own attributes say otherwise.
  const attributes = new Map(span.attributes);
  if (response?.statusCode !== undefined)
    attributes.set('tracetest.response.status', String(response.statusCode));
  if (response?.body !== undefined) attributes.set('tracetest.response.body', response.body);
  if (response?.headers !== undefined) {
    const headers =
      response.headers === null ? null : response.headers.map((h) => ({ key: h.key, value: h.value }));
    attributes.set('tracetest.response.headers', JSON.stringify(headers));
  }
  attributes.set('service.name', 'tracetest');
  return { ...span, attributes };
}

function withRoot(trace: Trace, root: TraceSpan): Trace {
  return { ...trace, spans: [root, ...trace.spans.slice(1)] };
}

/**
 * Gives a trace its `Tracetest trigger` root once collection is done (SPEC §3.4). When the root is
 * already a span with that name it is augmented. Otherwise a new root is created with the trigger's
 * id and time window; the previous root, or every orphan gathered under a temporary root, becomes its
 * child, and their `tracetest.span.parent_id` is rewritten to the new root (Q26 recommended).
 * Augmentation keeps the §3.3 attributes (type inferred before the response attributes, so
 * `general`), then sets `tracetest.response.status|body|headers`, then `service.name = tracetest`.
 * @example insertTriggerRoot(trace, { spanId, startTimeUnixNano, endTimeUnixNano, response: { statusCode: 201, body } })
 */
export function insertTriggerRoot(trace: Trace, trigger: TriggerRootInput): Trace {
  const root = trace.spans[0];
  if (root?.name === TRIGGER_SPAN_NAME) return withRoot(trace, augmentTriggerSpan(root, trigger.response));

  const rootIsTemporary = root?.name === TEMPORARY_ROOT_SPAN_NAME;
  const inputs: SpanInput[] = [];
  trace.spans.forEach((span, i) => {
    if (rootIsTemporary && i === 0) return;
    const parentIndex = trace.parentIndex[i]!;
    const formerRoot = parentIndex === -1 || (rootIsTemporary && parentIndex === 0);
    inputs.push({
      id: span.id,
      parentId: formerRoot ? trigger.spanId : span.parentId,
      name: span.name,
      kind: span.kind,
      startTimeUnixNano: span.startTimeUnixNano,
      endTimeUnixNano: span.endTimeUnixNano,
      attributes: span.attributes,
      events: span.events,
      links: span.links,
      status: span.status,
      ...(span.resource ? { resource: span.resource } : {}),
      ...(span.record ? { record: span.record } : {}),
    });
  });
  // Listed last: should a collected span carry the trigger's id, the trigger span wins.
  inputs.push({
    id: trigger.spanId,
    parentId: null,
    name: TRIGGER_SPAN_NAME,
    kind: 'internal',
    startTimeUnixNano: trigger.startTimeUnixNano,
    endTimeUnixNano: trigger.endTimeUnixNano,
    attributes: new Map(),
  });
  // Every span already has an end time (assembly replaced zero ends); only the trigger's may be zero.
  const assembled = assembleTrace(trace.traceId, inputs, { nowUnixNano: () => trigger.endTimeUnixNano });
  return withRoot(assembled, augmentTriggerSpan(assembled.spans[0]!, trigger.response));
}
