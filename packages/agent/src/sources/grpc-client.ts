import { createSecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { ResolvedTls } from './client-settings';
import { dataStoreError } from './data-store-error';

export interface GrpcClientOptions {
  /** Backend name for messages, e.g. `Tempo`. */
  readonly backend: string;
  /** `host:port`. */
  readonly target: string;
  /** Plain text instead of TLS. */
  readonly insecure: boolean;
  readonly tls: ResolvedTls;
  /** Sent as metadata with every call (credentials included). */
  readonly headers: Readonly<Record<string, string>>;
  readonly waitForReady: boolean;
  /** `pick_first` or `round_robin`; empty for the library's default. */
  readonly balancerName: string;
  /** Deadline of every call. */
  readonly timeoutMs: number;
  /** What to check when the server's certificate is rejected. */
  readonly tlsHint: string;
}

/** The answer of a call: its messages, or the server's NOT_FOUND. */
export type GrpcAnswer =
  | { readonly status: 'ok'; readonly messages: readonly Buffer[] }
  | { readonly status: 'not-found' };

export interface GrpcClient {
  /** Calls a unary method (`/package.Service/Method`) with a serialized request. */
  unary(method: string, request: Uint8Array, signal?: AbortSignal): Promise<GrpcAnswer>;
  /** Calls a server-streaming method and collects every message. */
  serverStream(method: string, request: Uint8Array, signal?: AbortSignal): Promise<GrpcAnswer>;
}

const CERTIFICATE_ERROR_RE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|SSL|TLS|handshake/i;

function createCredentials(options: GrpcClientOptions): grpc.ChannelCredentials {
  if (options.insecure) return grpc.credentials.createInsecure();
  const { ca, cert, key, minVersion, maxVersion, rejectUnauthorized } = options.tls;
  const context = createSecureContext({ ca, cert, key, minVersion, maxVersion });
  return grpc.credentials.createFromSecureContext(context, {
    rejectUnauthorized,
    ...(rejectUnauthorized ? {} : { checkServerIdentity: () => undefined }),
  });
}

function createChannelOptions(options: GrpcClientOptions): grpc.ChannelOptions {
  return {
    // Traces can be large; the backend decides how much it sends.
    'grpc.max_receive_message_length': -1,
    ...(options.tls.servername
      ? {
          'grpc.ssl_target_name_override': options.tls.servername,
          'grpc.default_authority': options.tls.servername,
        }
      : {}),
    ...(options.balancerName
      ? { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [options.balancerName]: {} }] }) }
      : {}),
  };
}

/**
 * A gRPC client for one backend over a raw method path (requests and responses stay bytes, decoded
 * by the caller). The channel is created on first use and reused between polls.
 */
export function createGrpcClient(options: GrpcClientOptions): GrpcClient {
  let client: grpc.Client | undefined;
  const shown = `${options.insecure ? 'grpc' : 'grpcs'}://${options.target}`;
  const getClient = (): grpc.Client => {
    client ??= new grpc.Client(options.target, createCredentials(options), createChannelOptions(options));
    return client;
  };
  const metadata = (): grpc.Metadata => {
    const md = new grpc.Metadata({ waitForReady: options.waitForReady });
    for (const [name, value] of Object.entries(options.headers)) md.set(name, value);
    return md;
  };
  const toError = (error: grpc.ServiceError, method: string): Error => {
    const call = `${shown}${method}`;
    const status = grpc.status[error.code] ?? String(error.code);
    // grpc-js details can span lines and end with an empty "Resolution note".
    const details = error.details
      .replace(/\s*Resolution note:\s*$/, '')
      .replace(/\s+/g, ' ')
      .replace(/[\s.:]+$/, '');
    const detail = `${status}: ${details}`;
    switch (error.code) {
      case grpc.status.UNAUTHENTICATED:
      case grpc.status.PERMISSION_DENIED:
        return dataStoreError(
          'unauthorized',
          call,
          `${options.backend} at ${call} refused the credentials (${detail}): check the headers and auth of the data store settings`,
        );
      case grpc.status.DEADLINE_EXCEEDED:
        return dataStoreError(
          'timeout',
          call,
          `${options.backend} at ${call} did not answer within ${options.timeoutMs} ms: check that the endpoint points at ${options.backend}'s gRPC port and that it is not overloaded`,
        );
      case grpc.status.UNAVAILABLE: {
        const hint = CERTIFICATE_ERROR_RE.test(details)
          ? `the TLS handshake failed: ${options.tlsHint}`
          : `check that the endpoint is right, that ${options.backend} is running and reachable from the agent, and that tls.insecure matches the server (plain text or TLS)`;
        return dataStoreError(
          'unreachable',
          call,
          `could not reach ${options.backend} at ${call} (${detail}): ${hint}`,
          error,
        );
      }
      case grpc.status.UNIMPLEMENTED:
        return dataStoreError(
          'bad-answer',
          call,
          `${options.backend} at ${shown} does not serve ${method} (${detail}): check that the endpoint is ${options.backend}'s gRPC query port`,
          error,
        );
      default:
        return dataStoreError(
          'bad-answer',
          call,
          `${options.backend} at ${call} failed (${detail}): check ${options.backend}'s logs`,
          error,
        );
    }
  };
  const settle = (
    method: string,
    signal: AbortSignal | undefined,
    start: (
      callOptions: grpc.CallOptions,
      done: (error: grpc.ServiceError | null, messages: Buffer[]) => void,
    ) => grpc.Call,
  ): Promise<GrpcAnswer> =>
    new Promise<GrpcAnswer>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => call.cancel();
      const call = start({ deadline: Date.now() + options.timeoutMs }, (error, messages) => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) reject(signal.reason);
        else if (error?.code === grpc.status.NOT_FOUND) resolve({ status: 'not-found' });
        else if (error) reject(toError(error, method));
        else resolve({ status: 'ok', messages });
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  const serialize = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
  const deserialize = (bytes: Buffer): Buffer => bytes;

  return {
    unary(method, request, signal) {
      return settle(method, signal, (callOptions, done) =>
        getClient().makeUnaryRequest(
          method,
          serialize,
          deserialize,
          request,
          metadata(),
          callOptions,
          (error, value) => done(error, value ? [value] : []),
        ),
      );
    },
    serverStream(method, request, signal) {
      return settle(method, signal, (callOptions, done) => {
        const messages: Buffer[] = [];
        const stream = getClient().makeServerStreamRequest(
          method,
          serialize,
          deserialize,
          request,
          metadata(),
          callOptions,
        );
        stream.on('data', (message: Buffer) => messages.push(message));
        stream.on('error', (error: grpc.ServiceError) => done(error, messages));
        stream.on('end', () => done(null, messages));
        return stream;
      });
    },
  };
}

/** `host` and `port` of a `host:port` target (`[::1]:4317` for IPv6). */
export function splitHostPort(target: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:/]+)):(\d{1,5})$/.exec(target);
  if (!match) return undefined;
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3]) };
}
