import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fireTrigger } from './fire-trigger';
import { responseAttributes } from './response-attributes';
import { createTestContext, findClosedPort } from './testing/local-server';
import { createSelfSignedCertificate } from './testing/self-signed-certificate';
import type { GrpcRequest, GrpcResponse, TriggerContext, TriggerResult } from './trigger';

const COMMON_PROTO = `syntax = "proto3";
package shop.common;

message Money {
  string currency = 1;
  int64 amount_micros = 2;
}

enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_CREATED = 1;
}
`;

const ORDERS_PROTO = `syntax = "proto3";
package shop;

import "shop/common.proto";
import "google/protobuf/timestamp.proto";

service Orders {
  rpc Create (CreateOrderRequest) returns (Order);
  rpc Get (GetOrderRequest) returns (Order);
  rpc Hang (GetOrderRequest) returns (Order);
}

message CreateOrderRequest {
  string sku = 1;
  int32 qty = 2;
  shop.common.Money unit_price = 3;
  repeated string tags = 4;
}

message GetOrderRequest {
  string order_id = 1;
}

message Order {
  string order_id = 1;
  int64 total_cents = 2;
  shop.common.Status status = 3;
  shop.common.Money unit_price = 4;
  google.protobuf.Timestamp created_at = 5;
  map<string, string> labels = 6;
  repeated string tags = 7;
  bool gift = 8;
  float ratio = 9;
}
`;

interface CreateOrderRequest {
  sku: string;
  qty: number;
  unit_price: { currency: string; amount_micros: string } | null;
  tags: string[];
}

/** Every request metadata entry the server received, first value of each key. */
function receivedLabels(metadata: Metadata): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, values] of Object.entries(metadata.getMap())) labels[key] = String(values);
  return labels;
}

/** The orders service, loaded from the same proto files by @grpc/proto-loader (an independent codec). */
function ordersService(): UntypedServiceImplementation {
  return {
    Create: (call: ServerUnaryCall<CreateOrderRequest, unknown>, callback: sendUnaryData<unknown>) => {
      const { sku, qty, unit_price: unitPrice, tags } = call.request;
      const served = new Metadata();
      served.set('x-served-by', 'orders-test');
      call.sendMetadata(served);
      callback(null, {
        order_id: `o-${sku}`,
        total_cents: String(BigInt(qty) * BigInt(unitPrice?.amount_micros ?? 0)),
        status: 'STATUS_CREATED',
        unit_price: unitPrice,
        created_at: { seconds: 1_706_702_400, nanos: 500_000_000 },
        labels: receivedLabels(call.metadata),
        tags,
        ratio: 0.1,
      });
    },
    Get: (call: ServerUnaryCall<{ order_id: string }, unknown>, callback: sendUnaryData<unknown>) => {
      callback({ code: status.NOT_FOUND, details: `order "${call.request.order_id}" not found` });
    },
    // Never answers: the call ends when the client's deadline passes.
    Hang: () => undefined,
  };
}

