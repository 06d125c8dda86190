import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { canonicalizeHeaderKey, findHeader, isHeaderName } from './header-list';
import type { HttpResponse, KeyValue, TriggerContext } from './trigger';
import {
  describeNetworkFailure,
  failTrigger,
  failTriggerRequest,
  type NetworkFailure,
} from './trigger-error';

/** An HTTP request ready to send: absolute URL, final headers (auth and trace context included). */
export interface PreparedHttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: readonly KeyValue[];
  /** Empty: no body. */
  readonly body: string;
  /** `false` accepts any certificate. */
  readonly sslVerification: boolean;
  /** How the user switches verification off, quoted in certificate errors. */
  readonly verificationSwitch: string;
}

/** Go's client gives up on the 11th redirect. */
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers Go drops when a redirect leaves the original host (and its subdomains). */
const SENSITIVE_HEADERS = new Set(['authorization', 'www-authenticate', 'cookie', 'cookie2']);
/** Headers the client computes itself, as Go's `Request.Write` does (user values are ignored). */
const COMPUTED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding']);
/** Methods for which Go sends `Content-Length: 0` without a body. */
const METHODS_WITHOUT_BODY_LENGTH = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

interface Hop {
  readonly method: string;
  readonly url: URL;
  readonly headers: readonly KeyValue[];
  readonly body: string;
  /** The Host header value; a custom one survives relative redirects only (as in Go). */
  readonly host: string;
}

interface RawResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/**
 * Sends an HTTP(S) request with node:http(s) and captures the full response (SPEC §2.3): a `Host` header
 * becomes the virtual host, redirects are followed (up to 10, Go's rules for method, body and
 * credentials), the connect timeout and the total timeout come from the context, TLS verification
 * follows `sslVerification`. Failures throw a TRIGGER_FAILED error carrying the `TriggerError`.
 */
export async function sendHttpRequest(
  request: PreparedHttpRequest,
  context: TriggerContext,
): Promise<HttpResponse> {
  validateHeaders(request.headers, context);
  const action = `${request.method} ${request.url.href}`;
  const deadline = startDeadline(context);
  try {
    let hop: Hop = {
      method: request.method,
      url: request.url,
      headers: request.headers.filter((header) => !COMPUTED_HEADERS.has(header.key.toLowerCase())),
      body: request.body,
      host: findHeader(request.headers, 'Host') ?? request.url.host,
    };
    for (let redirects = 0; ; redirects++) {
      const response = await sendHop(hop, request, deadline, context);
      const location = findRawHeader(response.rawHeaders, 'location');
      if (!REDIRECT_STATUSES.has(response.statusCode) || location === undefined) {
        return toHttpResponse(response);
      }
      if (redirects === MAX_REDIRECTS) {
        throw failTriggerRequest(
          `${action} failed: stopped after ${MAX_REDIRECTS} redirects (the last one to "${location}")`,
          'the target redirects in a loop or too often: call the final URL directly',
          context,
        );
      }
      hop = redirectHop(hop, response.statusCode, location, action, context);
    }
  } finally {
    deadline.dispose();
  }
}

interface Deadline {
  readonly signal: AbortSignal;
  /** Why the signal fired. */
  failure(): NetworkFailure | undefined;
  dispose(): void;
}

/** One abort signal for the whole exchange: the total timeout or the caller's signal. */
function startDeadline(context: TriggerContext): Deadline {
  const controller = new AbortController();
  let failure: NetworkFailure | undefined;
  const abort = (why: NetworkFailure) => {
    failure ??= why;
    controller.abort();
  };
  const timer = setTimeout(() => abort({ kind: 'timeout', timeoutMs: context.timeoutMs }), context.timeoutMs);
  const onAbort = () => abort({ kind: 'aborted' });
  if (context.signal?.aborted) onAbort();
  context.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    failure: () => failure,
    dispose: () => {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onAbort);
    },
  };
}

