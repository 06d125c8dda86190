/**
 * Span attributes grouped by OpenTelemetry semantic convention, as the span details panel shows them:
 * the protocol the span speaks first, then the rest, then where it ran (resource), then what
 * Tracecheck derived.
 */
import type { SpanType, TraceSpan } from '@tracecheck/core';

export type AttributeGroupId =
  | 'http'
  | 'database'
  | 'messaging'
  | 'rpc'
  | 'faas'
  | 'exception'
  | 'span'
  | 'resource'
  | 'tracecheck';

export interface AttributeGroup {
  readonly id: AttributeGroupId;
  readonly title: string;
  /** `[key, value]` sorted by key. */
  readonly entries: readonly (readonly [string, string])[];
}

const TITLES: Readonly<Record<AttributeGroupId, string>> = {
  http: 'HTTP',
  database: 'Database',
  messaging: 'Messaging',
  rpc: 'RPC',
  faas: 'FaaS',
  exception: 'Exception',
  span: 'Other attributes',
  resource: 'Resource',
  tracecheck: 'Tracecheck',
};

/** Display order of the groups. */
const ORDER: readonly AttributeGroupId[] = [
  'http',
  'database',
  'messaging',
  'rpc',
  'faas',
  'exception',
  'span',
  'resource',
  'tracecheck',
];

/**
 * Connection attributes (`server.address`, `net.peer.name`…) are shared by every protocol: they join
 * the group of the span's own protocol.
 */
const CONNECTION_PREFIXES: readonly string[] = ['server.', 'client.', 'network.', 'net.'];

const PROTOCOL_GROUP_OF: Readonly<Partial<Record<SpanType, AttributeGroupId>>> = {
  http: 'http',
  database: 'database',
  messaging: 'messaging',
  rpc: 'rpc',
  faas: 'faas',
};

/** Key prefixes of each convention, old and stable names alike. */
const PREFIXES: readonly (readonly [string, AttributeGroupId])[] = [
  ['http.', 'http'],
  ['url.', 'http'],
  ['user_agent.', 'http'],
  ['db.', 'database'],
  ['messaging.', 'messaging'],
  ['rpc.', 'rpc'],
  ['grpc.', 'rpc'],
  ['faas.', 'faas'],
  ['exception.', 'exception'],
  // Resource conventions: used when a span carries no OTLP resource to tell which keys it set.
  ['service.', 'resource'],
  ['telemetry.', 'resource'],
  ['host.', 'resource'],
  ['os.', 'resource'],
  ['process.', 'resource'],
  ['container.', 'resource'],
  ['k8s.', 'resource'],
  ['cloud.', 'resource'],
  ['deployment.', 'resource'],
];

/** Derived attributes that do not start with `tracetest.` (SPEC §3.3). */
const DERIVED_KEYS: ReadonlySet<string> = new Set(['span.events']);

/**
 * The group of one attribute key on a span of type `spanType`; `resourceKeys` are the keys the span's
 * OTLP resource set.
 */
export function groupOfKey(
  key: string,
  spanType: SpanType,
  resourceKeys: ReadonlySet<string>,
): AttributeGroupId {
  if (DERIVED_KEYS.has(key) || key.startsWith('tracetest.')) return 'tracecheck';
  if (resourceKeys.has(key)) return 'resource';
  if (CONNECTION_PREFIXES.some((prefix) => key.startsWith(prefix))) {
    return PROTOCOL_GROUP_OF[spanType] ?? 'span';
  }
  for (const [prefix, group] of PREFIXES) if (key.startsWith(prefix)) return group;
  return 'span';
}

/**
 * The span's attributes in their groups, non-empty groups only, in display order. A key counts as a
 * resource attribute when the span's OTLP resource set it (a span attribute of the same key loses to
 * the resource's, SPEC §3.2), else by its convention prefix.
 */
export function groupAttributes(span: TraceSpan): AttributeGroup[] {
  const resourceKeys = new Set(span.resource?.attributes.map((attribute) => attribute.key) ?? []);
  const byGroup = new Map<AttributeGroupId, [string, string][]>();
  for (const [key, value] of span.attributes) {
    const group = groupOfKey(key, span.type, resourceKeys);
    let entries = byGroup.get(group);
    if (entries === undefined) {
      entries = [];
      byGroup.set(group, entries);
    }
    entries.push([key, value]);
  }
  const groups: AttributeGroup[] = [];
  for (const id of ORDER) {
    const entries = byGroup.get(id);
    if (entries === undefined) continue;
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    groups.push({ id, title: TITLES[id], entries });
  }
  return groups;
}