async function startOrdersServer(credentials: ServerCredentials): Promise<{ port: number; server: Server }> {
  const directory = mkdtempSync(join(tmpdir(), 'orders-server-'));
  try {
    mkdirSync(join(directory, 'shop'));
    writeFileSync(join(directory, 'shop', 'common.proto'), COMMON_PROTO);
    writeFileSync(join(directory, 'orders.proto'), ORDERS_PROTO);
    const definition = loadSync(join(directory, 'orders.proto'), {
      includeDirs: [directory],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
    });
    const server = new Server();
    server.addService(definition['shop.Orders'] as never, ordersService());
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('localhost:0', credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return { port, server };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function responseOf(result: TriggerResult): GrpcResponse {
  if (result.error) throw new Error(`expected a response, got the error: ${result.error.message}`);
  if (result.type !== 'grpc') throw new Error(`expected a grpc result, got ${result.type}`);
  return result.grpc;
}

function errorOf(result: TriggerResult) {
  if (!result.error) throw new Error(`expected an error, got a ${result.type} response`);
  return result.error;
}

const IMPORT_FILES = [{ path: 'shop/common.proto', content: COMMON_PROTO }];

describe('grpc trigger against a grpc-js server built from a proto file with an import', () => {
  let port: number;
  let server: Server;
  const fire = (request: Partial<GrpcRequest>, context: TriggerContext = createTestContext()) =>
    fireTrigger(
      {
        type: 'grpc',
        grpc: {
          protobufFile: ORDERS_PROTO,
          importFiles: IMPORT_FILES,
          address: `localhost:${port}`,
          method: 'shop.Orders.Create',
          ...request,
        },
      },
      context,
    );
  beforeAll(async () => {
    ({ port, server } = await startOrdersServer(ServerCredentials.createInsecure()));
  });
  afterAll(() => server.forceShutdown());

  test('an OK call: JSON request in, protobuf JSON out, metadata both ways', async () => {
    const result = await fire({
      request:
        '{"sku": "abc", "qty": 2, "unitPrice": {"currency": "EUR", "amount_micros": "1500000"}, "extra": 1}',
      metadata: [
        { key: 'x-tenant', value: 'acme' },
        { key: '', value: 'ignored' },
        { key: 'x-dup', value: 'first' },
        { key: 'x-dup', value: 'second' },
      ],
      auth: { type: 'bearer', bearer: { token: 'Bearer t0k' } },
    });
    const response = responseOf(result);
    expect(response).toMatchObject({ statusCode: 0, status: 'OK' });
    expect(response.metadata).toContainEqual({ key: 'x-served-by', value: 'orders-test' });
    expect(response.body.startsWith('{\n  "orderId": "o-abc",\n  "totalCents": "3000000",\n')).toBe(true);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body).toEqual({
      orderId: 'o-abc',
      totalCents: '3000000',
      status: 'STATUS_CREATED',
      unitPrice: { currency: 'EUR', amountMicros: '1500000' },
      createdAt: '2024-01-31T12:00:00.500Z',
      labels: expect.any(Object),
      tags: [],
      gift: false,
      ratio: 0.1,
    });
    expect(body.labels).toMatchObject({
      'x-tenant': 'acme',
      'x-dup': 'second',
      authorization: 'Bearer t0k',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'tracetest=true',
      b3: '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
      'uber-trace-id': '4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1',
      'ot-tracer-traceid': 'a3ce929d0e0e4736',
      'x-amzn-trace-id': 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1',
    });
    expect(Object.keys(body.labels as object)).not.toContain('');
    const attributes = responseAttributes(result);
    expect(attributes['tracetest.response.status']).toBe('0');
    expect(attributes['tracetest.response.body']).toBe(response.body);
    expect(attributes['tracetest.response.headers']).toContain('{"key":"x-served-by","value":"orders-test"}');
  });

  test.each([
    {
      name: 'basic',
      auth: { type: 'basic' as const, basic: { username: 'u', password: 'p' } },
      key: 'authorization',
      value: 'Basic dTpw',
    },
    {
      name: 'apiKey',
      auth: { type: 'apiKey' as const, apiKey: { key: 'x-api-key', value: 'k1', in: 'header' } },
      key: 'x-api-key',
      value: 'k1',
    },
  ])('$name auth is sent as metadata', async ({ auth, key, value }) => {
    const body = JSON.parse(responseOf(await fire({ request: '{}', auth })).body) as {
      labels: Record<string, string>;
    };
    expect(body.labels[key]).toBe(value);
  });

  test('an empty request is the default message', async () => {
    const body = JSON.parse(responseOf(await fire({ request: '' })).body) as Record<string, unknown>;
    expect(body).toMatchObject({ orderId: 'o-', totalCents: '0', unitPrice: null, tags: [] });
  });

  test('a non-OK status is a response, not a failure (method written with a slash)', async () => {
    const result = await fire({ method: 'shop.Orders/Get', request: '{"order_id": "missing"}' });
    expect(responseOf(result)).toEqual({
      statusCode: 5,
      status: 'NotFound',
      metadata: expect.any(Array),
      body: '',
    });
    expect(responseAttributes(result)['tracetest.response.status']).toBe('5');
  });

  test('a server that does not answer within the timeout is a connection error', async () => {
    const error = errorOf(await fire({ method: 'shop.Orders.Hang' }, createTestContext({ timeoutMs: 500 })));
    expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true });
    expect(error.message).toContain('failed: no complete response within 500 ms');
  });

  test.each([
    {
      name: 'a method the proto file does not declare',
      request: { method: 'shop.Orders.Delete' },
      message:
        'method "shop.Orders.Delete" is not in the proto file: expected package.Service.Method, one of shop.Orders.Create, shop.Orders.Get',
    },
    {
      name: 'an import that was not given',
      request: { importFiles: [] },
      message: 'the proto file imports "shop/common.proto", which was not given',
    },
    {
      name: 'a proto file that does not parse',
      request: { protobufFile: 'syntax = "proto3";\nmessage {' },
      message: "the proto file could not be loaded: illegal type name '{' (protobufFile, line 2)",
    },
    {
      name: 'an import path outside the import root',
      request: { importFiles: [{ path: '../evil.proto', content: '' }] },
      message: 'import file path "../evil.proto" is not usable',
    },
    { name: 'a request that is not JSON', request: { request: '{sku: abc}' }, message: 'is not valid JSON' },
    {
      name: 'a request field of the wrong type',
      request: { request: '{"unitPrice": {"amount_micros": "1.5"}}' },
      message: 'request field "unitPrice.amount_micros": expected an integer, got "1.5"',
    },
    {
      name: 'an address with a scheme',
      request: { address: 'http://localhost:1' },
      message: 'invalid gRPC address "http://localhost:1": expected host:port',
    },
  ])('$name fails the trigger with a clear message', async ({ request, message }) => {
    const error = errorOf(await fire(request));
    expect(error.connectionError).toBe(false);
    expect(error.message).toContain(message);
    expect(error.hint).toBeTruthy();
  });

  test('the temporary proto directories are removed, also after a failure', async () => {
    // os.tmpdir() follows TMPDIR, and each test file runs in its own process: a private directory
    // shows exactly what the trigger leaves behind.
    const privateTmp = mkdtempSync(join(tmpdir(), 'grpc-trigger-test-'));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      responseOf(await fire({ request: '{}' }));
      errorOf(await fire({ importFiles: [] }));
      expect(readdirSync(privateTmp)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });
});

describe('grpc trigger: connection failures and TLS', () => {
  test('a closed port is a connection error with the localhost hint', async () => {
    const port = await findClosedPort();
    const error = errorOf(
      await fireTrigger(
        {
          type: 'grpc',
          grpc: {
            protobufFile: ORDERS_PROTO,
            importFiles: IMPORT_FILES,
            address: `localhost:${port}`,
            method: 'shop.Orders.Create',
          },
        },
        createTestContext(),
      ),
    );
    expect(error).toMatchObject({ connectionError: true, targetsLocalhost: true });
    expect(error.message).toContain(
      `gRPC call /shop.Orders/Create to localhost:${port} failed: connection refused (connect ECONNREFUSED`,
    );
    expect(error.hint).toContain('host.docker.internal');
  });

  describe('a TLS server with a self-signed certificate', () => {
    let port: number;
    let server: Server;
    beforeAll(async () => {
      const { key, cert } = createSelfSignedCertificate();
      const credentials = ServerCredentials.createSsl(null, [
        { private_key: Buffer.from(key), cert_chain: Buffer.from(cert) },
      ]);
      ({ port, server } = await startOrdersServer(credentials));
    });
    afterAll(() => server.forceShutdown());
    const fire = (tls: GrpcRequest['tls']) =>
      fireTrigger(
        {
          type: 'grpc',
          grpc: {
            protobufFile: ORDERS_PROTO,
            importFiles: IMPORT_FILES,
            address: `localhost:${port}`,
            method: 'shop.Orders.Create',
            request: '{"sku": "tls"}',
            ...(tls && { tls }),
          },
        },
        createTestContext(),
      );

    test('verification on (the default with tls) rejects the certificate with a clear error', async () => {
      const error = errorOf(await fire({}));
      expect(error.connectionError).toBe(false);
      expect(error.message).toContain(
        `gRPC call /shop.Orders/Create to localhost:${port} failed: TLS certificate verification failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)`,
      );
      expect(error.hint).toContain('tls: {sslVerification: false}');
    });

    test('verification off works', async () => {
      expect(JSON.parse(responseOf(await fire({ sslVerification: false })).body)).toMatchObject({
        orderId: 'o-tls',
      });
    });
  });
});
