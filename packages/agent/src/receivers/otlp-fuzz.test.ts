/**
 * A storm of random, truncated, mutated and hostile bodies at both receivers, with good bodies mixed
 * in. Whether a body is good is decided by the decoders themselves (a random mutation can leave a
 * valid message); the receivers must answer 400 / INVALID_ARGUMENT for every bad one, 200 / OK for
 * every good one, and keep serving.
 */
import { gzipSync } from 'node:zlib';
import { Client, credentials, type ServiceError, status } from '@grpc/grpc-js';
import { decodeOtlpJson, decodeOtlpProtobuf, encodeOtlpProtobuf, type SpanRecord } from '@tracecheck/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postJson,
  postProtobuf,
  sendRaw,
  spanRecordOf,
  startTestAgent,
  stringAttribute,
  type TestAgent,
  traceIdOf,
} from '../testing/agent-test-helpers';
import { OTLP_GRPC_EXPORT_PATH } from './otlp-grpc-receiver';

const BODIES_PER_RECEIVER = 400;
const CONCURRENCY = 8;

/** mulberry32: a seeded PRNG, so a failing case can be replayed. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}
type Random = ReturnType<typeof seededRandom>;

function goodRecords(trace: number, spans: number): SpanRecord[] {
  return Array.from({ length: spans }, (_, i) =>
    spanRecordOf(trace, i + 1, {
      name: `GET /orders/${i}`,
      kind: 'server',
      parentSpanId: i === 0 ? null : spanRecordOf(trace, 1).spanId,
      attributes: [stringAttribute('http.route', '/orders/{id}'), stringAttribute('é', 'ünïcödé ✓')],
      events: [
        {
          name: 'retry',
          timeUnixNano: 1_700_000_000_000_000_500n,
          attributes: [],
          droppedAttributesCount: 0,
        },
      ],
    }),
  );
}

function goodJson(trace: number): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: traceIdOf(trace),
                spanId: '00000000000000a1',
                name: 'op',
                kind: 1,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000000000001',
                attributes: [
                  { key: 'n', value: { intValue: 3 } },
                  {
                    key: 'list',
                    value: { arrayValue: { values: [{ boolValue: true }, { doubleValue: 1.5 }] } },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

/** Hand-written hostile protobuf: a length prefix far past the end, and AnyValues nested 10 000 deep. */
function hostileProtobufBodies(): Uint8Array[] {
  const hugeLength = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]);
  // AnyValue { array_value (5): ArrayValue { values (1): AnyValue { ... } } }: the headers of each
  // level are computed inside out, then written outside in, in one pass.
  const headers: number[][] = [];
  let size = 0;
  for (let i = 0; i < 10_000; i++) {
    const arrayValue = [0x0a, ...varint(size)];
    const anyValue = [0x2a, ...varint(size + arrayValue.length)];
    size += arrayValue.length + anyValue.length;
    headers.push(arrayValue, anyValue);
  }
  const nested = Uint8Array.from(headers.reverse().flat());
  const keyValue = Uint8Array.from([0x0a, 0x01, 0x6b, 0x12, ...varint(nested.length), ...nested]);
  const span = Uint8Array.from([
    0x0a,
    0x10,
    ...new Uint8Array(16).fill(1),
    0x12,
    0x08,
    ...new Uint8Array(8).fill(2),
    0x4a,
    ...varint(keyValue.length),
    ...keyValue,
  ]);
  const scopeSpans = Uint8Array.from([0x12, ...varint(span.length), ...span]);
  const resourceSpans = Uint8Array.from([0x12, ...varint(scopeSpans.length), ...scopeSpans]);
  const deep = Uint8Array.from([0x0a, ...varint(resourceSpans.length), ...resourceSpans]);
  return [
    hugeLength,
    deep,
    Uint8Array.from([0x0a]),
    Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
  ];
}

function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return out;
}

function mutateBytes(random: Random, valid: Uint8Array): Uint8Array {
  switch (random.int(4)) {
    case 0:
      return Uint8Array.from({ length: 1 + random.int(512) }, () => random.int(256));
    case 1:
      return valid.slice(0, random.int(valid.length));
    case 2: {
      const copy = valid.slice();
      for (let i = 0, n = 1 + random.int(4); i < n; i++) copy[random.int(copy.length)] = random.int(256);
      return copy;
    }
    default: {
      const at = random.int(valid.length);
      const junk = Uint8Array.from({ length: 1 + random.int(16) }, () => random.int(256));
      return Uint8Array.from([...valid.subarray(0, at), ...junk, ...valid.subarray(at)]);
    }
  }
}

