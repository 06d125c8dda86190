import type { SpanId, TraceId } from '@tracecheck/core';

/*
 * Trigger requests (SPEC §2) and trigger results (SPEC §2.11). Field names are the YAML names, the same
 * as the definition types of `@tracecheck/core`, so a parsed definition's trigger can be fired as is.
 */

/** A `{key, value}` entry of a header, metadata or message-header list. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/**
 * `auth:` of an HTTP, GraphQL or gRPC request (SPEC §2.3). `apiKey.in` is text because it is resolvable:
 * it must read `header` or `query` when the trigger fires (empty means `header`).
 */
export type HttpAuth =
  | { readonly type: 'basic'; readonly basic: { readonly username: string; readonly password: string } }
  | { readonly type: 'bearer'; readonly bearer: { readonly token: string } }
  | {
      readonly type: 'apiKey';
      readonly apiKey: { readonly key: string; readonly value: string; readonly in: string };
    };

/** `httpRequest:` of an HTTP trigger (SPEC §2.3). */
export interface HttpRequest {
  /** Scheme optional: `shop.local/health` means `http://shop.local/health`. */
  readonly url: string;
  /** Any case; upper-cased before sending. */
  readonly method: string;
  /** Sent in order, duplicates allowed; entries with an empty key are ignored. */
  readonly headers?: readonly KeyValue[];
  /** Sent verbatim when non-empty. */
  readonly body?: string;
  readonly auth?: HttpAuth;
  /** Default `false`, which DISABLES TLS certificate verification (SPEC §2.3). */
  readonly sslVerification?: boolean;
}

/** A `.proto` file imported by the trigger's proto file, at the path its `import` line names. */
export interface ProtoImportFile {
  readonly path: string;
  readonly content: string;
}

/** `grpc:` of a gRPC trigger (SPEC §2.4). */
export interface GrpcRequest {
  /** The content of the `.proto` file that declares the service. */
  readonly protobufFile: string;
  /** Files the proto file imports (Tracecheck extension); well-known `google/protobuf/*` need none. */
  readonly importFiles?: readonly ProtoImportFile[];
  /** `host:port`. */
  readonly address: string;
  /** `package.Service.Method` or `package.Service/Method`. */
  readonly method: string;
  /** JSON of the request message; unknown fields are ignored. Empty means `{}`. */
  readonly request?: string;
  /** Entries with an empty key are ignored; a later duplicate key wins. */
  readonly metadata?: readonly KeyValue[];
  /** Applied as metadata (`authorization`, or the API key's own key), unlike Tracetest. */
  readonly auth?: HttpAuth;
  /**
   * TLS for the connection (Tracecheck extension); absent means plaintext. Unlike HTTP, certificate
   * verification is on unless `sslVerification: false`.
   */
  readonly tls?: { readonly sslVerification?: boolean };
}

/** `traceid:` of a trace-id trigger (SPEC §2.6). */
export interface TraceIdRequest {
  /** 32 hex digits once resolved, typically from `${var:TRACE_ID}`. */
  readonly id: string;
}

