import type {
  GraphqlRequest,
  GrpcRequest,
  HttpAuth,
  HttpRequest,
  KafkaAuthentication,
  KafkaRequest,
  KeyValue,
  TriggerRequest,
} from './trigger';

/** Resolves `${…}` in one field's text; throws when an expression cannot be resolved. */
export type ResolveText = (text: string) => string;

/**
 * Returns a copy of `trigger` with `resolve` applied to every resolvable field (SPEC §2.2), with the
 * recommended behaviours: Kafka `topic` and `messageValue` are resolved too (Q18), GraphQL fields and
 * gRPC auth are resolved like their HTTP counterparts, and an integration trigger gets
 * `traceid.id = resolve('${env:TRACE_ID}')` (§2.7). Fields that are not resolvable (method,
 * sslVerification, proto files) are copied unchanged. An error thrown by `resolve` propagates: the
 * caller ends the run TRIGGER_FAILED with its text (Q23) instead of sending an unresolved request.
 * @example resolveTrigger({type: 'traceid', traceid: {id: '${var:TRACE_ID}'}}, resolveTemplate)
 */
export function resolveTrigger(trigger: TriggerRequest, resolve: ResolveText): TriggerRequest {
  switch (trigger.type) {
    case 'http':
      return { ...trigger, httpRequest: resolveHttpRequest(trigger.httpRequest, resolve) };
    case 'grpc':
      return { ...trigger, grpc: resolveGrpcRequest(trigger.grpc, resolve) };
    case 'traceid':
      return { ...trigger, traceid: { ...trigger.traceid, id: resolve(trigger.traceid.id) } };
    case 'graphql':
      return { ...trigger, graphql: resolveGraphqlRequest(trigger.graphql, resolve) };
    case 'kafka':
      return { ...trigger, kafka: resolveKafkaRequest(trigger.kafka, resolve) };
    case 'cypress':
    case 'playwright':
    case 'k6':
    case 'artillery':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression language's interpolation
      return { type: trigger.type, traceid: { id: resolve('${env:TRACE_ID}') } };
  }
}

function resolveHttpRequest(request: HttpRequest, resolve: ResolveText): HttpRequest {
  return {
    ...request,
    url: resolve(request.url),
    ...(request.headers && { headers: resolveKeyValues(request.headers, resolve) }),
    ...(request.body && { body: resolve(request.body) }),
    ...(request.auth && { auth: resolveAuth(request.auth, resolve) }),
  };
}

function resolveGrpcRequest(request: GrpcRequest, resolve: ResolveText): GrpcRequest {
  return {
    ...request,
    address: resolve(request.address),
    method: resolve(request.method),
    ...(request.request && { request: resolve(request.request) }),
    ...(request.metadata && { metadata: resolveKeyValues(request.metadata, resolve) }),
    ...(request.auth && { auth: resolveAuth(request.auth, resolve) }),
  };
}

function resolveGraphqlRequest(request: GraphqlRequest, resolve: ResolveText): GraphqlRequest {
  const body = request.body;
  return {
    ...request,
    url: resolve(request.url),
    ...(request.headers && { headers: resolveKeyValues(request.headers, resolve) }),
    ...(request.auth && { auth: resolveAuth(request.auth, resolve) }),
    ...(body && {
      body: {
        ...body,
        ...(body.query && { query: resolve(body.query) }),
        ...(body.operationName && { operationName: resolve(body.operationName) }),
        ...(body.variables && {
          variables: resolveJsonStrings(body.variables, resolve) as Record<string, unknown>,
        }),
      },
    }),
  };
}

function resolveKafkaRequest(request: KafkaRequest, resolve: ResolveText): KafkaRequest {
  return {
    ...request,
    brokerUrls: request.brokerUrls.map((url) => resolve(url)),
    topic: resolve(request.topic),
    messageValue: resolve(request.messageValue),
    ...(request.messageKey && { messageKey: resolve(request.messageKey) }),
    ...(request.headers && { headers: resolveKeyValues(request.headers, resolve) }),
    ...(request.authentication && {
      authentication: resolveKafkaAuthentication(request.authentication, resolve),
    }),
    ...(request.authetication && {
      authetication: resolveKafkaAuthentication(request.authetication, resolve),
    }),
  };
}

function resolveKafkaAuthentication(auth: KafkaAuthentication, resolve: ResolveText): KafkaAuthentication {
  return {
    ...auth,
    plain: { username: resolve(auth.plain.username), password: resolve(auth.plain.password) },
  };
}

function resolveKeyValues(entries: readonly KeyValue[], resolve: ResolveText): KeyValue[] {
  return entries.map((entry) => ({ key: resolve(entry.key), value: resolve(entry.value) }));
}

function resolveAuth(auth: HttpAuth, resolve: ResolveText): HttpAuth {
  switch (auth.type) {
    case 'basic':
      return {
        ...auth,
        basic: { username: resolve(auth.basic.username), password: resolve(auth.basic.password) },
      };
    case 'bearer':
      return { ...auth, bearer: { token: resolve(auth.bearer.token) } };
    case 'apiKey':
      return {
        ...auth,
        apiKey: {
          key: resolve(auth.apiKey.key),
          value: resolve(auth.apiKey.value),
          in: resolve(auth.apiKey.in),
        },
      };
  }
}

/** GraphQL variables may hold any JSON: every string inside is resolved, other values are kept. */
function resolveJsonStrings(value: unknown, resolve: ResolveText): unknown {
  if (typeof value === 'string') return resolve(value);
  if (Array.isArray(value)) return value.map((item) => resolveJsonStrings(item, resolve));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveJsonStrings(item, resolve)]),
    );
  }
  return value;
}
