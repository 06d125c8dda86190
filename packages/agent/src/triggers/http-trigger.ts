import { applyHttpAuth } from './apply-http-auth';
import { setHeader } from './header-list';
import { measureTrigger } from './measure-trigger';
import { type PreparedHttpRequest, sendHttpRequest } from './send-http-request';
import { traceContextHeaders } from './trace-context-headers';
import type { HttpRequest, Trigger, TriggerContext } from './trigger';
import { failTriggerRequest } from './trigger-error';

/**
 * The HTTP trigger (SPEC §2.3): sends `httpRequest` with its headers, auth and the run's trace context,
 * and returns the full response.
 */
export const httpTrigger: Trigger<HttpRequest> = {
  type: 'http',
  fire: (request, context) =>
    measureTrigger('http', context, async () => ({
      type: 'http',
      http: await sendHttpRequest(prepareHttpRequest(request, context), context),
    })),
};

/**
 * Builds the request to send (SPEC §2.3 steps 1–2): URL without scheme → `http://`, method upper-cased,
 * headers in order (empty keys dropped), auth applied, trace context injected (replacing headers of the
 * same names).
 */
export function prepareHttpRequest(request: HttpRequest, context: TriggerContext): PreparedHttpRequest {
  const method = request.method.trim().toUpperCase();
  if (!/^[A-Z0-9!#$%&'*+\-.^_`|~]+$/.test(method)) {
    throw failTriggerRequest(
      `invalid HTTP method "${request.method}"`,
      'use one of GET, PUT, POST, PATCH, DELETE, COPY, HEAD, OPTIONS, LINK, UNLINK, PURGE, LOCK, UNLOCK, PROPFIND, VIEW',
      context,
    );
  }
  const headers = (request.headers ?? []).filter((header) => header.key !== '');
  const authed = applyHttpAuth({ url: parseHttpUrl(request.url, context), headers }, request.auth, context);
  let withContext = authed.headers;
  for (const header of traceContextHeaders(context.traceId, context.spanId)) {
    withContext = setHeader(withContext, header.key, header.value);
  }
  return {
    method,
    url: authed.url,
    headers: withContext,
    body: request.body ?? '',
    sslVerification: request.sslVerification ?? false,
    verificationSwitch: 'sslVerification: false on the trigger',
  };
}

/** A URL without `scheme://` is an http URL (`shop.local/health` → `http://shop.local/health`, H04). */
function parseHttpUrl(text: string, context: TriggerContext): URL {
  const trimmed = text.trim();
  const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(absolute);
  } catch {
    throw failTriggerRequest(
      `invalid URL "${text}": expected http(s)://host[:port]/path`,
      'check the url of the trigger, and the variables it uses',
      context,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw failTriggerRequest(
      `unsupported URL scheme "${url.protocol}" in "${text}": expected http or https`,
      'use an http:// or https:// URL',
      context,
    );
  }
  return url;
}
