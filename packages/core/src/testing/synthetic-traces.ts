import { toSpanInput } from '../otlp/to-span-input';
import type {
  AnyValue,
  KeyValue,
  Nanos,
  ResourceRecord,
  ScopeRecord,
  SpanEventRecord,
  SpanId,
  SpanInput,
  SpanKind,
  SpanLinkRecord,
  SpanRecord,
  SpanStatus,
  TraceId,
} from '../trace/model';

/**
 * Deterministic synthetic traces for benchmarks and tests: the same arguments always give the same
 * spans (a seeded PRNG, no clock).
 */

/** Start of the first synthetic trace, in Unix ns (an arbitrary instant in 2023, above 2^53). */
export const SYNTHETIC_T0_NS = 1_700_000_000_000_000_000n;

/** A seeded pseudo-random source (mulberry32): `next()` is uniform in [0, 1). */
export interface SeededRandom {
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

/** Creates a seeded PRNG: the same seed always gives the same sequence. */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)]! };
}

function randomHex(random: SeededRandom, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++) out += random.int(256).toString(16).padStart(2, '0');
  // Never all zero: ids that are all zero are invalid in OTLP.
  return out.startsWith('00') ? `1${out.slice(1)}` : out;
}

const str = (key: string, value: string): KeyValue => ({ key, value: { type: 'string', value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { type: 'int', value: BigInt(value) } });
const dbl = (key: string, value: number): KeyValue => ({ key, value: { type: 'double', value } });
const bool = (key: string, value: boolean): KeyValue => ({ key, value: { type: 'bool', value } });
const strings = (key: string, values: readonly string[]): KeyValue => ({
  key,
  value: { type: 'array', value: values.map((v): AnyValue => ({ type: 'string', value: v })) },
});

const SERVICES = ['frontend', 'orders', 'stock', 'payments', 'worker', 'shipping'] as const;
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'] as const;
const ROUTES = ['/api/orders/{id}', '/api/orders', '/api/stock/{sku}', '/api/payments', '/health'] as const;
const TABLES = ['orders', 'order_items', 'stock', 'payments', 'customers'] as const;
const DB_SYSTEMS = ['postgresql', 'mysql', 'redis', 'mongodb'] as const;
const TOPICS = ['orders', 'payments', 'stock-updates', 'notifications'] as const;
const FUNCTIONS = [
  'computePrice',
  'validateOrder',
  'reserveStock',
  'renderInvoice',
  'applyDiscount',
] as const;

interface SpanShape {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: KeyValue[];
  /** True when the span starts work in another service (server or consumer side). */
  readonly entersService: boolean;
}

function httpServerShape(random: SeededRandom): SpanShape {
  const method = random.pick(METHODS);
  const route = random.pick(ROUTES);
  const id = 1000 + random.int(9000);
  const status = random.next() < 0.9 ? 200 : random.pick([201, 404, 500, 503]);
  return {
    name: `${method} ${route}`,
    kind: 'server',
    entersService: true,
    attributes: [
      str('http.method', method),
      str('http.route', route),
      str('http.target', route.replace(/\{\w+\}/, String(id))),
      str('http.scheme', 'http'),
      str('http.flavor', '1.1'),
      int('http.status_code', status),
      str('net.host.name', 'shop.local'),
      int('net.host.port', 8080),
      str('http.user_agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36'),
      int('http.request_content_length', random.int(4096)),
      str('net.peer.ip', `10.0.${random.int(256)}.${random.int(256)}`),
    ],
  };
}

function httpClientShape(random: SeededRandom): SpanShape {
  const method = random.pick(METHODS);
  const service = random.pick(SERVICES);
  const route = random.pick(ROUTES).replace(/\{\w+\}/, String(random.int(10_000)));
  return {
    name: method,
    kind: 'client',
    entersService: false,
    attributes: [
      str('http.method', method),
      str('http.url', `http://${service}.svc.cluster.local:8080${route}`),
      int('http.status_code', random.next() < 0.92 ? 200 : 503),
      str('http.flavor', '1.1'),
      str('net.peer.name', `${service}.svc.cluster.local`),
      int('net.peer.port', 8080),
      int('http.response_content_length', random.int(65_536)),
      str('thread.name', 'main'),
      int('thread.id', 1 + random.int(16)),
      bool('http.resend', random.next() < 0.05),
    ],
  };
}

function databaseShape(random: SeededRandom): SpanShape {
  const system = random.pick(DB_SYSTEMS);
  const table = random.pick(TABLES);
  const operation = random.pick(['SELECT', 'SELECT', 'INSERT', 'UPDATE'] as const);
  const id = random.int(100_000);
  const statement =
    operation === 'SELECT'
      ? `SELECT * FROM ${table} WHERE id = ${id}`
      : operation === 'INSERT'
        ? `INSERT INTO ${table} (id, payload) VALUES (${id}, $1)`
        : `UPDATE ${table} SET updated_at = now() WHERE id = ${id}`;
  return {
    name: `${operation} ${table}`,
    kind: 'client',
    entersService: false,
    attributes: [
      str('db.system', system),
      str('db.name', 'shop'),
      str('db.user', 'app'),
      str('db.statement', statement),
      str('db.operation', operation),
      str('db.sql.table', table),
      str('net.peer.name', `${system}.db.local`),
      int('net.peer.port', system === 'redis' ? 6379 : 5432),
      int('db.rows_affected', random.int(50)),
      str('thread.name', 'pool-1'),
    ],
  };
}

function messagingShape(random: SeededRandom, kind: 'producer' | 'consumer'): SpanShape {
  const topic = random.pick(TOPICS);
  const operation = kind === 'producer' ? 'publish' : 'process';
  return {
    name: `${topic} ${operation}`,
    kind,
    entersService: kind === 'consumer',
    attributes: [
      str('messaging.system', 'kafka'),
      str('messaging.destination', topic),
      str('messaging.destination_kind', 'topic'),
      str('messaging.operation', operation),
      str('messaging.message_id', randomHex(random, 8)),
      int('messaging.kafka.partition', random.int(12)),
      int('messaging.kafka.message_offset', random.int(2_000_000)),
      int('messaging.message_payload_size_bytes', 100 + random.int(4000)),
      str('messaging.kafka.client_id', `${topic}-client`),
      str('net.peer.name', 'kafka.local'),
    ],
  };
}

function internalShape(random: SeededRandom): SpanShape {
  const fn = random.pick(FUNCTIONS);
  return {
    name: fn,
    kind: 'internal',
    entersService: false,
    attributes: [
      str('code.function', fn),
      str('code.namespace', 'app.services'),
      str('code.filepath', `/app/src/services/${fn}.ts`),
      int('code.lineno', 1 + random.int(400)),
      strings('app.items', ['sku-1', `sku-${random.int(100)}`]),
      dbl('app.total', Math.round(random.next() * 100_000) / 100),
      int('app.count', random.int(20)),
      bool('app.cached', random.next() < 0.3),
      str('thread.name', 'main'),
      int('thread.id', 1),
    ],
  };
}

/** Picks the shape of a child of a span of `parentKind`. */
function childShape(random: SeededRandom, parentKind: SpanKind): SpanShape {
  if (parentKind === 'client' && random.next() < 0.7) return httpServerShape(random);
  if (parentKind === 'producer') return messagingShape(random, 'consumer');
  const roll = random.next();
  if (roll < 0.3) return databaseShape(random);
  if (roll < 0.55) return httpClientShape(random);
  if (roll < 0.65) return messagingShape(random, 'producer');
  return internalShape(random);
}

function exceptionEvent(random: SeededRandom, timeUnixNano: Nanos): SpanEventRecord {
  return {
    name: 'exception',
    timeUnixNano,
    attributes: [
      str('exception.type', 'Error'),
      str('exception.message', `upstream failed with ${random.pick([500, 502, 503])}`),
      str('exception.stacktrace', 'Error: upstream failed\n    at handler (/app/src/server.ts:42:11)'),
    ],
    droppedAttributesCount: 0,
  };
}

const UNSET: SpanStatus = { code: 'STATUS_CODE_UNSET', message: '' };

interface TraceOptions {
  readonly traceId: TraceId;
  readonly spanCount: number;
  readonly startUnixNano: Nanos;
  /** Resources by service, switched when a span enters another service. */
  readonly resourceOf: (service: string) => ResourceRecord;
  readonly scope: ScopeRecord | null;
}

/** Generates one trace as a random tree (parents before children), times nested in the parent's. */
function generateTrace(random: SeededRandom, options: TraceOptions): SpanRecord[] {
  const records: SpanRecord[] = [];
  const services: string[] = [];
  for (let i = 0; i < options.spanCount; i++) {
    // Prefer recent spans as parents: traces get both depth and fan-out.
    const parentIndex = i === 0 ? -1 : i - 1 - Math.floor(random.next() ** 3 * i);
    const parent = parentIndex < 0 ? undefined : records[parentIndex]!;
    const shape = parent ? childShape(random, parent.kind) : httpServerShape(random);
    const service = parent && !shape.entersService ? services[parentIndex]! : random.pick(SERVICES);
    services.push(service);
    let start: Nanos;
    let end: Nanos;
    if (parent) {
      const window = parent.endTimeUnixNano - parent.startTimeUnixNano;
      const offset = (window * BigInt(random.int(1000))) / 1000n;
      start = parent.startTimeUnixNano + offset;
      const left = parent.endTimeUnixNano - start;
      end = start + 1n + (left * BigInt(random.int(1000))) / 1000n;
    } else {
      start = options.startUnixNano;
      end = start + BigInt(50_000_000 + random.int(450_000_000));
    }
    const failed = random.next() < 0.08;
    const events: SpanEventRecord[] = [];
    if (failed) events.push(exceptionEvent(random, end - 1n));
    if (random.next() < 0.1) {
      events.push({
        name: 'retry',
        timeUnixNano: start + 1n,
        attributes: [int('retry.attempt', 1 + random.int(3))],
        droppedAttributesCount: 0,
      });
    }
    const links: SpanLinkRecord[] =
      shape.kind === 'consumer' && parent
        ? [
            {
              traceId: options.traceId,
              spanId: parent.spanId,
              traceState: '',
              attributes: [],
              droppedAttributesCount: 0,
              flags: 0x101,
            },
          ]
        : [];
    records.push({
      traceId: options.traceId,
      spanId: randomHex(random, 8) as SpanId,
      parentSpanId: parent ? parent.spanId : null,
      traceState: '',
      flags: 0x101,
      name: shape.name,
      kind: shape.kind,
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes: shape.attributes,
      droppedAttributesCount: 0,
      events,
      droppedEventsCount: 0,
      links,
      droppedLinksCount: 0,
      status: failed ? { code: 'STATUS_CODE_ERROR', message: 'upstream failed' } : UNSET,
      resource: options.resourceOf(service),
      scope: options.scope,
    });
  }
  return records;
}

function sdkResource(service: string, random: SeededRandom): ResourceRecord {
  return {
    attributes: [
      str('service.name', service),
      str('service.version', `1.${random.int(20)}.${random.int(10)}`),
      str('service.instance.id', randomHex(random, 16)),
      str('deployment.environment', 'staging'),
      str('telemetry.sdk.name', 'opentelemetry'),
      str('telemetry.sdk.language', 'nodejs'),
      str('telemetry.sdk.version', '2.9.0'),
      str('host.name', `${service}-${randomHex(random, 4)}`),
      str('host.arch', 'amd64'),
      str('os.type', 'linux'),
      int('process.pid', 1 + random.int(60_000)),
      str('process.runtime.name', 'nodejs'),
      str('process.runtime.version', '20.20.2'),
    ],
    droppedAttributesCount: 0,
    schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
  };
}

/**
 * One trace of `n` spans as a random tree of http, database, messaging and internal spans with typical
 * attributes, flattened for `assembleTrace` (parents listed before children).
 * @example assembleTrace(traceId, randomTreeSpans(10_000, 7))
 */
export function randomTreeSpans(n: number, seed: number): SpanInput[] {
  const random = createSeededRandom(seed);
  const resources = new Map<string, ResourceRecord>();
  const scope: ScopeRecord = {
    name: '@opentelemetry/instrumentation-http',
    version: '0.57.0',
    attributes: [],
    schemaUrl: '',
  };
  const records = generateTrace(random, {
    traceId: randomHex(random, 16) as TraceId,
    spanCount: n,
    startUnixNano: SYNTHETIC_T0_NS,
    resourceOf: (service) => {
      let resource = resources.get(service);
      if (!resource) {
        resource = sdkResource(service, random);
        resources.set(service, resource);
      }
      return resource;
    },
    scope,
  });
  return records.map(toSpanInput);
}

/**
 * A chain of `n` spans, each the only child of the previous one (the deepest possible tree), with
 * ids `1…n` in hex and nested times.
 */
export function deepChainSpans(n: number): SpanInput[] {
  const spans: SpanInput[] = [];
  for (let i = 0; i < n; i++) {
    spans.push({
      id: (i + 1).toString(16).padStart(16, '0') as SpanId,
      parentId: i === 0 ? null : (i.toString(16).padStart(16, '0') as SpanId),
      name: `level ${i}`,
      kind: 'internal',
      startTimeUnixNano: SYNTHETIC_T0_NS + BigInt(i),
      endTimeUnixNano: SYNTHETIC_T0_NS + BigInt(2 * n - i),
      attributes: new Map([
        ['service.name', 'chain'],
        ['depth', String(i)],
      ]),
    });
  }
  return spans;
}

/**
 * `spanCount` span records shaped like one export of an OpenTelemetry SDK: one resource (service.name,
 * sdk and host attributes), one scope, spans of several traces with about ten attributes each, some
 * events, links and error statuses. Every record shares the same resource and scope objects.
 * @example encodeOtlpProtobuf(randomOtlpBatch(512, 1))
 */
export function randomOtlpBatch(spanCount: number, seed: number): SpanRecord[] {
  const random = createSeededRandom(seed);
  const resource = sdkResource(random.pick(SERVICES), random);
  const scope: ScopeRecord = {
    name: '@opentelemetry/instrumentation-http',
    version: '0.57.0',
    attributes: [],
    schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
  };
  const records: SpanRecord[] = [];
  let start = SYNTHETIC_T0_NS + BigInt(seed >>> 0) * 1_000_000_000n;
  while (records.length < spanCount) {
    const size = Math.min(spanCount - records.length, 4 + random.int(37));
    records.push(
      ...generateTrace(random, {
        traceId: randomHex(random, 16) as TraceId,
        spanCount: size,
        startUnixNano: start,
        resourceOf: () => resource,
        scope,
      }),
    );
    start += BigInt(1 + random.int(1_000_000_000));
  }
  return records;
}
