import http from 'node:http';
import https from 'node:https';
import type { ResolvedTls } from './client-settings';
import { dataStoreError, describeError } from './data-store-error';

export interface HttpClientOptions {
  /** Backend name for messages, e.g. `Jaeger`. */
  readonly backend: string;
  /** Sent with every request (credentials included). */
  readonly headers: Readonly<Record<string, string>>;
  /** Added to every URL (API keys sent as query parameters). */
  readonly query: Readonly<Record<string, string>>;
  readonly tls: ResolvedTls;
  /** A request fails when the server stays silent this long. */
  readonly timeoutMs: number;
  /** What to check when the server's certificate is rejected, e.g. `set tls.insecureSkipVerify: true`. */
  readonly tlsHint: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
  /** The URL as shown in messages: without query parameters, which may carry credentials. */
  readonly url: string;
}

export interface HttpClient {
  /** Resolves with any HTTP answer; rejects with `DATASTORE_UNREACHABLE` when none came. */
  request(request: HttpRequest): Promise<HttpAnswer>;
}

/** The URL without query string or user info, for messages. */
function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

const CERTIFICATE_ERROR_RE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|SSL|TLS|EPROTO/;

/**
 * An HTTP(S) client for one backend: keeps connections alive between polls, applies the TLS settings,
 * credentials and timeout, and turns every failure to get an answer into a `DATASTORE_UNREACHABLE`
 * error that names the URL.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true, ...options.tls });

  return {
    request(request) {
      const url = new URL(request.url);
      for (const [name, value] of Object.entries(options.query)) url.searchParams.set(name, value);
      const shown = displayUrl(url);
      const signal = request.signal;
      return new Promise<HttpAnswer>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const secure = url.protocol === 'https:';
        const body = request.body === undefined ? undefined : Buffer.from(request.body);
        const headers: Record<string, string> = {
          ...options.headers,
          ...request.headers,
          ...(body ? { 'content-length': String(body.length) } : {}),
        };
        const onAbort = (): void => {
          req.destroy();
          reject(signal?.reason);
        };
        const req = (secure ? https : http).request(
          url,
          {
            method: request.method,
            headers,
            agent: secure ? httpsAgent : httpAgent,
            timeout: options.timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', (error) => fail(error));
            res.on('end', () => {
              signal?.removeEventListener('abort', onAbort);
              resolve({
                status: res.statusCode ?? 0,
                contentType: String(res.headers['content-type'] ?? ''),
                body: Buffer.concat(chunks),
                url: shown,
              });
            });
          },
        );
        const fail = (error: Error): void => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) {
            reject(signal.reason);
            return;
          }
          const text = describeError(error);
          const hint = text.startsWith('HPE_')
            ? `The server there does not speak HTTP: check the port (it may be a gRPC port).`
            : CERTIFICATE_ERROR_RE.test(text)
              ? `The TLS handshake failed: ${options.tlsHint}.`
              : `Check that the address is right and that ${options.backend} is running and reachable from the agent.`;
          reject(
            dataStoreError(
              'unreachable',
              shown,
              `could not reach ${options.backend} at ${shown}: ${text}. ${hint}`,
              error,
            ),
          );
        };
        req.on('timeout', () => {
          signal?.removeEventListener('abort', onAbort);
          req.destroy();
          reject(
            dataStoreError(
              'timeout',
              shown,
              `${options.backend} at ${shown} did not answer within ${options.timeoutMs} ms: check that the address points at ${options.backend} and that it is not overloaded`,
            ),
          );
        });
        req.on('error', fail);
        signal?.addEventListener('abort', onAbort, { once: true });
        req.end(body);
      });
    },
  };
}

/** The error for a 401/403 answer. */
export function unauthorizedError(backend: string, answer: HttpAnswer, whatToCheck: string) {
  return dataStoreError(
    'unauthorized',
    answer.url,
    `${backend} at ${answer.url} refused the credentials (HTTP ${answer.status}): ${whatToCheck}`,
  );
}

/** The error for an answer that is not the one the backend documents. */
export function unexpectedAnswerError(backend: string, answer: HttpAnswer, whatToCheck: string) {
  const excerpt = answer.body.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim();
  return dataStoreError(
    'bad-answer',
    answer.url,
    `${backend} at ${answer.url} answered HTTP ${answer.status}${excerpt ? ` "${excerpt}"` : ''}: ${whatToCheck}`,
  );
}
