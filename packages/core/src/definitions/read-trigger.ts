import {
  type GraphqlRequest,
  type GrpcRequest,
  type HeaderEntry,
  HTTP_METHODS,
  type HttpAuth,
  type HttpRequest,
  type KafkaAuthentication,
  type KafkaRequest,
  type PlaywrightEngineRequest,
  TRIGGER_TYPES,
  type TraceIdRequest,
  type Trigger,
  type TriggerType,
} from './trigger';
import {
  type Field,
  hasContent,
  type MapReader,
  type ReadContext,
  readMapping,
  readOneOf,
  readText,
  report,
  withoutUndefined,
} from './yaml-reader';

/** YAML key of the object each trigger type reads. */
const OBJECT_KEYS = {
  http: 'httpRequest',
  grpc: 'grpc',
  traceid: 'traceid',
  kafka: 'kafka',
  graphql: 'graphql',
  playwrightengine: 'playwrightEngine',
} as const satisfies Partial<Record<TriggerType, string>>;
type ObjectTriggerType = keyof typeof OBJECT_KEYS;

/** Keys of the v2 (`triggerType`) and v1 (`Type`, `HTTP`, …) JSON shapes of SPEC §1.4. */
const LEGACY_OBJECT_KEYS = { http: 'http', grpc: 'grpc', traceid: 'traceid' } as const;

/**
 * Reads `trigger:` (SPEC §2) in its current shape `{type, httpRequest|grpc|…}`, its v2 shape
 * `{triggerType, http|grpc|traceid}` or its v1 shape `{Type, HTTP, GRPC, TraceID}`.
 */
export function readTrigger(ctx: ReadContext, field: Field): Trigger | undefined {
  const probe = readMapping(ctx, field);
  if (!probe) return undefined;
  if (probe.has('type')) return readCurrentTrigger(ctx, probe);
  if (probe.has('triggerType')) {
    report(
      ctx,
      'warning',
      'LEGACY_SHAPE',
      'the v2 trigger shape {triggerType, http} is read as {type, httpRequest}; write type: and httpRequest:',
      field.path,
      probe.keyOffset('triggerType'),
    );
    return readLegacyTrigger(ctx, probe, 'triggerType');
  }
  const v1 = readMapping(ctx, field, { ignoreKeyCase: true });
  if (v1?.has('type')) {
    report(
      ctx,
      'warning',
      'LEGACY_SHAPE',
      'the v1 trigger shape {Type, HTTP, GRPC, TraceID} is read as {type, httpRequest, grpc, traceid}; write the current shape',
      field.path,
      v1.keyOffset('type'),
    );
    return readLegacyTrigger(ctx, v1, 'type');
  }
  probe.missing('type', `expected one of ${TRIGGER_TYPES.join(', ')}`);
  return undefined;
}

function readCurrentTrigger(ctx: ReadContext, m: MapReader): Trigger | undefined {
  const type = m.oneOf('type', TRIGGER_TYPES, { required: true });
  const objectKey = type !== undefined && type in OBJECT_KEYS ? OBJECT_KEYS[type as ObjectTriggerType] : '';
  for (const key of Object.values(OBJECT_KEYS)) {
    if (key !== objectKey) warnIgnoredObject(ctx, m, key, type);
  }
  const trigger = type === undefined ? undefined : readTriggerObject(ctx, m, type, objectKey);
  m.finish();
  return trigger;
}

function readLegacyTrigger(ctx: ReadContext, m: MapReader, typeKey: string): Trigger | undefined {
  const typeField = m.field(typeKey);
  if (!typeField) {
    m.missing(typeKey, `expected one of ${Object.keys(LEGACY_OBJECT_KEYS).join(', ')}`);
    m.finish();
    return undefined;
  }
  const type = readOneOf(ctx, typeField, Object.keys(LEGACY_OBJECT_KEYS) as ObjectTriggerType[], true);
  const objectKey = type === undefined ? '' : LEGACY_OBJECT_KEYS[type as keyof typeof LEGACY_OBJECT_KEYS];
  for (const key of Object.values(LEGACY_OBJECT_KEYS)) {
    if (key !== objectKey) warnIgnoredObject(ctx, m, key, type);
  }
  const trigger = type === undefined ? undefined : readTriggerObject(ctx, m, type, objectKey);
  m.finish();
  return trigger;
}

function warnIgnoredObject(ctx: ReadContext, m: MapReader, key: string, type: string | undefined): void {
  const field = m.field(key);
  if (!field || type === undefined || !hasContent(field.node)) return;
  report(
    ctx,
    'warning',
    'IGNORED_FIELD',
    `"${key}" is ignored because the trigger type is ${type}; remove it or change the type`,
    field.path,
    m.keyOffset(key),
  );
}

