import {
  type ChannelCredentials,
  Client,
  connectivityState,
  credentials,
  status as grpcStatus,
  Metadata,
  type StatusObject,
} from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { loadProtoFile } from './load-proto-file';
import { measureTrigger } from './measure-trigger';
import { readJsonMessage, renderJsonMessage } from './proto-json';
import { traceContextHeaders } from './trace-context-headers';
import type { GrpcRequest, GrpcResponse, HttpAuth, KeyValue, Trigger, TriggerContext } from './trigger';
import {
  describeNetworkFailure,
  failTrigger,
  failTriggerRequest,
  type NetworkFailure,
  type TriggerTarget,
} from './trigger-error';

/**
 * The gRPC trigger (SPEC §2.4): loads the proto file (and its imports), calls the method with the JSON
 * request, the metadata, the auth (as metadata, unlike Tracetest) and the run's trace context, and
 * returns status, response metadata and the response as JSON. A non-OK status is a response; a failed
 * connection, a timeout or an unusable proto file or request fails the trigger.
 */
export const grpcTrigger: Trigger<GrpcRequest> = {
  type: 'grpc',
  fire: (request, context) =>
    measureTrigger('grpc', context, async () => ({ type: 'grpc', grpc: await callGrpc(request, context) })),
};

/** Go's names of the gRPC status codes (`codes.Code.String()`). */
const STATUS_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

async function callGrpc(request: GrpcRequest, context: TriggerContext): Promise<GrpcResponse> {
  const address = request.address.trim();
  if (address === '' || /^(https?|grpcs?):\/\//i.test(address)) {
    throw failTriggerRequest(
      `invalid gRPC address "${request.address}": expected host:port`,
      'write the address without a scheme, e.g. "orders.internal:50051"; use tls: {} for TLS',
      context,
    );
  }
  const root = await loadProtoFile(request.protobufFile, request.importFiles ?? [], context);
  const { path, method } = findMethod(root, request.method, context);
  const requestType = method.resolvedRequestType!;
  const responseType = method.resolvedResponseType!;
  const argument = encodeRequest(requestType, request.request ?? '', context);
  const metadata = buildMetadata(request, context);
  const target: TriggerTarget = {
    action: `gRPC call ${path} to ${address}`,
    host: hostOfAddress(address),
    verificationSwitch: 'tls: {sslVerification: false} on the trigger',
  };
  const client = new Client(address, channelCredentials(request.tls));
  let outcome: CallOutcome;
  try {
    outcome = await invoke(client, path, argument, metadata, target, context);
  } finally {
    client.close();
  }
  return {
    statusCode: outcome.status.code,
    status: STATUS_NAMES[outcome.status.code] ?? `Code(${outcome.status.code})`,
    metadata: outcome.metadata ? metadataEntries(outcome.metadata) : [],
    body: outcome.message ? decodeResponse(responseType, outcome.message, context) : '',
  };
}

function decodeResponse(type: protobuf.Type, message: Buffer, context: TriggerContext): string {
  try {
    return renderJsonMessage(type, type.decode(message));
  } catch (error) {
    throw failTriggerRequest(
      `the response does not decode as message ${type.fullName.slice(1)}: ${(error as Error).message}`,
      "the trigger's proto file must declare the same messages as the server's",
      context,
    );
  }
}

