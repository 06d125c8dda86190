import type {
  KeyValue,
  ResourceRecord,
  ScopeRecord,
  SpanEvent,
  SpanInput,
  SpanLink,
  SpanRecord,
} from '../trace/model';
import { flattenAnyValue } from './flatten-any-value';

type FlatAttributes = readonly (readonly [string, string])[];

// Resources and scopes are shared by every span of their group: flatten each once. Records are
// immutable, so a cache keyed by object identity can never return a stale value.
const flatResources = new WeakMap<ResourceRecord, FlatAttributes>();
const flatScopes = new WeakMap<ScopeRecord, FlatAttributes>();
const NO_EVENTS: readonly SpanEvent[] = Object.freeze([]);
const NO_LINKS: readonly SpanLink[] = Object.freeze([]);

function flattenList(list: readonly KeyValue[]): FlatAttributes {
  return list.map((kv) => [kv.key, flattenAnyValue(kv.value)] as const);
}

function flattenMap(list: readonly KeyValue[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    const kv = list[i]!;
    map.set(kv.key, kv.value.type === 'string' ? kv.value.value : flattenAnyValue(kv.value));
  }
  return map;
}

function setAll(map: Map<string, string>, flat: FlatAttributes): void {
  for (let i = 0; i < flat.length; i++) {
    const entry = flat[i]!;
    map.set(entry[0], entry[1]);
  }
}

function flatResource(resource: ResourceRecord): FlatAttributes {
  let flat = flatResources.get(resource);
  if (!flat) {
    flat = flattenList(resource.attributes);
    flatResources.set(resource, flat);
  }
  return flat;
}

function flatScope(scope: ScopeRecord): FlatAttributes {
  let flat = flatScopes.get(scope);
  if (!flat) {
    flat = [['service.name', scope.name], ...flattenList(scope.attributes)];
    flatScopes.set(scope, flat);
  }
  return flat;
}

/**
 * Flattens a span record for assembly (SPEC §3.2). Attribute sources are merged with this precedence,
 * last wins: span attributes → `service.name` = scope name (when the span has a scope) → scope
 * attributes → resource attributes. Events and links get flattened attributes; the status, the
 * (shared) resource and the record itself are kept.
 * @example assembleTrace(traceId, decodeOtlpProtobuf(body).map(toSpanInput))
 */
export function toSpanInput(record: SpanRecord): SpanInput {
  return flattenSpanRecord(record, true);
}

/**
 * `toSpanInput`, keeping the record itself only when `keepRecord` is set: a span that keeps its
 * record costs about twice as much memory, for callers that seldom read it.
 */
export function flattenSpanRecord(record: SpanRecord, keepRecord: boolean): SpanInput {
  const attributes = flattenMap(record.attributes);
  if (record.scope !== null) setAll(attributes, flatScope(record.scope));
  const resource = record.resource;
  setAll(attributes, flatResource(resource));
  const events =
    record.events.length === 0
      ? NO_EVENTS
      : record.events.map(
          (event): SpanEvent => ({
            name: event.name,
            timeUnixNano: event.timeUnixNano,
            attributes: flattenMap(event.attributes),
          }),
        );
  const links =
    record.links.length === 0
      ? NO_LINKS
      : record.links.map(
          (link): SpanLink => ({
            traceId: link.traceId,
            spanId: link.spanId,
            attributes: flattenMap(link.attributes),
          }),
        );
  const {
    spanId: id,
    parentSpanId: parentId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    status,
  } = record;
  // `record` stays absent (not `undefined`) when it is not kept.
  const input: { -readonly [K in keyof SpanInput]: SpanInput[K] } = {
    id,
    parentId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    links,
    status,
    resource,
  };
  if (keepRecord) input.record = record;
  return input;
}