function mutateJson(random: Random, valid: string): string {
  switch (random.int(5)) {
    case 0:
      return valid.slice(0, random.int(valid.length));
    case 1: {
      const chars = [...valid];
      for (let i = 0, n = 1 + random.int(4); i < n; i++)
        chars[random.int(chars.length)] = '{}[]":,0a\\'[random.int(10)]!;
      return chars.join('');
    }
    case 2:
      return JSON.stringify(JSON.parse(valid), (key, value) =>
        key === ['traceId', 'spanId', 'kind', 'startTimeUnixNano', 'attributes', 'value'][random.int(6)]
          ? [null, 42, 'zz', [], { x: 1 }, -1][random.int(6)]
          : value,
      );
    case 3:
      return `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    default:
      return [`null`, `1e999`, `"resourceSpans"`, `{"resourceSpans":[{"scopeSpans":[{"spans":[{}]}]}]}`][
        random.int(4)
      ]!;
  }
}

function isDecodable(decode: () => unknown): boolean {
  try {
    decode();
    return true;
  } catch {
    return false;
  }
}

async function inParallel<T>(items: readonly T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await worker(items[next++]!);
    }),
  );
}

type Case = {
  readonly body: Uint8Array | string;
  readonly good: boolean;
  readonly gzip?: boolean;
  readonly trace?: number;
};

function protobufCases(seed: number, withGzip: boolean): Case[] {
  const random = seededRandom(seed);
  const cases: Case[] = hostileProtobufBodies().map((body) => ({
    body,
    good: isDecodable(() => decodeOtlpProtobuf(body)),
  }));
  const valid = encodeOtlpProtobuf(goodRecords(999, 5));
  for (let i = 0; i < BODIES_PER_RECEIVER; i++) {
    if (i % 10 === 0) {
      const trace = seed * 10_000 + i + 1;
      cases.push({ body: encodeOtlpProtobuf(goodRecords(trace, 3)), good: true, trace });
    } else if (withGzip && i % 10 === 5) {
      const zipped = gzipSync(valid);
      cases.push({ body: zipped.subarray(0, random.int(zipped.length)), good: false, gzip: true });
    } else {
      const body = mutateBytes(random, valid);
      cases.push({ body, good: isDecodable(() => decodeOtlpProtobuf(body)) });
    }
  }
  return cases;
}

function jsonCases(seed: number): Case[] {
  const random = seededRandom(seed);
  const cases: Case[] = [];
  for (let i = 0; i < BODIES_PER_RECEIVER; i++) {
    if (i % 10 === 0) {
      const trace = seed * 10_000 + i + 1;
      cases.push({ body: goodJson(trace), good: true, trace });
    } else {
      const body = mutateJson(random, goodJson(999));
      cases.push({ body, good: isDecodable(() => decodeOtlpJson(body)) });
    }
  }
  return cases;
}

describe('a storm of bad bodies', () => {
  let testAgent: TestAgent;
  beforeAll(async () => {
    testAgent = await startTestAgent();
  });
  afterAll(async () => {
    await testAgent.agent.stop();
  });

  it('OTLP/HTTP protobuf: every bad body gets 400, every good one 200', async () => {
    const cases = protobufCases(1, true);
    expect(cases.filter((c) => !c.good).length).toBeGreaterThan(BODIES_PER_RECEIVER / 2);
    const failures: string[] = [];
    await inParallel(cases, async (c) => {
      const response = await postProtobuf(
        testAgent.tracesUrl,
        c.body as Uint8Array,
        c.gzip ? { 'Content-Encoding': 'gzip' } : {},
      );
      const expected = c.good ? 200 : 400;
      if (response.status !== expected) {
        failures.push(
          `${expected} expected, got ${response.status} for ${Buffer.from(c.body).toString('hex')}`,
        );
      }
      if (c.trace !== undefined && testAgent.agent.cache.getTrace(traceIdOf(c.trace))?.length !== 3) {
        failures.push(`good batch of trace ${c.trace} not stored`);
      }
    });
    expect(failures).toEqual([]);
  });

  it('OTLP/HTTP JSON: every bad body gets 400, every good one 200', async () => {
    const cases = jsonCases(2);
    expect(cases.filter((c) => !c.good).length).toBeGreaterThan(BODIES_PER_RECEIVER / 2);
    const failures: string[] = [];
    await inParallel(cases, async (c) => {
      const response = await postJson(testAgent.tracesUrl, c.body);
      const expected = c.good ? 200 : 400;
      if (response.status !== expected) {
        failures.push(`${expected} expected, got ${response.status} for ${String(c.body).slice(0, 200)}`);
      }
      if (c.trace !== undefined && testAgent.agent.cache.getTrace(traceIdOf(c.trace))?.length !== 1) {
        failures.push(`good batch of trace ${c.trace} not stored`);
      }
    });
    expect(failures).toEqual([]);
  });

  it('OTLP/gRPC: every bad body gets INVALID_ARGUMENT, every good one OK', async () => {
    const cases = protobufCases(3, false);
    const client = new Client(testAgent.grpcEndpoint, credentials.createInsecure());
    const failures: string[] = [];
    await inParallel(cases, async (c) => {
      const error = await new Promise<ServiceError | null>((resolve) =>
        client.makeUnaryRequest(
          OTLP_GRPC_EXPORT_PATH,
          (value: Uint8Array) => Buffer.from(value),
          (bytes: Buffer) => bytes,
          c.body as Uint8Array,
          (e) => resolve(e),
        ),
      );
      const code = error?.code ?? status.OK;
      const expected = c.good ? status.OK : status.INVALID_ARGUMENT;
      if (code !== expected) {
        failures.push(`${expected} expected, got ${code} for ${Buffer.from(c.body).toString('hex')}`);
      }
      if (c.trace !== undefined && testAgent.agent.cache.getTrace(traceIdOf(c.trace))?.length !== 3) {
        failures.push(`good batch of trace ${c.trace} not stored`);
      }
    });
    client.close();
    expect(failures).toEqual([]);
  });

  it('is still healthy afterwards', async () => {
    const health = await sendRaw(`${testAgent.addresses.otlpHttp!.endpoint}/healthz`, { method: 'GET' });
    expect(health.status).toBe(200);
    const response = await postProtobuf(testAgent.tracesUrl, encodeOtlpProtobuf(goodRecords(424242, 2)));
    expect(response.status).toBe(200);
  });
});
