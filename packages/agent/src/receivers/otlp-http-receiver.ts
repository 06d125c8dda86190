import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import type { Logger } from '../logging/create-logger';
import type { OtlpEncoding } from '../metrics/agent-metrics';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/metrics-registry';
import { describeListeningAddress, type ListeningAddress } from './listening-address';
import type { OtlpIngest } from './otlp-ingest';
import {
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  encodeRpcStatusJson,
  encodeRpcStatusProtobuf,
  GRPC_STATUS,
  type PartialSuccess,
  type RpcStatus,
} from './otlp-responses';

export interface OtlpHttpReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  readonly requestTimeoutMs: number;
  readonly corsAllowedOrigins: readonly string[];
  readonly ingest: OtlpIngest;
  /** The body of `GET /metrics`. */
  readonly renderMetrics: () => string;
  readonly logger: Logger;
}

/** The OTLP/HTTP receiver: `POST /v1/traces`, plus `GET /metrics` and `GET /healthz`. */
export interface OtlpHttpReceiver {
  listen(): Promise<ListeningAddress>;
  /**
   * Stops accepting connections and requests (new ones get 503), lets requests in flight finish for
   * up to `timeoutMs`, then closes every connection.
   */
  close(timeoutMs: number): Promise<void>;
}

export const OTLP_TRACES_PATH = '/v1/traces';

const CONTENT_TYPES: Readonly<Record<string, OtlpEncoding>> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};
const RESPONSE_CONTENT_TYPE: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

type BodyRead =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' };

type Inflated =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'invalid'; readonly message: string };

/**
 * Creates the OTLP/HTTP receiver on `node:http`. Bodies are streamed under a size cap, gunzipped
 * under the same cap on the inflated size, and answered in the encoding they came in, as the OTLP
 * specification asks (`ExportTraceServiceResponse`, or a `google.rpc.Status` for errors).
 */
