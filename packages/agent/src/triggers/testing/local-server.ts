import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SpanId, TraceId } from '@tracecheck/core';
import type { TriggerContext } from '../trigger';
import type { CertificatePair } from './self-signed-certificate';

/** A server started on a free port of this machine for a test. */
export interface LocalServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an HTTP server (HTTPS with `tls`) on a free port; `close` also drops open connections. */
export async function startLocalServer(
  handler: http.RequestListener,
  tls?: CertificatePair,
): Promise<LocalServer> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What the echo server received, as it returns it in its response body. */
export interface EchoedRequest {
  readonly method: string;
  readonly url: string;
  /** Header names and values in the order received, as node's `rawHeaders`. */
  readonly rawHeaders: string[];
  readonly body: string;
}

/** A handler that answers 200 with the request it received as JSON (`EchoedRequest`). */
export function echoRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
  let body = '';
  request.on('data', (chunk: Buffer) => {
    body += chunk.toString('utf8');
  });
  request.on('end', () => {
    const echoed: EchoedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      rawHeaders: request.rawHeaders,
      body,
    };
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(echoed));
  });
}

/** A free port with nothing listening on it (found by listening and closing). */
export async function findClosedPort(): Promise<number> {
  const server = await startLocalServer(() => undefined);
  await server.close();
  return server.port;
}

/** The trace context every trigger test fires with; the clock counts 1000, 1001, … */
export function createTestContext(overrides: Partial<TriggerContext> = {}): TriggerContext {
  let nowMs = 1_000;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736' as TraceId,
    spanId: '00f067aa0ba902b7' as SpanId,
    timeoutMs: 5_000,
    nowMs: () => nowMs++,
    ...overrides,
  };
}