function channelCredentials(tls: GrpcRequest['tls']): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  if (tls.sslVerification ?? true) return credentials.createSsl();
  return credentials.createSsl(null, null, null, {
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
}

/** `host` of `host:port`, `[v6]:port` or a bare host, for the localhost check. */
function hostOfAddress(address: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  if (bracketed) return bracketed[1]!;
  const withoutScheme = address.replace(/^(dns|ipv4|ipv6|unix):(\/\/\/?)?/, '');
  const colons = withoutScheme.split(':').length - 1;
  return colons === 1 ? withoutScheme.slice(0, withoutScheme.indexOf(':')) : withoutScheme;
}

/** Finds `package.Service.Method`, `package.Service/Method` or `/package.Service/Method`. */
function findMethod(
  root: protobuf.Root,
  text: string,
  context: TriggerContext,
): { path: string; method: protobuf.Method } {
  const name = text.trim().replace(/^\//, '');
  const split = name.includes('/') ? name.lastIndexOf('/') : name.lastIndexOf('.');
  const serviceName = name.slice(0, Math.max(split, 0));
  const service = serviceName ? root.lookup(serviceName) : null;
  const method = service instanceof protobuf.Service ? service.methods[name.slice(split + 1)] : undefined;
  if (!service || !method) {
    const available = listServices(root).flatMap((candidate) =>
      candidate.methodsArray.map((entry) => `${candidate.fullName.slice(1)}.${entry.name}`),
    );
    throw failTriggerRequest(
      `method "${text}" is not in the proto file: expected package.Service.Method, one of ${available.join(', ') || '(the file declares no service)'}`,
      'check the method name (case matters) and the package of the proto file',
      context,
    );
  }
  return { path: `/${service.fullName.slice(1)}/${method.name}`, method };
}

function listServices(namespace: protobuf.NamespaceBase): protobuf.Service[] {
  return namespace.nestedArray.flatMap((nested) => {
    if (nested instanceof protobuf.Service) return [nested];
    if (nested instanceof protobuf.Namespace && nested.fullName !== '.google') return listServices(nested);
    return [];
  });
}

function encodeRequest(type: protobuf.Type, text: string, context: TriggerContext): Uint8Array {
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw failTriggerRequest(
      `the request of the gRPC trigger is not valid JSON: ${(error as Error).message}`,
      `write the ${type.name} message as a JSON object, e.g. {"field": "value"}`,
      context,
    );
  }
  try {
    return type.encode(type.fromObject(readJsonMessage(type, json))).finish();
  } catch (error) {
    throw failTriggerRequest(
      `the request does not fit message ${type.fullName.slice(1)}: ${(error as Error).message}`,
      'fix the request JSON: field names as in the proto file (or their JSON names), values of the declared types',
      context,
    );
  }
}

/**
 * Request metadata: the trigger's entries (empty keys ignored, a later duplicate wins), then auth, then
 * the trace context, each replacing earlier values of the same key.
 */
function buildMetadata(request: GrpcRequest, context: TriggerContext): Metadata {
  const entries: KeyValue[] = [
    ...(request.metadata ?? []).filter((entry) => entry.key !== ''),
    ...authMetadata(request.auth, context),
    ...traceContextHeaders(context.traceId, context.spanId),
  ];
  const metadata = new Metadata();
  for (const { key, value } of entries) {
    try {
      metadata.set(key, key.toLowerCase().endsWith('-bin') ? Buffer.from(value, 'base64') : value);
    } catch (error) {
      throw failTriggerRequest(
        `metadata "${key}" cannot be sent: ${(error as Error).message}`,
        'metadata keys are lower-case letters, digits and -_. ; values of keys ending in -bin are base64',
        context,
      );
    }
  }
  return metadata;
}

function authMetadata(auth: HttpAuth | undefined, context: TriggerContext): KeyValue[] {
  switch (auth?.type) {
    case undefined:
      return [];
    case 'basic': {
      const userinfo = `${auth.basic.username}:${auth.basic.password}`;
      return [{ key: 'authorization', value: `Basic ${Buffer.from(userinfo, 'utf8').toString('base64')}` }];
    }
    case 'bearer':
      return [{ key: 'authorization', value: auth.bearer.token }];
    case 'apiKey':
      if (!['', 'header', 'query'].includes(auth.apiKey.in)) {
        throw failTriggerRequest(
          `apiKey auth has in: "${auth.apiKey.in}", expected "header" or "query"`,
          'write in: header; a gRPC call sends the key as metadata either way',
          context,
        );
      }
      return [{ key: auth.apiKey.key, value: auth.apiKey.value }];
  }
}

function metadataEntries(metadata: Metadata): KeyValue[] {
  return Object.entries(metadata.toJSON()).flatMap(([key, values]) =>
    values.map((value) => ({ key, value: typeof value === 'string' ? value : value.toString('base64') })),
  );
}

interface CallOutcome {
  readonly status: StatusObject;
  readonly metadata: Metadata | undefined;
  /** The last response message, undecoded. */
  readonly message: Buffer | undefined;
}

/**
 * One call of any kind (unary or streaming) through a bidirectional stream: the request message is
 * written once and the stream half-closed, which is what a unary or server-streaming client does on the
 * wire. Fails the trigger when the server was never reached, or the deadline passed, or the run stopped.
 */
function invoke(
  client: Client,
  path: string,
  argument: Uint8Array,
  metadata: Metadata,
  target: TriggerTarget,
  context: TriggerContext,
): Promise<CallOutcome> {
  const deadlineMs = Date.now() + context.timeoutMs;
  const channel = client.getChannel();
  let reached = false;
  const watch = (state: connectivityState) => {
    if (state === connectivityState.READY) reached = true;
    if (state === connectivityState.READY || state === connectivityState.SHUTDOWN) return;
    channel.watchConnectivityState(state, deadlineMs, (error) => {
      if (!error) watch(channel.getConnectivityState(false));
    });
  };
  watch(channel.getConnectivityState(true));

  return new Promise<CallOutcome>((resolve, reject) => {
    const call = client.makeBidiStreamRequest(
      path,
      (message: Uint8Array) => Buffer.from(message),
      (message: Buffer) => message,
      metadata,
      { deadline: deadlineMs },
    );
    const onAbort = () => call.cancel();
    context.signal?.addEventListener('abort', onAbort, { once: true });
    let responseMetadata: Metadata | undefined;
    let message: Buffer | undefined;
    let status: StatusObject | undefined;
    let ended = false;
    const settle = () => {
      if (!status || !ended) return;
      context.signal?.removeEventListener('abort', onAbort);
      const failure = classifyStatus(status, reached || responseMetadata !== undefined, deadlineMs, context);
      if (failure) reject(failTrigger(describeNetworkFailure(failure, target, context)));
      else resolve({ status, metadata: responseMetadata, message });
    };
    call.on('metadata', (received: Metadata) => {
      responseMetadata = received;
    });
    call.on('data', (received: Buffer) => {
      message = received;
    });
    // A non-OK status is also emitted as an error; the status event carries it.
    call.on('error', () => {});
    call.on('status', (received: StatusObject) => {
      status = received;
      settle();
    });
    call.on('end', () => {
      ended = true;
      settle();
    });
    if (context.signal?.aborted) call.cancel();
    call.write(argument);
    call.end();
  });
}

/** A status that means the call never got a real answer, as a network failure; else undefined. */
function classifyStatus(
  status: StatusObject,
  reached: boolean,
  deadlineMs: number,
  context: TriggerContext,
): NetworkFailure | undefined {
  if (status.code === grpcStatus.CANCELLED && context.signal?.aborted) return { kind: 'aborted' };
  // Our own deadline (timers may fire a little before the wall clock reaches it); a server's own
  // DEADLINE_EXCEEDED arrives earlier and is a response.
  if (status.code === grpcStatus.DEADLINE_EXCEEDED && Date.now() >= deadlineMs - 100) {
    return reached
      ? { kind: 'timeout', timeoutMs: context.timeoutMs }
      : { kind: 'connect-timeout', timeoutMs: context.timeoutMs };
  }
  if (status.code === grpcStatus.UNAVAILABLE && !reached) {
    // grpc-js reports why the connection failed only as text: "No connection established. Last error: …".
    const lastError = /Last error: (?:Error: )?(.*?)\.?(?: Resolution note:.*)?$/s.exec(status.details)?.[1];
    const reason = lastError || status.details;
    const code =
      /\b(E[A-Z]{3,}|ERR_[A-Z_]+)\b/.exec(reason)?.[1] ??
      CERTIFICATE_MESSAGES.find(([pattern]) => pattern.test(reason))?.[1];
    return { kind: 'error', cause: Object.assign(new Error(reason), code ? { code } : {}) };
  }
  return undefined;
}

/** OpenSSL's texts of certificate failures, which grpc-js passes on without their codes. */
const CERTIFICATE_MESSAGES: readonly (readonly [RegExp, string])[] = [
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
];
