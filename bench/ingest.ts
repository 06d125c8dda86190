/**
 * OTLP ingest throughput: concurrent keep-alive clients post 512-span OTLP protobuf batches to the
 * agent (decode, span cache with its memory cap and eviction, metrics, answer) and, in the same run,
 * to a bare server that only decodes the same bodies with protobufjs (`Type.decode`). Over HTTP and
 * over gRPC. The clients run in a child process, so they do not share the servers' event loop, and
 * each server's CPU time per span is measured beside its throughput: on a busy machine the wall-clock
 * rates swing with what else runs, the CPU cost per span much less.
 *
 * Every request carries distinct trace ids (a counter written into the ids of one prepared body), so
 * the agent stores every span instead of dropping repeats as exporter retries.
 *
 * Run: `node --import tsx bench/ingest.ts`
 */
import { spawn } from 'node:child_process';
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Server as GrpcServer, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { createAgent, OTLP_GRPC_EXPORT_PATH } from '@tracecheck/agent';
import { encodeOtlpProtobuf } from '@tracecheck/core';
import { randomOtlpBatch } from '@tracecheck/core/testing';
import { pino } from 'pino';
import protobuf from 'protobufjs';

/** The OTLP trace request schema (opentelemetry-proto trace, common and resource), for the baseline. */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0; SPAN_KIND_INTERNAL = 1; SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3; SPAN_KIND_PRODUCER = 4; SPAN_KIND_CONSUMER = 5;
  }
  message Event {
    fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
  }
  message Link {
    bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6;
  }
}
message Status { string message = 2; StatusCode code = 3;
  enum StatusCode { STATUS_CODE_UNSET = 0; STATUS_CODE_OK = 1; STATUS_CODE_ERROR = 2; }
}
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
`;

export interface IngestBenchOptions {
  /** Spans per request (default 512). */
  readonly spansPerBatch?: number;
  /** Concurrent keep-alive clients (default 8). */
  readonly clients?: number;
  /** Measured time per run (default 4000 ms), after `warmupMs` (default 2000 ms) of unmeasured load. */
  readonly durationMs?: number;
  readonly warmupMs?: number;
  /** Alternating runs of each server; the best of each is kept (default 2). */
  readonly rounds?: number;
  /**
   * The agent's span cache cap (default 64 MiB). The warm-up fills it, so what is measured is the
   * steady state of a long-running agent: every request stored, the oldest traces evicted.
   */
  readonly cacheMaxBytes?: number;
}

/** Spans per second accepted by each server; ratios above 1 mean the agent is faster. */
/** One server's best figures over the rounds. */
export interface ServerFigures {
  /** Spans accepted per second of wall-clock time. */
  readonly spansPerSec: number;
  /** Spans accepted per second of the server process's CPU time. */
  readonly spansPerCpuSec: number;
}

/** The figures of each server; ratios are agent / baseline, above 1 when the agent is faster. */
export interface IngestBenchResult {
  readonly spansPerBatch: number;
  readonly bodyBytes: number;
  readonly clients: number;
  readonly http: {
    readonly agent: ServerFigures;
    readonly baseline: ServerFigures;
    readonly ratio: number;
    readonly cpuRatio: number;
  };
  readonly grpc: {
    readonly agent: ServerFigures;
    readonly baseline: ServerFigures;
    readonly ratio: number;
    readonly cpuRatio: number;
  };
  /** Requests that did not get 200 / OK during measured time (all runs). */
  readonly failedRequests: number;
  readonly cacheMaxBytes: number;
  /** Bytes the agent's span cache held at the end of its last HTTP run (close to the cap: steady state). */
  readonly agentCacheBytes: number;
}

interface LoadResult {
  readonly spans: number;
  readonly failures: number;
  readonly seconds: number;
  /** CPU time the server process spent during the measured window. */
  readonly serverCpuSeconds: number;
}

interface LoadPlan {
  readonly transport: 'http' | 'grpc';
  /** `http://host:port/v1/traces` or `host:port`. */
  readonly target: string;
  readonly body: Uint8Array;
  /** Offsets of every trace id in `body`; each request writes its counter into bytes 12–15 of each. */
  readonly traceIdOffsets: readonly number[];
  readonly counterStart: number;
  readonly spansPerBatch: number;
  readonly clients: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/**
 * The load generator, run as a plain-JavaScript child process (no TypeScript loader needed there):
 * its CPU time is then not the servers', so each server's CPU time per span can be measured.
 */