function readTriggerObject(
  ctx: ReadContext,
  m: MapReader,
  type: TriggerType,
  objectKey: string,
): Trigger | undefined {
  if (objectKey === '') return { type } as Trigger;
  const object = m.mapping(objectKey);
  if (!object) {
    if (!m.field(objectKey)) m.missing(objectKey, `a ${type} trigger reads its request from "${objectKey}"`);
    return undefined;
  }
  switch (type) {
    case 'http': {
      const httpRequest = readHttpRequest(ctx, object);
      return httpRequest && { type, httpRequest };
    }
    case 'grpc':
      return { type, grpc: readGrpcRequest(ctx, object) };
    case 'kafka':
      return { type, kafka: readKafkaRequest(ctx, object) };
    case 'traceid':
      return { type, traceid: readTraceIdRequest(object) };
    case 'graphql':
      return { type, graphql: readGraphqlRequest(ctx, object) };
    case 'playwrightengine':
      return { type, playwrightEngine: readPlaywrightEngineRequest(object) };
    default:
      return { type } as Trigger;
  }
}

/** Reads a list of `{key, value}`; `keyRequired` rejects empty keys (HTTP headers, SPEC §2.3). */
export function readKeyValues(
  m: MapReader,
  key: string,
  options: { readonly keyRequired?: boolean } = {},
): HeaderEntry[] | undefined {
  const items = m.items(key);
  if (!items) return undefined;
  const out: HeaderEntry[] = [];
  for (const item of items) {
    const entry = m.sub(item);
    if (!entry) continue;
    const entryKey = entry.string('key', { required: options.keyRequired ? 'non-empty' : false }) ?? '';
    const value = entry.string('value') ?? '';
    entry.finish();
    out.push({ key: entryKey, value });
  }
  return out;
}

function readHttpRequest(ctx: ReadContext, m: MapReader): HttpRequest | undefined {
  const url =
    m.string('url', {
      required: 'non-empty',
      hint: 'expected the URL to call, e.g. http://shop.local/health',
    }) ?? '';
  const method = m.oneOf('method', HTTP_METHODS, { required: true, ignoreCase: true }) ?? 'GET';
  const headers = readKeyValues(m, 'headers', { keyRequired: true }) ?? [];
  const body = m.string('body') ?? '';
  const authField = m.fieldOrAlias(
    'auth',
    'authentication',
    'an alias shown in old docs; Tracetest ignores it',
  );
  const auth = authField && readHttpAuth(ctx, m, authField);
  const sslVerification = m.boolean('sslVerification') ?? false;
  m.finish();
  return withoutUndefined({ url, method, headers, body, auth, sslVerification });
}

const AUTH_TYPES = ['basic', 'bearer', 'apiKey'] as const;

/** Reads an HTTP auth object (SPEC §2.3); `undefined` when its `type` is empty (no auth). */
export function readHttpAuth(ctx: ReadContext, parent: MapReader, field: Field): HttpAuth | undefined {
  const m = parent.sub(field);
  if (!m) return undefined;
  const typeText = m.string('type') ?? '';
  const type = typeText === '' ? undefined : m.oneOf('type', AUTH_TYPES);
  for (const key of AUTH_TYPES) {
    const sub = m.field(key);
    if (key !== type && sub && hasContent(sub.node)) {
      report(
        ctx,
        'warning',
        'IGNORED_FIELD',
        typeText === ''
          ? `"${key}" is ignored because the auth has no type; add type: ${key}`
          : `"${key}" is ignored because the auth type is ${typeText}`,
        sub.path,
        m.keyOffset(key),
      );
    }
  }
  let auth: HttpAuth | undefined;
  switch (type) {
    case 'basic': {
      const basic = m.mapping('basic', { required: true });
      if (basic) {
        const username = basic.fieldOrAlias(
          'username',
          'user',
          'an alias shown in the docs; Tracetest ignores it',
        );
        auth = {
          type,
          basic: {
            username: (username && readText(ctx, username)) ?? '',
            password: basic.string('password') ?? '',
          },
        };
        basic.finish();
      }
      break;
    }
    case 'bearer': {
      const bearer = m.mapping('bearer', { required: true });
      if (bearer) {
        auth = { type, bearer: { token: bearer.string('token') ?? '' } };
        bearer.finish();
      }
      break;
    }
    case 'apiKey': {
      const apiKey = m.mapping('apiKey', { required: true });
      if (apiKey) {
        auth = {
          type,
          apiKey: {
            key: apiKey.string('key', { required: 'non-empty' }) ?? '',
            value: apiKey.string('value') ?? '',
            in: apiKey.oneOf('in', ['header', 'query'] as const, { required: true }) ?? 'header',
          },
        };
        apiKey.finish();
      }
      break;
    }
    default:
      break;
  }
  m.finish();
  return auth;
}