function sendHop(
  hop: Hop,
  request: PreparedHttpRequest,
  deadline: Deadline,
  context: TriggerContext,
): Promise<RawResponse> {
  const target = {
    action: `${hop.method} ${hop.url.href}`,
    host: hop.url.hostname,
    verificationSwitch: request.verificationSwitch,
  };
  const connectTimeoutMs = context.connectTimeoutMs ?? Math.min(1_000, context.timeoutMs);
  return new Promise<RawResponse>((resolve, reject) => {
    let connectTimedOut = false;
    const fail = (cause: unknown) => {
      const failure: NetworkFailure = connectTimedOut
        ? { kind: 'connect-timeout', timeoutMs: connectTimeoutMs }
        : (deadline.failure() ?? { kind: 'error', cause });
      reject(failTrigger(describeNetworkFailure(failure, target, context)));
    };
    if (deadline.signal.aborted) {
      fail(deadline.signal.reason);
      return;
    }
    const hostname = hop.url.hostname.replace(/^\[|\]$/g, '');
    const secure = hop.url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: hop.method,
      hostname,
      port: hop.url.port || (secure ? 443 : 80),
      path: `${hop.url.pathname}${hop.url.search}`,
      headers: rawHeaders(hop),
      agent: false,
      signal: deadline.signal,
      // Node would take the server name from the Host header; Go uses the dialled host, and so do we.
      ...(secure && {
        rejectUnauthorized: request.sslVerification,
        servername: isIP(hostname) ? '' : hostname,
      }),
    };
    const outgoing = (secure ? https : http).request(options, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', fail);
      incoming.on('end', () =>
        resolve({
          statusCode: incoming.statusCode ?? 0,
          statusMessage: incoming.statusMessage ?? '',
          rawHeaders: incoming.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
    });
    outgoing.on('error', fail);
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => {
        // After a busy spell of the event loop (many runs at once) this timer can run before the
        // callback of a connection that already succeeded: look again once pending I/O was handled.
        setImmediate(() => {
          if (!socket.connecting) return;
          connectTimedOut = true;
          outgoing.destroy(new Error(`no connection within ${connectTimeoutMs} ms`));
        });
      }, connectTimeoutMs);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    outgoing.end(hop.body === '' ? undefined : hop.body);
  });
}

/**
 * The header lines as node's raw array: Host first, then the request's headers in order (duplicates
 * kept), then the body length. Values are sent as their UTF-8 bytes, as Go does.
 */
function rawHeaders(hop: Hop): string[] {
  const lines: string[] = ['Host', hop.host];
  for (const header of hop.headers) {
    lines.push(header.key, Buffer.from(header.value, 'utf8').toString('latin1'));
  }
  const length = Buffer.byteLength(hop.body, 'utf8');
  if (length > 0 || !METHODS_WITHOUT_BODY_LENGTH.has(hop.method))
    lines.push('Content-Length', String(length));
  return lines;
}

function validateHeaders(headers: readonly KeyValue[], context: TriggerContext): void {
  for (const header of headers) {
    if (!isHeaderName(header.key)) {
      throw failTriggerRequest(
        `header "${header.key}" is not a valid HTTP header name`,
        "use only letters, digits and !#$%&'*+-.^_`|~ in header names",
        context,
      );
    }
    if (/[\0-\x08\x0a-\x1f\x7f]/.test(header.value)) {
      throw failTriggerRequest(
        `the value of header "${header.key}" contains a line break or another control character`,
        'remove line breaks from header values (a resolved variable may end with a newline)',
        context,
      );
    }
  }
}

/** The next hop of a redirect, with Go's rules (net/http `Client.Do`). */
function redirectHop(
  hop: Hop,
  statusCode: number,
  location: string,
  action: string,
  context: TriggerContext,
): Hop {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    throw failTriggerRequest(
      `${action} failed: the server redirected to "${location}", which is not a valid URL`,
      'fix the Location header of the target, or call the final URL directly',
      context,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw failTriggerRequest(
      `${action} failed: the server redirected to "${location}", which is not an http(s) URL`,
      'call the final URL directly',
      context,
    );
  }
  // 301/302/303 turn the request into a GET without body (HEAD stays HEAD); 307/308 replay it.
  const replay = statusCode === 307 || statusCode === 308;
  const method = replay || hop.method === 'HEAD' ? hop.method : 'GET';
  const sameSite = isDomainOrSubdomain(url.hostname, hop.url.hostname);
  const headers = hop.headers.filter(
    (header) => sameSite || !SENSITIVE_HEADERS.has(header.key.toLowerCase()),
  );
  const relative = !/^([a-z][a-z0-9+.-]*:)?\/\//i.test(location);
  return { method, url, headers, body: replay ? hop.body : '', host: relative ? hop.host : url.host };
}

function isDomainOrSubdomain(sub: string, parent: string): boolean {
  return sub === parent || sub.endsWith(`.${parent}`);
}

function findRawHeader(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === lowerName) return raw[i + 1];
  }
  return undefined;
}

function toHttpResponse(response: RawResponse): HttpResponse {
  const headers: KeyValue[] = [];
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    // Node reads header bytes as latin1; servers that send UTF-8 values get them back as text.
    const value = Buffer.from(response.rawHeaders[i + 1]!, 'latin1').toString('utf8');
    headers.push({ key: canonicalizeHeaderKey(response.rawHeaders[i]!), value });
  }
  return {
    status: response.statusMessage
      ? `${response.statusCode} ${response.statusMessage}`
      : String(response.statusCode),
    statusCode: response.statusCode,
    headers,
    body: response.body.toString('utf8'),
  };
}
