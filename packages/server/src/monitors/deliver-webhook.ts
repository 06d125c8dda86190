import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  parseAllowedNetworks,
  resolveWebhookTarget,
  type VettedAddress,
  type WebhookNetworkPolicy,
} from './webhook-network-policy';

/** One webhook call, ready to send. */
export interface WebhookRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  /** Absent for GET and HEAD. */
  readonly body?: string;
  /** False accepts any TLS certificate (SPEC §1.13 `sslVerification`). */
  readonly sslVerification: boolean;
  /** Plaintext secret: signs the delivery (see `signWebhook`). */
  readonly secret?: string;
  /** The same for every attempt, so a receiver can drop repeats. */
  readonly deliveryId: string;
}

export interface WebhookRetryPolicy {
  /** Attempts in all, at least 1. Default 4. */
  readonly maxAttempts?: number;
  /** Waits before the 2nd, 3rd… attempt (the last one repeats). Default 1 s, 5 s, 30 s. */
  readonly backoffMs?: readonly number[];
  /** Limit of one attempt (connect, send, answer). Default 10 s. */
  readonly timeoutMs?: number;
}

export interface WebhookOutcome {
  readonly ok: boolean;
  /** The last HTTP status, null when no answer came. */
  readonly status: number | null;
  readonly attempts: number;
  readonly error: string | null;
}

/** The `webhooks` options of the monitor scheduler (and `createControlPlane({ monitors })`). */
export interface WebhookOptions extends WebhookRetryPolicy, WebhookNetworkPolicy {}

interface DeliverOptions extends WebhookOptions {
  /** Wall clock, Unix ms: the signature's timestamp. */
  readonly nowMs: () => number;
  /** Ends the waits between attempts (the process is stopping). */
  readonly signal?: AbortSignal;
  readonly userAgent: string;
}

export const SIGNATURE_HEADER = 'x-tracecheck-signature';
export const TIMESTAMP_HEADER = 'x-tracecheck-timestamp';
export const DELIVERY_HEADER = 'x-tracecheck-delivery';

/**
 * The signature of a delivery: `sha256=` + hex HMAC-SHA256, keyed by the secret, of
 * `<timestamp>.<body>` (the timestamp in Unix seconds, as sent in `X-Tracecheck-Timestamp`). A
 * receiver recomputes it over the raw body and rejects old timestamps to stop replays.
 * @example signWebhook('s3cret', 1735732800, '{"event":"FAILED"}') // 'sha256=5d6f…'
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** The URL without user information, to record and log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an invalid URL)';
  }
}

interface AttemptResult {
  readonly status: number | null;
  readonly error: string | null;
  readonly retryable: boolean;
}

/** A `lookup` that answers the vetted addresses whatever it is asked: the connection goes where the check said. */
function pinnedLookup(addresses: readonly VettedAddress[]): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    const first = addresses[0] as VettedAddress;
    if (lookupOptions.all)
      callback(
        null,
        addresses.map((entry) => ({ ...entry })),
      );
    else callback(null, first.address, first.family);
  };
}

async function attempt(request: WebhookRequest, options: DeliverOptions): Promise<AttemptResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { status: null, error: 'the URL is not valid', retryable: false };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      status: null,
      error: `the URL's scheme is ${url.protocol} instead of http: or https:`,
      retryable: false,
    };
  }
  let allowed: ReturnType<typeof parseAllowedNetworks> | undefined;
  try {
    allowed = options.allowedNetworks ? parseAllowedNetworks(options.allowedNetworks) : undefined;
  } catch (error) {
    return { status: null, error: (error as Error).message, retryable: false };
  }
  const target = await resolveWebhookTarget(url.hostname, options, allowed);
  if (!target.ok) return { status: null, error: target.error, retryable: target.retryable };
  const body = request.body ?? '';
  const headers: Record<string, string> = { 'user-agent': options.userAgent };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  for (const header of request.headers) headers[header.key.toLowerCase()] = header.value;
  headers[DELIVERY_HEADER] = request.deliveryId;
  if (request.secret !== undefined) {
    const timestamp = Math.floor(options.nowMs() / 1000);
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = signWebhook(request.secret, timestamp, body);
  }
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    const outgoing = send(
      url,
      {
        method: request.method,
        headers,
        timeout: timeoutMs,
        lookup: pinnedLookup(target.addresses),
        ...(url.protocol === 'https:' ? { rejectUnauthorized: request.sslVerification } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // The answer's body is not needed; reading it frees the socket.
        response.resume();
        response.on('end', () => {
          const ok = status >= 200 && status < 300;
          resolve({
            status,
            error: ok ? null : `the receiver answered ${status}`,
            retryable: status >= 500 || status === 429 || status === 408,
          });
        });
        response.on('error', (error) => resolve({ status, error: error.message, retryable: true }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', (error) =>
      resolve({
        status: null,
        error: `${error.message}${'code' in error ? ` (${String(error.code)})` : ''}`,
        retryable: true,
      }),
    );
    outgoing.end(request.body);
  });
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls a webhook: retries with backoff on network errors, timeouts, 5xx, 408 and 429; other answers
 * end the delivery. Every attempt resolves the host and vets all its addresses first
 * (`WebhookNetworkPolicy`: no loopback, private, link-local… address unless allowed), then connects
 * to the vetted address; a refused address ends the delivery at once. Never throws: the outcome says what happened. The secret is never logged or put
 * in the outcome.
 * @example await deliverWebhook({ url, method: 'POST', headers: [], body, sslVerification: true, deliveryId: '12-alert-1' }, { nowMs: Date.now, userAgent: 'Tracecheck' })
 */
export async function deliverWebhook(
  request: WebhookRequest,
  options: DeliverOptions,
): Promise<WebhookOutcome> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const backoffMs = options.backoffMs ?? [1000, 5000, 30_000];
  let last: AttemptResult = { status: null, error: null, retryable: false };
  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    last = await attempt(request, options);
    if (last.error === null) return { ok: true, status: last.status, attempts, error: null };
    if (!last.retryable || attempts === maxAttempts) {
      return { ok: false, status: last.status, attempts, error: last.error };
    }
    const delay = backoffMs[Math.min(attempts - 1, backoffMs.length - 1)] ?? 1000;
    if (!(await wait(delay, options.signal))) {
      return {
        ok: false,
        status: last.status,
        attempts,
        error: `${last.error}; retries ended: the process is stopping`,
      };
    }
  }
  return { ok: false, status: last.status, attempts: maxAttempts, error: last.error };
}
