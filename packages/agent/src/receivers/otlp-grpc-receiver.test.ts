import { Client, type ClientOptions, credentials, type ServiceError, status } from '@grpc/grpc-js';
import { encodeOtlpProtobuf } from '@tracecheck/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentOptions } from '../config/agent-config';
import {
  bytesToStore,
  decodeExportResponse,
  decodeRpcStatus,
  spanRecordOf,
  startTestAgent,
  stringAttribute,
  type TestAgent,
  traceIdOf,
} from '../testing/agent-test-helpers';
import { OTLP_GRPC_EXPORT_PATH } from './otlp-grpc-receiver';

let running: TestAgent[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.agent.stop()));
  running = [];
});

async function agentWith(options: AgentOptions = {}): Promise<TestAgent> {
  const started = await startTestAgent(options);
  running.push(started);
  return started;
}

const GZIP = 2; // grpc-js CompressionAlgorithms.gzip

/** Calls TraceService/Export with raw request bytes on a fresh channel. */
function callExport(
  endpoint: string,
  body: Uint8Array,
  options: ClientOptions = {},
): Promise<{ error: ServiceError | null; response: Buffer | undefined }> {
  const client = new Client(endpoint, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    ...options,
  });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      OTLP_GRPC_EXPORT_PATH,
      (value: Uint8Array) => Buffer.from(value),
      (bytes: Buffer) => bytes,
      body,
      (error, response) => {
        client.close();
        resolve({ error, response });
      },
    );
  });
}

describe('OTLP/gRPC receiver', () => {
  it.each([
    ['uncompressed', {}],
    ['gzip', { 'grpc.default_compression_algorithm': GZIP }],
  ])('stores the spans of an %s Export call and answers an empty response', async (_name, options) => {
    const { agent, grpcEndpoint } = await agentWith();
    const records = [spanRecordOf(1, 1), spanRecordOf(1, 2)];
    const { error, response } = await callExport(grpcEndpoint, encodeOtlpProtobuf(records), options);
    expect(error).toBeNull();
    expect(response?.length).toBe(0);
    expect(agent.cache.getTrace(traceIdOf(1))).toEqual(records);
  });

  it('accepts an 8 MiB message (above the 4 MiB gRPC default)', async () => {
    const { agent, grpcEndpoint } = await agentWith();
    const big = spanRecordOf(2, 1, { attributes: [stringAttribute('payload', 'y'.repeat(8 * 1024 * 1024))] });
    const { error } = await callExport(grpcEndpoint, encodeOtlpProtobuf([big]));
    expect(error).toBeNull();
    expect(agent.cache.getTrace(traceIdOf(2))).toHaveLength(1);
  });

  it('answers INVALID_ARGUMENT with a message for a malformed body', async () => {
    const { agent, grpcEndpoint } = await agentWith();
    const { error } = await callExport(grpcEndpoint, Uint8Array.from([0x0a, 0x05, 0x01]));
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).not.toBe('');
    expect(agent.metrics.render()).toContain(
      'tracecheck_agent_export_requests_total{transport="grpc",outcome="invalid"} 1',
    );
  });

  it.each([
    ['uncompressed', {}],
    ['gzip (the limit applies to the inflated message)', { 'grpc.default_compression_algorithm': GZIP }],
  ])('answers RESOURCE_EXHAUSTED for a message over the limit, %s', async (_name, options) => {
    const { grpcEndpoint } = await agentWith({ otlpServer: { maxMessageBytes: 1024 * 1024 } });
    const big = spanRecordOf(2, 1, { attributes: [stringAttribute('payload', 'z'.repeat(2 * 1024 * 1024))] });
    const { error } = await callExport(grpcEndpoint, encodeOtlpProtobuf([big]), options);
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  const watchedBatch = [1, 2, 3].map((i) => spanRecordOf(1, i));

  it('answers UNAVAILABLE with a RetryInfo when the span cache is full of watched traces', async () => {
    const body = encodeOtlpProtobuf(watchedBatch);
    const { agent, grpcEndpoint } = await agentWith({
      spanCache: { maxBytes: bytesToStore(watchedBatch, body) },
      otlpServer: { retryAfterSeconds: 3 },
    });
    agent.cache.watch(traceIdOf(1), () => {});
    expect((await callExport(grpcEndpoint, body)).error).toBeNull();
    const { error } = await callExport(grpcEndpoint, encodeOtlpProtobuf([spanRecordOf(2, 9)]));
    expect(error?.code).toBe(status.UNAVAILABLE);
    const details = error?.metadata.get('grpc-status-details-bin')[0];
    expect(details).toBeInstanceOf(Buffer);
    expect(decodeRpcStatus(details as Buffer)).toMatchObject({ code: 14, retryDelaySeconds: 3 });
  });

  it('answers a partial success when only the spans of watched traces fit', async () => {
    const { agent, grpcEndpoint } = await agentWith({ spanCache: { maxBytes: bytesToStore(watchedBatch) } });
    agent.cache.watch(traceIdOf(1), () => {});
    const { error, response } = await callExport(
      grpcEndpoint,
      encodeOtlpProtobuf([...watchedBatch, spanRecordOf(2, 4)]),
    );
    expect(error).toBeNull();
    expect(decodeExportResponse(response!).partialSuccess).toMatchObject({ rejectedSpans: 1 });
    expect(agent.metrics.render()).toContain(
      'tracecheck_agent_export_requests_total{transport="grpc",outcome="partial"} 1',
    );
  });

  it('answers UNIMPLEMENTED for other methods', async () => {
    const { grpcEndpoint } = await agentWith();
    const client = new Client(grpcEndpoint, credentials.createInsecure());
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
        (value: Uint8Array) => Buffer.from(value),
        (bytes: Buffer) => bytes,
        new Uint8Array(0),
        (e) => resolve(e),
      ),
    );
    client.close();
    expect(error?.code).toBe(status.UNIMPLEMENTED);
  });
});
