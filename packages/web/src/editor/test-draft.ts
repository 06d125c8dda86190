/**
 * A test as its form edits it: every field a plain string, list or flag, for each trigger type at once
 * (switching the type keeps what was typed). `testFromDraft` turns it into the definition the API
 * stores; `draftFromTest` reads a stored test back.
 */
import type { KeyValueView, TestView, TriggerView } from '../api/api-types';

/** Trigger types the form edits; others (integrations, Playwright Engine) are kept as stored. */
export const FORM_TRIGGER_TYPES = ['http', 'grpc', 'graphql', 'kafka', 'traceid'] as const;
export type FormTriggerType = (typeof FORM_TRIGGER_TYPES)[number];

export const TRIGGER_TYPE_LABELS: Readonly<Record<FormTriggerType, string>> = {
  http: 'HTTP',
  grpc: 'gRPC',
  graphql: 'GraphQL',
  kafka: 'Kafka',
  traceid: 'TraceID',
};

export type AuthType = '' | 'basic' | 'bearer' | 'apiKey';

export interface AuthDraft {
  readonly type: AuthType;
  readonly username: string;
  readonly password: string;
  readonly token: string;
  readonly key: string;
  readonly value: string;
  readonly in: 'header' | 'query';
}

export interface SpecDraft {
  readonly name: string;
  readonly selector: string;
  readonly assertions: readonly string[];
}

export interface OutputDraft {
  readonly name: string;
  readonly selector: string;
  readonly value: string;
}

export interface TestDraft {
  readonly id?: string;
  readonly name: string;
  readonly description: string;
  /** A form type, or the stored type of a trigger the form does not edit. */
  readonly triggerType: string;
  readonly http: {
    readonly method: string;
    readonly url: string;
    readonly headers: readonly KeyValueView[];
    readonly body: string;
    readonly auth: AuthDraft;
    readonly sslVerification: boolean;
  };
  readonly grpc: {
    readonly protobufFile: string;
    readonly address: string;
    readonly method: string;
    readonly request: string;
    readonly metadata: readonly KeyValueView[];
  };
  readonly graphql: {
    readonly url: string;
    readonly headers: readonly KeyValueView[];
    readonly auth: AuthDraft;
    readonly query: string;
    /** A JSON object of strings, as typed. */
    readonly variables: string;
    readonly operationName: string;
    readonly schema: string;
    readonly sslVerification: boolean;
  };
  readonly kafka: {
    /** One broker per line (or comma-separated). */
    readonly brokerUrls: string;
    readonly topic: string;
    readonly messageKey: string;
    readonly messageValue: string;
    readonly headers: readonly KeyValueView[];
    readonly username: string;
    readonly password: string;
    readonly sslVerification: boolean;
  };
  readonly traceid: { readonly id: string };
  readonly specs: readonly SpecDraft[];
  readonly outputs: readonly OutputDraft[];
  readonly skipTraceCollection: boolean;
  readonly pollingProfile: string;
  /** The stored trigger when its type is not one of the form's (kept unchanged on save). */
  readonly otherTrigger?: TriggerView;
}

export const EMPTY_AUTH: AuthDraft = {
  type: '',
  username: '',
  password: '',
  token: '',
  key: '',
  value: '',
  in: 'header',
};

/** A new test: an HTTP GET with nothing filled in. */
export function createEmptyDraft(): TestDraft {
  return {
    name: '',
    description: '',
    triggerType: 'http',
    http: { method: 'GET', url: '', headers: [], body: '', auth: EMPTY_AUTH, sslVerification: false },
    grpc: { protobufFile: '', address: '', method: '', request: '', metadata: [] },
    graphql: {
      url: '',
      headers: [],
      auth: EMPTY_AUTH,
      query: '',
      variables: '',
      operationName: '',
      schema: '',
      sslVerification: false,
    },
    kafka: {
      brokerUrls: '',
      topic: '',
      messageKey: '',
      messageValue: '',
      headers: [],
      username: '',
      password: '',
      sslVerification: false,
    },
    traceid: { id: '${var:TRACE_ID}' },
    specs: [],
    outputs: [],
    skipTraceCollection: false,
    pollingProfile: '',
  };
}

export function isFormTriggerType(type: string): type is FormTriggerType {
  return (FORM_TRIGGER_TYPES as readonly string[]).includes(type);
}

type Json = Readonly<Record<string, unknown>>;