function readGrpcRequest(ctx: ReadContext, m: MapReader): GrpcRequest {
  const protobufFile =
    m.string('protobufFile', {
      required: 'non-empty',
      hint: 'expected the .proto text or a path such as ./api.proto',
    }) ?? '';
  const address =
    m.string('address', { required: 'non-empty', hint: 'expected host:port, e.g. rpc.local:8082' }) ?? '';
  const method = m.string('method', { required: 'non-empty', hint: 'expected package.Service.Method' }) ?? '';
  const request = m.string('request');
  const metadata = readKeyValues(m, 'metadata');
  const service = m.string('service');
  const authField = m.field('auth');
  const auth = authField && readHttpAuth(ctx, m, authField);
  m.finish();
  return withoutUndefined({ protobufFile, address, method, request, metadata, service, auth });
}

function readKafkaRequest(ctx: ReadContext, m: MapReader): KafkaRequest {
  const brokerUrls =
    m.strings('brokerUrls', { required: 'non-empty', hint: 'expected a list of host:port' }) ?? [];
  const topic = m.string('topic', { required: 'non-empty', hint: 'expected the topic to publish to' }) ?? '';
  const messageKey = m.string('messageKey');
  const messageValue =
    m.string('messageValue', { required: true, hint: 'expected the message payload' }) ?? '';
  const headers = readKeyValues(m, 'headers');
  const authField = m.fieldOrAlias(
    'authentication',
    'authetication',
    "the Tracetest server model's misspelling (Q33)",
  );
  const authentication = authField && readKafkaAuthentication(ctx, m, authField);
  const sslVerification = m.boolean('sslVerification');
  m.finish();
  return withoutUndefined({
    brokerUrls,
    topic,
    messageKey,
    messageValue,
    headers,
    authentication,
    sslVerification,
  });
}

function readKafkaAuthentication(
  ctx: ReadContext,
  parent: MapReader,
  field: Field,
): KafkaAuthentication | undefined {
  const m = parent.sub(field);
  if (!m) return undefined;
  const typeText = m.string('type') ?? '';
  let authentication: KafkaAuthentication | undefined;
  if (typeText === '') {
    const plain = m.field('plain');
    if (plain && hasContent(plain.node)) {
      report(
        ctx,
        'warning',
        'IGNORED_FIELD',
        '"plain" is ignored because the authentication has no type; add type: plain',
        plain.path,
        m.keyOffset('plain'),
      );
    }
  } else if (m.oneOf('type', ['plain'] as const) === 'plain') {
    const plain = m.mapping('plain', { required: true });
    if (plain) {
      authentication = {
        type: 'plain',
        plain: { username: plain.string('username') ?? '', password: plain.string('password') ?? '' },
      };
      plain.finish();
    }
  }
  m.finish();
  return authentication;
}

function readTraceIdRequest(m: MapReader): TraceIdRequest {
  const id =
    m.string('id', { required: 'non-empty', hint: 'expected a trace id such as ${var:TRACE_ID}' }) ?? '';
  m.finish();
  return { id };
}

function readGraphqlRequest(ctx: ReadContext, m: MapReader): GraphqlRequest {
  const url = m.string('url', { required: 'non-empty' }) ?? '';
  const headers = readKeyValues(m, 'headers');
  const authField = m.field('auth');
  const auth = authField && readHttpAuth(ctx, m, authField);
  const bodyMap = m.mapping('body');
  let body: GraphqlRequest['body'];
  if (bodyMap) {
    body = withoutUndefined({
      query: bodyMap.string('query'),
      variables: bodyMap.stringMap('variables'),
      operationName: bodyMap.string('operationName'),
    });
    bodyMap.finish();
  }
  const sslVerification = m.boolean('sslVerification');
  const schema = m.string('schema');
  m.finish();
  return withoutUndefined({ url, headers, auth, body, sslVerification, schema });
}

function readPlaywrightEngineRequest(m: MapReader): PlaywrightEngineRequest {
  const target = m.string('target', { required: 'non-empty' }) ?? '';
  const script = m.string('script', { required: 'non-empty' }) ?? '';
  const method = m.string('method', { required: 'non-empty' }) ?? '';
  m.finish();
  return { target, script, method };
}