const LOAD_GENERATOR = `
const http = require('node:http');
const requireFromCwd = require('node:module').createRequire(process.cwd() + '/');

process.once('message', async (plan) => {
  let counter = plan.counterStart;
  const template = Buffer.from(plan.body);
  const nextBody = () => {
    const body = Buffer.from(template);
    const value = counter++ >>> 0;
    for (const offset of plan.traceIdOffsets) body.writeUInt32BE(value, offset + 12);
    return body;
  };
  const makeSender = () => {
    if (plan.transport === 'http') {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      return (body) => new Promise((resolve) => {
        const req = http.request(plan.target, {
          method: 'POST', agent,
          headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
        }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode === 200)); });
        req.on('error', () => resolve(false));
        req.end(body);
      });
    }
    const grpc = requireFromCwd('@grpc/grpc-js');
    const client = new grpc.Client(plan.target, grpc.credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1, 'grpc.max_send_message_length': -1,
    });
    return (body) => new Promise((resolve) => {
      client.makeUnaryRequest('${OTLP_GRPC_EXPORT_PATH}', (b) => b, (b) => b, body, (error) => resolve(!error));
    });
  };
  const measureFrom = performance.now() + plan.warmupMs;
  const end = measureFrom + plan.durationMs;
  setTimeout(() => process.send({ kind: 'measuring' }), plan.warmupMs);
  let spans = 0;
  let failures = 0;
  await Promise.all(Array.from({ length: plan.clients }, async () => {
    const send = makeSender();
    while (performance.now() < end) {
      const ok = await send(nextBody());
      const now = performance.now();
      if (now >= measureFrom && now < end) {
        if (ok) spans += plan.spansPerBatch;
        else failures++;
      }
    }
  }));
  process.send({ kind: 'done', spans, failures }, () => process.exit(0));
});
`;

/** Runs the load generator; the servers' CPU time is read when its measured window opens and ends. */
function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOAD_GENERATOR], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let cpuAtStart = process.cpuUsage();
    child.on(
      'message',
      (message: { kind: 'measuring' } | { kind: 'done'; spans: number; failures: number }) => {
        if (message.kind === 'measuring') {
          cpuAtStart = process.cpuUsage();
          return;
        }
        const cpu = process.cpuUsage(cpuAtStart);
        resolve({
          spans: message.spans,
          failures: message.failures,
          seconds: plan.durationMs / 1000,
          serverCpuSeconds: (cpu.user + cpu.system) / 1e6,
        });
      },
    );
    child.once('error', reject);
    child.send(plan);
  });
}