function objectAt(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function textAt(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function entriesAt(value: unknown): KeyValueView[] {
  return Array.isArray(value)
    ? value.map((entry) => ({ key: textAt(objectAt(entry).key), value: textAt(objectAt(entry).value) }))
    : [];
}

function authFromJson(value: unknown): AuthDraft {
  const auth = objectAt(value);
  switch (auth.type) {
    case 'basic': {
      const basic = objectAt(auth.basic);
      return {
        ...EMPTY_AUTH,
        type: 'basic',
        username: textAt(basic.username),
        password: textAt(basic.password),
      };
    }
    case 'bearer':
      return { ...EMPTY_AUTH, type: 'bearer', token: textAt(objectAt(auth.bearer).token) };
    case 'apiKey': {
      const apiKey = objectAt(auth.apiKey);
      return {
        ...EMPTY_AUTH,
        type: 'apiKey',
        key: textAt(apiKey.key),
        value: textAt(apiKey.value),
        in: apiKey.in === 'query' ? 'query' : 'header',
      };
    }
    default:
      return EMPTY_AUTH;
  }
}

function authToJson(auth: AuthDraft): Json | undefined {
  switch (auth.type) {
    case 'basic':
      return { type: 'basic', basic: { username: auth.username, password: auth.password } };
    case 'bearer':
      return { type: 'bearer', bearer: { token: auth.token } };
    case 'apiKey':
      return { type: 'apiKey', apiKey: { key: auth.key, value: auth.value, in: auth.in } };
    case '':
      return undefined;
  }
}

/** Reads a stored test into the form. */
export function draftFromTest(test: TestView): TestDraft {
  const empty = createEmptyDraft();
  const trigger = test.trigger;
  let draft: TestDraft = {
    ...empty,
    ...(test.id ? { id: test.id } : {}),
    name: test.name ?? '',
    description: test.description ?? '',
    triggerType: trigger.type,
    specs: (test.specs ?? []).map((spec) => ({
      name: spec.name ?? '',
      selector: spec.selector,
      assertions: [...spec.assertions],
    })),
    outputs: (test.outputs ?? []).map((output) => ({ ...output })),
    skipTraceCollection: (test as { skipTraceCollection?: boolean }).skipTraceCollection === true,
    pollingProfile: textAt((test as { pollingProfile?: string }).pollingProfile),
  };
  switch (trigger.type) {
    case 'http': {
      const http = objectAt(trigger.httpRequest);
      draft = {
        ...draft,
        http: {
          method: textAt(http.method) || 'GET',
          url: textAt(http.url),
          headers: entriesAt(http.headers),
          body: textAt(http.body),
          auth: authFromJson(http.auth),
          sslVerification: http.sslVerification === true,
        },
      };
      break;
    }
    case 'grpc': {
      const grpc = objectAt(trigger.grpc);
      draft = {
        ...draft,
        grpc: {
          protobufFile: textAt(grpc.protobufFile),
          address: textAt(grpc.address),
          method: textAt(grpc.method),
          request: textAt(grpc.request),
          metadata: entriesAt(grpc.metadata),
        },
      };
      break;
    }
    case 'graphql': {
      const graphql = objectAt(trigger.graphql);
      const body = objectAt(graphql.body);
      const variables = objectAt(body.variables);
      draft = {
        ...draft,
        graphql: {
          url: textAt(graphql.url),
          headers: entriesAt(graphql.headers),
          auth: authFromJson(graphql.auth),
          query: textAt(body.query),
          variables: Object.keys(variables).length === 0 ? '' : JSON.stringify(variables, null, 2),
          operationName: textAt(body.operationName),
          schema: textAt(graphql.schema),
          sslVerification: graphql.sslVerification === true,
        },
      };
      break;
    }
    case 'kafka': {
      const kafka = objectAt(trigger.kafka);
      const plain = objectAt(objectAt(kafka.authentication).plain);
      draft = {
        ...draft,
        kafka: {
          brokerUrls: Array.isArray(kafka.brokerUrls) ? kafka.brokerUrls.map(textAt).join('\n') : '',
          topic: textAt(kafka.topic),
          messageKey: textAt(kafka.messageKey),
          messageValue: textAt(kafka.messageValue),
          headers: entriesAt(kafka.headers),
          username: textAt(plain.username),
          password: textAt(plain.password),
          sslVerification: kafka.sslVerification === true,
        },
      };
      break;
    }
    case 'traceid':
      draft = { ...draft, traceid: { id: textAt(objectAt(trigger.traceid).id) } };
      break;
    default:
      draft = { ...draft, otherTrigger: trigger };
  }
  return draft;
}

/** Rows whose key and value are both empty are the form's blank rows, not entries. */
function filledEntries(entries: readonly KeyValueView[]): KeyValueView[] {
  return entries.filter((entry) => entry.key.trim() !== '' || entry.value !== '');
}

/** The GraphQL variables text as the map the definition holds, or why it is not one. */
export function parseGraphqlVariables(
  text: string,
): { ok: true; variables: Record<string, string> } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, variables: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: `variables must be a JSON object, e.g. {"id": "7"} (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'variables must be a JSON object, e.g. {"id": "7"}' };
  }
  const variables: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    variables[key] = typeof entry === 'string' ? entry : JSON.stringify(entry);
  }
  return { ok: true, variables };
}

function triggerFromDraft(draft: TestDraft): TriggerView {
  switch (draft.triggerType) {
    case 'http': {
      const { http } = draft;
      const auth = authToJson(http.auth);
      return {
        type: 'http',
        httpRequest: {
          method: http.method,
          url: http.url.trim(),
          headers: filledEntries(http.headers),
          body: http.body,
          ...(auth ? { auth } : {}),
          sslVerification: http.sslVerification,
        },
      };
    }
    case 'grpc': {
      const { grpc } = draft;
      const metadata = filledEntries(grpc.metadata);
      return {
        type: 'grpc',
        grpc: {
          protobufFile: grpc.protobufFile,
          address: grpc.address.trim(),
          method: grpc.method,
          ...(grpc.request.trim() === '' ? {} : { request: grpc.request }),
          ...(metadata.length === 0 ? {} : { metadata }),
        },
      };
    }
    case 'graphql': {
      const { graphql } = draft;
      const auth = authToJson(graphql.auth);
      const headers = filledEntries(graphql.headers);
      const variables = parseGraphqlVariables(graphql.variables);
      const body = {
        ...(graphql.query === '' ? {} : { query: graphql.query }),
        ...(variables.ok && Object.keys(variables.variables).length > 0
          ? { variables: variables.variables }
          : {}),
        ...(graphql.operationName.trim() === '' ? {} : { operationName: graphql.operationName.trim() }),
      };
      return {
        type: 'graphql',
        graphql: {
          url: graphql.url.trim(),
          ...(headers.length === 0 ? {} : { headers }),
          ...(auth ? { auth } : {}),
          body,
          ...(graphql.schema === '' ? {} : { schema: graphql.schema }),
          sslVerification: graphql.sslVerification,
        },
      };
    }
    case 'kafka': {
      const { kafka } = draft;
      const headers = filledEntries(kafka.headers);
      return {
        type: 'kafka',
        kafka: {
          brokerUrls: kafka.brokerUrls
            .split(/[\n,]/)
            .map((broker) => broker.trim())
            .filter((broker) => broker !== ''),
          topic: kafka.topic.trim(),
          ...(kafka.messageKey === '' ? {} : { messageKey: kafka.messageKey }),
          messageValue: kafka.messageValue,
          ...(headers.length === 0 ? {} : { headers }),
          ...(kafka.username === '' && kafka.password === ''
            ? {}
            : {
                authentication: {
                  type: 'plain',
                  plain: { username: kafka.username, password: kafka.password },
                },
              }),
          sslVerification: kafka.sslVerification,
        },
      };
    }
    case 'traceid':
      return { type: 'traceid', traceid: { id: draft.traceid.id.trim() } };
    default:
      return draft.otherTrigger ?? { type: draft.triggerType };
  }
}

/** The spec of the definition the API stores (`{type: 'Test', spec}`). */
export function testSpecFromDraft(draft: TestDraft): Record<string, unknown> {
  return {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name.trim(),
    description: draft.description,
    trigger: triggerFromDraft(draft),
    specs: draft.specs.map((spec) => ({
      ...(spec.name.trim() === '' ? {} : { name: spec.name.trim() }),
      selector: spec.selector,
      assertions: spec.assertions.filter((assertion) => assertion.trim() !== ''),
    })),
    outputs: draft.outputs.map((output) => ({ ...output })),
    ...(draft.skipTraceCollection ? { skipTraceCollection: true } : {}),
    ...(draft.pollingProfile.trim() === '' ? {} : { pollingProfile: draft.pollingProfile.trim() }),
  };
}
