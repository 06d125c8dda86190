/**
 * Trigger types of a Test (SPEC §2). The object key of each trigger matches the YAML key, so a trigger
 * prints back to the same YAML.
 */

/** A `{key, value}` entry of a header or metadata list. */
export interface HeaderEntry {
  readonly key: string;
  readonly value: string;
}

/** HTTP methods an HTTP trigger may use (SPEC §2.3); the YAML value is case-insensitive. */
export const HTTP_METHODS = [
  'GET',
  'PUT',
  'POST',
  'PATCH',
  'DELETE',
  'COPY',
  'HEAD',
  'OPTIONS',
  'LINK',
  'UNLINK',
  'PURGE',
  'LOCK',
  'UNLOCK',
  'PROPFIND',
  'VIEW',
] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * `auth:` of an HTTP-like request (SPEC §2.3). An auth with an empty `type` is absent. A bearer token is
 * sent verbatim as the `Authorization` header (Q17): no `Bearer ` prefix is added.
 */
export type HttpAuth =
  | { readonly type: 'basic'; readonly basic: { readonly username: string; readonly password: string } }
  | { readonly type: 'bearer'; readonly bearer: { readonly token: string } }
  | {
      readonly type: 'apiKey';
      readonly apiKey: { readonly key: string; readonly value: string; readonly in: 'header' | 'query' };
    };

export interface HttpRequest {
  /** Scheme optional: `shop.local/health` means `http://shop.local/health`. */
  readonly url: string;
  /** Upper-cased on reading (`post` becomes `POST`). */
  readonly method: HttpMethod;
  /** Default `[]`; sent in order, duplicates allowed. */
  readonly headers: readonly HeaderEntry[];
  /** Default `""` (no body). The CLI inlines a file when the text looks like a path (§9.6). */
  readonly body: string;
  readonly auth?: HttpAuth;
  /** Default `false`, which DISABLES TLS certificate verification. */
  readonly sslVerification: boolean;
}

export interface HttpTrigger {
  readonly type: 'http';
  readonly httpRequest: HttpRequest;
}

export interface GrpcRequest {
  /** The content of a `.proto` file, or a path the CLI inlines (§9.6). */
  readonly protobufFile: string;
  /** `host:port`, plaintext. */
  readonly address: string;
  /** `package.Service.Method` or `package.Service/Method`. */
  readonly method: string;
  /** JSON body of the request message. */
  readonly request?: string;
  readonly metadata?: readonly HeaderEntry[];
  readonly service?: string;
  readonly auth?: HttpAuth;
}

export interface GrpcTrigger {
  readonly type: 'grpc';
  readonly grpc: GrpcRequest;
}

export interface KafkaAuthentication {
  readonly type: 'plain';
  readonly plain: { readonly username: string; readonly password: string };
}

export interface KafkaRequest {
  readonly brokerUrls: readonly string[];
  readonly topic: string;
  readonly messageKey?: string;
  readonly messageValue: string;
  readonly headers?: readonly HeaderEntry[];
  /** Read from `authentication:` or from the server model's misspelling `authetication:` (Q33). */
  readonly authentication?: KafkaAuthentication;
  /** `true` enables TLS for the broker connection. */
  readonly sslVerification?: boolean;
}

export interface KafkaTrigger {
  readonly type: 'kafka';
  readonly kafka: KafkaRequest;
}

export interface TraceIdRequest {
  /** 32 hex digits or an expression producing them, typically `${var:TRACE_ID}`. */
  readonly id: string;
}

export interface TraceIdTrigger {
  readonly type: 'traceid';
  readonly traceid: TraceIdRequest;
}

export interface GraphqlBody {
  /** Query text, or a path the CLI inlines (§9.6). */
  readonly query?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly operationName?: string;
}

export interface GraphqlRequest {
  readonly url: string;
  readonly headers?: readonly HeaderEntry[];
  readonly auth?: HttpAuth;
  readonly body?: GraphqlBody;
  readonly sslVerification?: boolean;
  /** Schema text, or a path the CLI inlines (§9.6); used by the UI only. */
  readonly schema?: string;
}

export interface GraphqlTrigger {
  readonly type: 'graphql';
  readonly graphql: GraphqlRequest;
}

export interface PlaywrightEngineRequest {
  /** Base URL opened by the browser. */
  readonly target: string;
  /** JavaScript source, or a path the CLI inlines (§9.6). */
  readonly script: string;
  /** Name of the exported async function `(page) => …` to run. */
  readonly method: string;
}

export interface PlaywrightEngineTrigger {
  readonly type: 'playwrightengine';
  readonly playwrightEngine: PlaywrightEngineRequest;
}

/** Trace-id based types fed by an external tool: they behave like `traceid` with `${env:TRACE_ID}`. */
export const INTEGRATION_TRIGGER_TYPES = ['cypress', 'playwright', 'k6', 'artillery'] as const;
export type IntegrationTriggerType = (typeof INTEGRATION_TRIGGER_TYPES)[number];

export interface IntegrationTrigger {
  readonly type: IntegrationTriggerType;
}

/** A test's trigger (SPEC §2), discriminated by `type`. */
export type Trigger =
  | HttpTrigger
  | GrpcTrigger
  | KafkaTrigger
  | TraceIdTrigger
  | GraphqlTrigger
  | PlaywrightEngineTrigger
  | IntegrationTrigger;

export type TriggerType = Trigger['type'];

/** Every trigger type, in the order of SPEC §2.1. */
export const TRIGGER_TYPES: readonly TriggerType[] = [
  'http',
  'grpc',
  'traceid',
  'kafka',
  'graphql',
  'playwrightengine',
  ...INTEGRATION_TRIGGER_TYPES,
];