/** Offsets of every occurrence of each trace id of `records` in the encoded body. */
function findTraceIdOffsets(body: Uint8Array, traceIds: ReadonlySet<string>): number[] {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const offsets: number[] = [];
  for (const traceId of traceIds) {
    const needle = Buffer.from(traceId, 'hex');
    for (let at = buffer.indexOf(needle); at !== -1; at = buffer.indexOf(needle, at + 1)) offsets.push(at);
  }
  return offsets.sort((a, b) => a - b);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A bare HTTP server that decodes each body with protobufjs and answers an empty 200. */
async function startBaselineHttp(
  requestType: protobuf.Type,
): Promise<{ target: string; close(): Promise<void> }> {
  const server: HttpServer = createServer(async (req, res) => {
    requestType.decode(await readBody(req));
    res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `http://127.0.0.1:${port}/v1/traces`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A bare gRPC server whose request deserializer is protobufjs `decode`; the handler answers empty. */
async function startBaselineGrpc(
  requestType: protobuf.Type,
): Promise<{ target: string; close(): Promise<void> }> {
  const server = new GrpcServer({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  const service: ServiceDefinition = {
    Export: {
      path: OTLP_GRPC_EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (bytes: Buffer) => requestType.decode(bytes),
      responseSerialize: (value: Buffer) => value,
      responseDeserialize: (bytes: Buffer) => bytes,
    },
  };
  server.addService(service, {
    Export: (_call: unknown, callback: (error: null, response: Buffer) => void) =>
      callback(null, Buffer.alloc(0)),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    target: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** Runs the benchmark and returns its figures. */
export async function runIngestBench(options: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const spansPerBatch = options.spansPerBatch ?? 512;
  const clients = options.clients ?? 8;
  const durationMs = options.durationMs ?? 4_000;
  const warmupMs = options.warmupMs ?? 2_000;
  const rounds = options.rounds ?? 2;
  const cacheMaxBytes = options.cacheMaxBytes ?? 64 * 1024 * 1024;

  const records = randomOtlpBatch(spansPerBatch, 1);
  const body = encodeOtlpProtobuf(records);
  const traceIdOffsets = findTraceIdOffsets(body, new Set(records.map((r) => r.traceId)));
  const requestType = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

  let counterStart = 1;
  let failedRequests = 0;
  const load = async (transport: LoadPlan['transport'], target: string): Promise<ServerFigures> => {
    const result = await runLoad({
      transport,
      target,
      body,
      traceIdOffsets,
      counterStart,
      spansPerBatch,
      clients,
      warmupMs,
      durationMs,
    });
    counterStart += 1 << 24;
    failedRequests += result.failures;
    return {
      spansPerSec: result.spans / result.seconds,
      spansPerCpuSec: result.spans / result.serverCpuSeconds,
    };
  };
  const best = (a: ServerFigures | undefined, b: ServerFigures): ServerFigures => ({
    spansPerSec: Math.max(a?.spansPerSec ?? 0, b.spansPerSec),
    spansPerCpuSec: Math.max(a?.spansPerCpuSec ?? 0, b.spansPerCpuSec),
  });

  let agentHttp: ServerFigures | undefined;
  let agentGrpc: ServerFigures | undefined;
  let baselineHttp: ServerFigures | undefined;
  let baselineGrpc: ServerFigures | undefined;
  let agentCacheBytes = 0;
  for (let round = 0; round < rounds; round++) {
    const agent = createAgent(
      {
        otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0, maxConcurrentExports: clients * 2 },
        spanCache: { maxBytes: cacheMaxBytes },
      },
      { logger: pino({ level: 'silent' }) },
    );
    const addresses = await agent.start();
    agentHttp = best(agentHttp, await load('http', `${addresses.otlpHttp!.endpoint}/v1/traces`));
    agentCacheBytes = agent.cache.stats().bytes;
    agentGrpc = best(agentGrpc, await load('grpc', addresses.otlpGrpc!.endpoint));
    await agent.stop();

    const httpServer = await startBaselineHttp(requestType);
    baselineHttp = best(baselineHttp, await load('http', httpServer.target));
    await httpServer.close();
    const grpcServer = await startBaselineGrpc(requestType);
    baselineGrpc = best(baselineGrpc, await load('grpc', grpcServer.target));
    await grpcServer.close();
  }

  const compare = (agent: ServerFigures, baseline: ServerFigures) => ({
    agent,
    baseline,
    ratio: agent.spansPerSec / baseline.spansPerSec,
    cpuRatio: agent.spansPerCpuSec / baseline.spansPerCpuSec,
  });
  return {
    spansPerBatch,
    bodyBytes: body.length,
    clients,
    http: compare(agentHttp!, baselineHttp!),
    grpc: compare(agentGrpc!, baselineGrpc!),
    failedRequests,
    cacheMaxBytes,
    agentCacheBytes,
  };
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US').padStart(9);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runIngestBench();
  console.log(
    `OTLP ingest: ${result.clients} keep-alive clients, ${result.spansPerBatch}-span protobuf batches of ${result.bodyBytes} bytes`,
  );
  console.log('                                              spans/s   spans per CPU-second');
  for (const [name, figures] of [
    ['OTLP/HTTP', result.http],
    ['OTLP/gRPC', result.grpc],
  ] as const) {
    console.log(
      `  ${name}  agent                         ${formatCount(figures.agent.spansPerSec)}   ${formatCount(figures.agent.spansPerCpuSec)}`,
    );
    console.log(
      `  ${name}  bare server, protobufjs decode ${formatCount(figures.baseline.spansPerSec)}   ${formatCount(figures.baseline.spansPerCpuSec)}`,
    );
    console.log(
      `  ${name}  ratio agent / baseline        ${figures.ratio.toFixed(2).padStart(8)}x   ${figures.cpuRatio.toFixed(2).padStart(8)}x`,
    );
  }
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(
    `  agent span cache at the end: ${mib(result.agentCacheBytes)} of ${mib(result.cacheMaxBytes)}`,
  );
  if (result.failedRequests > 0) console.log(`  failed requests: ${result.failedRequests}`);
}