export function createOtlpHttpReceiver(options: OtlpHttpReceiverOptions): OtlpHttpReceiver {
  const { ingest, logger, maxMessageBytes } = options;
  const allowAnyOrigin = options.corsAllowedOrigins.includes('*');
  const allowedOrigins = new Set(options.corsAllowedOrigins);
  let stopping = false;

  const server = createServer({
    requestTimeout: options.requestTimeoutMs,
    headersTimeout: Math.min(options.requestTimeoutMs, 60_000),
    // Node checks those timeouts every 30 s by default: too coarse for a stalled client to be cut
    // near its deadline.
    connectionsCheckingInterval: Math.min(options.requestTimeoutMs, 1_000),
    keepAliveTimeout: 5_000,
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((error: unknown) => {
      logger.error({ err: error, method: req.method, url: req.url }, 'OTLP/HTTP request failed');
      if (!res.headersSent) {
        send(res, 500, 'text/plain; charset=utf-8', 'internal error: see the agent log', {
          Connection: 'close',
        });
      } else {
        res.destroy();
      }
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP (bad request line, oversized headers, timeouts): answer if the socket can still
    // be written, never let it reach the process.
    if (socket.writable && error.code !== 'ECONNRESET') {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });

  function send(
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string | Uint8Array,
    headers: OutgoingHttpHeaders = {},
  ): void {
    const all: OutgoingHttpHeaders = {
      ...headers,
      'Content-Type': contentType,
      'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    };
    if (stopping) all.Connection = 'close';
    res.writeHead(status, all);
    // An empty chunk would still cost a second buffer in the socket write.
    if (all['Content-Length'] === 0) res.end();
    else res.end(body);
  }

  function sendStatus(
    res: ServerResponse,
    httpStatus: number,
    encoding: OtlpEncoding,
    status: RpcStatus,
    headers: OutgoingHttpHeaders,
  ): void {
    const body = encoding === 'json' ? encodeRpcStatusJson(status) : encodeRpcStatusProtobuf(status);
    send(res, httpStatus, RESPONSE_CONTENT_TYPE[encoding], body, headers);
  }

  function sendExportResponse(
    res: ServerResponse,
    encoding: OtlpEncoding,
    partial: PartialSuccess | null,
    headers: OutgoingHttpHeaders,
  ): void {
    const body =
      encoding === 'json' ? encodeExportResponseJson(partial) : encodeExportResponseProtobuf(partial);
    send(res, 200, RESPONSE_CONTENT_TYPE[encoding], body, headers);
  }

  function corsHeaders(req: IncomingMessage): OutgoingHttpHeaders {
    const origin = req.headers.origin;
    if (origin === undefined || (!allowAnyOrigin && !allowedOrigins.has(origin))) return {};
    return { 'Access-Control-Allow-Origin': allowAnyOrigin ? '*' : origin, Vary: 'Origin' };
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    switch (path) {
      case OTLP_TRACES_PATH:
        if (req.method === 'POST') return handleExport(req, res);
        if (req.method === 'OPTIONS') return handlePreflight(req, res);
        return send(
          res,
          405,
          'text/plain; charset=utf-8',
          `method ${req.method} not allowed: send spans with POST`,
          {
            Allow: 'POST, OPTIONS',
          },
        );
      case '/metrics':
        if (req.method !== 'GET') return sendMethodNotAllowed(res, req.method);
        return send(res, 200, PROMETHEUS_CONTENT_TYPE, options.renderMetrics());
      case '/healthz':
        if (req.method !== 'GET') return sendMethodNotAllowed(res, req.method);
        return stopping
          ? send(res, 503, 'application/json', '{"status":"stopping"}')
          : send(res, 200, 'application/json', '{"status":"ok"}');
      default:
        return send(
          res,
          404,
          'text/plain; charset=utf-8',
          `no such path "${path}": OTLP/HTTP traces go to POST ${OTLP_TRACES_PATH}; GET /metrics and /healthz also exist`,
        );
    }
  }

  function sendMethodNotAllowed(res: ServerResponse, method: string | undefined): void {
    send(res, 405, 'text/plain; charset=utf-8', `method ${method} not allowed: use GET`, { Allow: 'GET' });
  }

  function handlePreflight(req: IncomingMessage, res: ServerResponse): void {
    const cors = corsHeaders(req);
    if (cors['Access-Control-Allow-Origin'] !== undefined) {
      cors['Access-Control-Allow-Methods'] = 'POST, OPTIONS';
      cors['Access-Control-Allow-Headers'] =
        req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding';
      cors['Access-Control-Max-Age'] = '600';
    }
    res.writeHead(204, { ...cors, Allow: 'POST, OPTIONS' });
    res.end();
  }

  async function handleExport(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cors = corsHeaders(req);
    const contentType = req.headers['content-type'] ?? '';
    const encoding = CONTENT_TYPES[contentType.split(';', 1)[0]!.trim().toLowerCase()];
    // Until the body is read, every early answer closes the connection: the unread body must not
    // be taken for the next request, and draining it could take as long as receiving it.
    const closing = { ...cors, Connection: 'close' };
    if (encoding === undefined) {
      ingest.countRequest('http', 'unsupported');
      return send(
        res,
        415,
        RESPONSE_CONTENT_TYPE.json,
        encodeRpcStatusJson({
          code: GRPC_STATUS.INVALID_ARGUMENT,
          message: `unsupported Content-Type "${contentType}": send OTLP as application/x-protobuf or application/json`,
        }),
        closing,
      );
    }
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (contentEncoding !== '' && contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
      ingest.countRequest('http', 'unsupported');
      return sendStatus(
        res,
        415,
        encoding,
        {
          code: GRPC_STATUS.INVALID_ARGUMENT,
          message: `unsupported Content-Encoding "${contentEncoding}": send the body uncompressed or with gzip`,
        },
        closing,
      );
    }
    if (stopping) {
      ingest.countRequest('http', 'overloaded');
      return sendStatus(
        res,
        503,
        encoding,
        {
          code: GRPC_STATUS.UNAVAILABLE,
          message: 'the agent is shutting down: retry on another instance or later',
        },
        { ...closing, 'Retry-After': String(ingest.retryAfterSeconds) },
      );
    }
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > maxMessageBytes) {
      ingest.countRequest('http', 'too_large');
      return sendStatus(res, 413, encoding, tooLargeStatus(`${declaredLength} bytes`), closing);
    }
    if (!ingest.tryAcquire()) {
      ingest.countRequest('http', 'overloaded');
      return sendStatus(
        res,
        429,
        encoding,
        {
          code: GRPC_STATUS.UNAVAILABLE,
          message: 'too many export requests in flight: retry after the delay given in Retry-After',
          retryDelaySeconds: ingest.retryAfterSeconds,
        },
        { ...closing, 'Retry-After': String(ingest.retryAfterSeconds) },
      );
    }
    try {
      const read = await readBody(req, maxMessageBytes);
      if (read.kind === 'aborted') return;
      if (read.kind === 'too_large') {
        ingest.countRequest('http', 'too_large');
        return sendStatus(res, 413, encoding, tooLargeStatus(`more than ${maxMessageBytes} bytes`), closing);
      }
      let body = read.body;
      if (contentEncoding === 'gzip') {
        const inflated = await gunzipCapped(body, maxMessageBytes);
        if (inflated.kind === 'too_large') {
          ingest.countRequest('http', 'too_large');
          return sendStatus(
            res,
            413,
            encoding,
            tooLargeStatus(`more than ${maxMessageBytes} bytes once inflated`),
            cors,
          );
        }
        if (inflated.kind === 'invalid') {
          ingest.countRequest('http', 'invalid');
          return sendStatus(
            res,
            400,
            encoding,
            { code: GRPC_STATUS.INVALID_ARGUMENT, message: inflated.message },
            cors,
          );
        }
        body = inflated.body;
      }
      const result = ingest.ingest(body, encoding, 'http');
      switch (result.kind) {
        case 'accepted':
          return sendExportResponse(res, encoding, result.partial, cors);
        case 'invalid':
          return sendStatus(
            res,
            400,
            encoding,
            { code: GRPC_STATUS.INVALID_ARGUMENT, message: result.message },
            cors,
          );
        case 'overloaded':
          return sendStatus(
            res,
            503,
            encoding,
            {
              code: GRPC_STATUS.UNAVAILABLE,
              message: result.message,
              retryDelaySeconds: ingest.retryAfterSeconds,
            },
            { ...cors, 'Retry-After': String(ingest.retryAfterSeconds) },
          );
      }
    } finally {
      ingest.release();
    }
  }

  function tooLargeStatus(size: string): RpcStatus {
    return {
      code: GRPC_STATUS.RESOURCE_EXHAUSTED,
      message: `the request body is too large (${size}; the limit is ${maxMessageBytes} bytes): export smaller batches (e.g. lower maxExportBatchSize) or raise otlpServer.maxMessageBytes`,
    };
  }

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: options.host, port: options.port }, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(describeListeningAddress(options.host, address.port, 'http'));
        });
      });
    },

    close(timeoutMs) {
      stopping = true;
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Reads a request body, giving up (without buffering more) once it passes `maxBytes`. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        req.pause();
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ kind: 'complete', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    const onClose = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
  });
}

/** Gunzips with a cap on the inflated size, so a small "zip bomb" cannot fill the memory. */
function gunzipCapped(body: Buffer, maxBytes: number): Promise<Inflated> {
  return new Promise((resolve) => {
    gunzip(body, { maxOutputLength: maxBytes }, (error, inflated) => {
      if (!error) resolve({ kind: 'complete', body: inflated });
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        resolve({ kind: 'too_large' });
      else
        resolve({
          kind: 'invalid',
          message: `the body is not valid gzip although Content-Encoding says gzip (${error.message}): compress it with gzip or drop the header`,
        });
    });
  });
}