/** `graphql.body` (SPEC §2.8). */
export interface GraphqlBody {
  readonly query?: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

/** `graphql:` of a GraphQL trigger (SPEC §2.8). */
export interface GraphqlRequest {
  readonly url: string;
  readonly headers?: readonly KeyValue[];
  /** Applied (Q19), unlike Tracetest which drops it. */
  readonly auth?: HttpAuth;
  readonly body?: GraphqlBody;
  /** As HTTP: default `false` disables certificate verification. */
  readonly sslVerification?: boolean;
  /** Used by the UI only. */
  readonly schema?: string;
}

/** SASL/PLAIN credentials of a Kafka trigger. */
export interface KafkaAuthentication {
  readonly type: 'plain';
  readonly plain: { readonly username: string; readonly password: string };
}

/** `kafka:` of a Kafka trigger (SPEC §2.5). */
export interface KafkaRequest {
  /** `host:port` of each seed broker. */
  readonly brokerUrls: readonly string[];
  readonly topic: string;
  /** Empty or absent: the message has no key. */
  readonly messageKey?: string;
  readonly messageValue: string;
  /** Message headers; a later duplicate key wins; the trace context is added here. */
  readonly headers?: readonly KeyValue[];
  readonly authentication?: KafkaAuthentication;
  /** The server model's misspelling of `authentication` (Q33), accepted as well. */
  readonly authetication?: KafkaAuthentication;
  /** `true` enables TLS (with certificate verification) for the broker connections. */
  readonly sslVerification?: boolean;
}

/** Trace-id based types fed by an external tool: they behave as `traceid` with `${env:TRACE_ID}`. */
export type IntegrationTriggerType = 'cypress' | 'playwright' | 'k6' | 'artillery';

/** A test's trigger (SPEC §2.1), discriminated by `type`; only the object matching `type` is read. */
export type TriggerRequest =
  | { readonly type: 'http'; readonly httpRequest: HttpRequest }
  | { readonly type: 'grpc'; readonly grpc: GrpcRequest }
  | { readonly type: 'traceid'; readonly traceid: TraceIdRequest }
  | { readonly type: 'graphql'; readonly graphql: GraphqlRequest }
  | { readonly type: 'kafka'; readonly kafka: KafkaRequest }
  /** `traceid` is filled by `resolveTrigger` with the resolved `${env:TRACE_ID}`. */
  | { readonly type: IntegrationTriggerType; readonly traceid?: TraceIdRequest };

export type TriggerType = TriggerRequest['type'];

/** What a trigger needs from the run. */
export interface TriggerContext {
  /** The run's trace id, injected into the request. */
  readonly traceId: TraceId;
  /** The id of the trigger span (`Tracetest trigger`), the parent of the request. */
  readonly spanId: SpanId;
  /** Limit for the whole trigger: connection, redirects, response. */
  readonly timeoutMs: number;
  /** Limit for opening a connection; default min(1000, timeoutMs), Tracetest's 1 s dial timeout. */
  readonly connectTimeoutMs?: number;
  /** Aborts the trigger (run stopped). */
  readonly signal?: AbortSignal;
  /** Whether the agent runs in a container (`detectRunningOnContainer()`); shapes connection hints. */
  readonly runningOnContainer?: boolean;
  /** Clock of `startedAtMs`/`completedAtMs`; default `Date.now`. */
  readonly nowMs?: () => number;
}

/** Response of an HTTP or GraphQL trigger (SPEC §2.3). */
export interface HttpResponse {
  /** Status line text, e.g. `200 OK`. */
  readonly status: string;
  readonly statusCode: number;
  /** One entry per header value, names in canonical Header-Case. */
  readonly headers: readonly KeyValue[];
  readonly body: string;
}

/** Response of a gRPC trigger (SPEC §2.4). A non-OK status is a response, not a failure. */
export interface GrpcResponse {
  /** Go code name: `OK`, `NotFound`, `InvalidArgument`, … */
  readonly status: string;
  /** Numeric gRPC code, 0 = OK. */
  readonly statusCode: number;
  /** Response header metadata, one entry per value. */
  readonly metadata: readonly KeyValue[];
  /** The response message as JSON (protobuf JSON names, defaults emitted, 2-space indent); "" if none. */
  readonly body: string;
}

/** Response of a trace-id based trigger (SPEC §2.6). */
export interface TraceIdResponse {
  /** The run's trace id: the resolved id when it is 32 hex digits, else the context's trace id. */
  readonly id: TraceId;
  /** Set when the resolved id was not a valid trace id and the context's trace id was kept. */
  readonly warning?: string;
}

/** Response of a Kafka trigger (SPEC §2.5). */
export interface KafkaResponse {
  readonly partition: string;
  readonly offset: string;
}

/** Why a trigger failed (SPEC §2.11); the run ends TRIGGER_FAILED with `message`. */
export interface TriggerError {
  /** A dial error or a timeout. */
  readonly connectionError: boolean;
  readonly runningOnContainer: boolean;
  /** The target host is localhost, 127.0.0.1 or ::1. */
  readonly targetsLocalhost: boolean;
  /** What failed, quoting the target. */
  readonly message: string;
  /** What to try next. */
  readonly hint?: string;
}

/** A trigger's response, keyed by its type as in SPEC §2.11. */
export type TriggerResponse =
  | { readonly type: 'http'; readonly http: HttpResponse }
  | { readonly type: 'graphql'; readonly graphql: HttpResponse }
  | { readonly type: 'grpc'; readonly grpc: GrpcResponse }
  | { readonly type: 'kafka'; readonly kafka: KafkaResponse }
  | { readonly type: 'traceid' | IntegrationTriggerType; readonly traceid: TraceIdResponse };

/** The outcome of firing a trigger: a response, or an error (never both). */
export type TriggerOutcome =
  | (TriggerResponse & { readonly error?: undefined })
  | { readonly type: TriggerType; readonly error: TriggerError };

/** A trigger's outcome with its timing (Unix ms, from the context's clock). */
export type TriggerResult = TriggerOutcome & {
  readonly startedAtMs: number;
  readonly completedAtMs: number;
};

/**
 * One trigger type. `fire` resolves to a result in every case: failures are `result.error`, never a
 * rejected promise.
 */
export interface Trigger<T> {
  readonly type: TriggerType;
  fire(request: T, context: TriggerContext): Promise<TriggerResult>;
}
