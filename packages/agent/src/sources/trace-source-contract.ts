/**
 * The contract every TraceSource passes (test support: this file imports Vitest). Each backend's test
 * starts a local server speaking the backend's documented wire format and calls `describeTraceSource`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  type AnyValue,
  isTracecheckError,
  type KeyValue,
  type SpanRecord,
  type TraceId,
} from '@tracecheck/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceSource } from './trace-source';

/** Sources and servers for one run of the contract. */
export interface TraceSourceUnderTest {
  /** A source whose server stores `storedTraceId`. */
  readonly healthy: TraceSource;
  readonly storedTraceId: TraceId;
  /** The spans `healthy` must return for `storedTraceId` (any order; attributes in any order). */
  readonly expectedSpans: readonly SpanRecord[];
  /** Sources of a backend reached over the network; absent for in-process sources. */
  readonly remote?: RemoteSourcesUnderTest;
  /** Stops the servers. */
  close(): Promise<void>;
}

export interface RemoteSourcesUnderTest {
  /** A source whose address has no server listening. */
  readonly down: TraceSource;
  /** Text the error of `down` must contain: its URL or address. */
  readonly downAddress: string;
  /** A source whose server accepts connections and never answers. */
  readonly hanging: TraceSource;
  /** A source whose server refuses the credentials it sends. */
  readonly badCredentials: TraceSource;
}

/** A TCP address nothing listens on: a port that was bound and released. */
export async function reserveClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never writes a byte. */
export async function startHangingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Another trace id than the stored one. */
const UNKNOWN_TRACE_ID = 'f0e1d2c3b4a5968778695a4b3c2d1e0f' as TraceId;

function sortAttributes(attributes: readonly KeyValue[]): KeyValue[] {
  return [...attributes]
    .map((kv) => ({ key: kv.key, value: sortValue(kv.value) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function sortValue(value: AnyValue): AnyValue {
  if (value.type === 'kvlist') return { type: 'kvlist', value: sortAttributes(value.value) };
  if (value.type === 'array') return { type: 'array', value: value.value.map(sortValue) };
  if (value.type === 'bytes') return { type: 'bytes', value: new Uint8Array(value.value) };
  return value;
}

/** Spans sorted by id with attributes sorted by key, so that a backend's ordering does not matter. */
export function normalizeSpans(spans: readonly SpanRecord[]): SpanRecord[] {
  return [...spans]
    .map((span) => ({
      ...span,
      attributes: sortAttributes(span.attributes),
      events: span.events.map((event) => ({ ...event, attributes: sortAttributes(event.attributes) })),
      links: span.links.map((link) => ({ ...link, attributes: sortAttributes(link.attributes) })),
      resource: { ...span.resource, attributes: sortAttributes(span.resource.attributes) },
      scope: span.scope ? { ...span.scope, attributes: sortAttributes(span.scope.attributes) } : null,
    }))
    .sort((a, b) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
}

async function expectDataStoreError(promise: Promise<unknown>, mustContain: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTracecheckError(error), `expected a TracecheckError, got ${String(error)}`).toBe(true);
  if (!isTracecheckError(error)) return;
  expect(error.code).toBe('DATASTORE_UNREACHABLE');
  expect(error.message).toContain(mustContain);
}

/**
 * The TraceSource contract: a stored trace comes back exactly, an unknown id is "not found", an
 * unreachable or credential-refusing backend fails with `DATASTORE_UNREACHABLE` and the matching
 * connection-test step, and an abort signal stops a fetch.
 * @example describeTraceSource('jaeger (HTTP)', async () => ({ healthy, storedTraceId, expectedSpans, remote, close }))
 */
export function describeTraceSource(
  name: string,
  setup: () => Promise<TraceSourceUnderTest>,
  /** `network: false` for an in-process source: the network-failure part of the contract is not declared. */
  options: { readonly network?: boolean } = {},
): void {
  describe(`TraceSource contract: ${name}`, () => {
    let subject: TraceSourceUnderTest;
    const remote = (): RemoteSourcesUnderTest => {
      if (subject.remote === undefined) {
        throw new Error(`${name}: a network source must give \`remote\` (down, hanging, badCredentials)`);
      }
      return subject.remote;
    };

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject?.close();
    });

    it('returns exactly the stored spans of a trace', async () => {
      const result = await subject.healthy.fetchTrace(subject.storedTraceId);
      expect(result.found).toBe(true);
      if (!result.found) return;
      expect(normalizeSpans(result.spans)).toEqual(normalizeSpans(subject.expectedSpans));
    });

    it('answers found:false for an unknown trace id', async () => {
      await expect(subject.healthy.fetchTrace(UNKNOWN_TRACE_ID)).resolves.toEqual({ found: false });
    });

    it('rejects with the signal reason when aborted before the fetch', async () => {
      const controller = new AbortController();
      const reason = new Error('polling stopped');
      controller.abort(reason);
      await expect(
        subject.healthy.fetchTrace(subject.storedTraceId, { signal: controller.signal }),
      ).rejects.toBe(reason);
    });

    it('passes the connection test against a healthy backend', async () => {
      const result = await subject.healthy.testConnection();
      expect(result.passed).toBe(true);
      expect(result.steps.every((step) => step.passed)).toBe(true);
      expect(result.steps.map((step) => step.step)).toEqual(
        subject.remote ? ['port', 'connectivity', 'authentication', 'fetch'] : ['fetch'],
      );
      for (const step of result.steps) expect(step.message).toMatch(/\.$/);
    });

    if (options.network === false) return;

    it('rejects with DATASTORE_UNREACHABLE naming the address when the backend is down', async () => {
      const { down, downAddress } = remote();
      await expectDataStoreError(down.fetchTrace(subject.storedTraceId), downAddress);
    });

    it('fails the port step of the connection test when the backend is down', async () => {
      const { down, downAddress } = remote();
      const result = await down.testConnection();
      expect(result.passed).toBe(false);
      expect(result.steps.map((step) => [step.step, step.passed])).toEqual([['port', false]]);
      const hostPort = downAddress.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? downAddress;
      expect(result.steps[0]?.message).toContain(hostPort);
    });

    it('stops a fetch to a silent backend when the signal aborts', async () => {
      const { hanging } = remote();
      const controller = new AbortController();
      const reason = new Error('polling stopped');
      const fetching = hanging.fetchTrace(subject.storedTraceId, { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 50);
      await expect(fetching).rejects.toBe(reason);
    });

    it('rejects with DATASTORE_UNREACHABLE when the credentials are refused', async () => {
      const { badCredentials } = remote();
      const error = await badCredentials.fetchTrace(subject.storedTraceId).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTracecheckError(error) && error.code).toBe('DATASTORE_UNREACHABLE');
      expect(String((error as Error).message)).toMatch(/credentials/);
    });

    it('fails the authentication step of the connection test when the credentials are refused', async () => {
      const { badCredentials } = remote();
      const result = await badCredentials.testConnection();
      expect(result.passed).toBe(false);
      expect(result.steps.map((step) => [step.step, step.passed])).toEqual([
        ['port', true],
        ['connectivity', true],
        ['authentication', false],
      ]);
      expect(result.steps[2]?.error).toBeTruthy();
    });
  });
}
