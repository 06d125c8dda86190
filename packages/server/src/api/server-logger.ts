/**
 * The logger of the control plane's processes. Request logs never carry a credential: tokens and
 * session cookies are redacted from headers, and one-time codes from URLs (the login link's path,
 * the `code`/`state` an identity provider sends back, invite codes).
 */
import { type DestinationStream, type Logger, pino } from 'pino';

/** Query parameters whose values are one-time secrets. */
const SECRET_QUERY_PARAMETERS = new Set(['code', 'state', 'token', 'invite', 'access_token', 'id_token']);
/** Paths whose last segment is a one-time secret. */
const SECRET_PATH_PREFIXES = ['/api/auth/link/'];

/**
 * A request URL with its one-time secrets replaced by `[redacted]`.
 * @example redactUrl('/api/auth/callback/github?code=abc&state=xyz') // '/api/auth/callback/github?code=[redacted]&state=[redacted]'
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  let path = queryAt < 0 ? url : url.slice(0, queryAt);
  for (const prefix of SECRET_PATH_PREFIXES) {
    if (path.toLowerCase().startsWith(prefix) && path.length > prefix.length) {
      path = `${path.slice(0, prefix.length)}[redacted]`;
    }
  }
  if (queryAt < 0) return path;
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = decodeURIComponentSafe(equals < 0 ? pair : pair.slice(0, equals));
      return equals >= 0 && SECRET_QUERY_PARAMETERS.has(name.toLowerCase())
        ? `${pair.slice(0, equals)}=[redacted]`
        : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

/** What a request log line says of the request (Fastify's fields, the URL without its secrets). */
export function serializeRequest(request: LoggedRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * A pino logger for a control-plane process: JSON lines, on stdout unless told otherwise.
 * @example const logger = createServerLogger({ level: 'info', base: { service: 'tracecheck' } });
 */
export function createServerLogger(options: {
  readonly level: string;
  readonly base: Record<string, unknown>;
  /** Where the lines go (stdout by default). */
  readonly destination?: DestinationStream;
}): Logger {
  const pinoOptions = {
    level: options.level,
    base: options.base,
    serializers: { req: serializeRequest },
    // Tokens and session cookies never reach the log, whatever a serializer includes.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'],
      censor: '[redacted]',
    },
  };
  return options.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, options.destination);
}
