/** A local HTTP(S) server for fake backends (test support). */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';

export interface TestRequest {
  readonly method: string;
  /** Path and query, e.g. `/api/traces/abc`. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface TestResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` (or `https://localhost:<port>`). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: TestRequest[];
  close(): Promise<void>;
}

/** Starts a server on a free port of 127.0.0.1 that answers with `handle`. */
export async function startTestServer(
  handle: (request: TestRequest) => TestResponse | Promise<TestResponse>,
  tls?: { readonly key: string; readonly cert: string },
): Promise<TestServer> {
  const requests: TestRequest[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(request);
      const response = await handle(request);
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON answer. */
export function jsonResponse(status: number, body: unknown): TestResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** `Basic …` for the credentials fake servers accept. */
export function basicCredentials(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
