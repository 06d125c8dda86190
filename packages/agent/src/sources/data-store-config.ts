/**
 * The DataStore settings of SPEC §1.8 that describe a polled backend, with the SPEC's field names, as
 * they appear under `spec` of a `type: DataStore` document.
 */

/** TLS: `{insecure, insecureSkipVerify, serverName, settings: {cAFile, certFile, keyFile, minVersion, maxVersion}}`. */
export interface TlsSettings {
  /** Plain text instead of TLS (gRPC, and HTTP URLs written without a scheme). */
  readonly insecure?: boolean;
  /** Accept any server certificate. */
  readonly insecureSkipVerify?: boolean;
  /** Host name to verify the certificate against, when it differs from the address. */
  readonly serverName?: string;
  readonly settings?: {
    /** PEM file of the certificate authorities to trust. */
    readonly cAFile?: string;
    /** PEM files of a client certificate and its key (mutual TLS). */
    readonly certFile?: string;
    readonly keyFile?: string;
    /** `1.0` … `1.3`. */
    readonly minVersion?: string;
    readonly maxVersion?: string;
  };
}

/** HTTPAuth as Tracetest writes it: the object named by `type` is used, the others are ignored. */
export interface HttpAuth {
  readonly type?: 'apiKey' | 'basic' | 'bearer' | '';
  readonly apiKey?: { readonly key?: string; readonly value?: string; readonly in?: 'header' | 'query' };
  readonly basic?: { readonly username?: string; readonly password?: string };
  readonly bearer?: { readonly token?: string };
}

/** GRPCClientSettings of SPEC §1.8. */
export interface GrpcClientSettings {
  /** `host:port` for gRPC; Jaeger also accepts an `http(s)://` URL of its HTTP query API. */
  readonly endpoint?: string;
  /** Accepted for compatibility; Node's gRPC library sizes its buffers itself. */
  readonly readBufferSize?: number;
  /** Accepted for compatibility; Node's gRPC library sizes its buffers itself. */
  readonly writeBufferSize?: number;
  /** Wait for the channel to connect instead of failing fast while it is connecting. */
  readonly waitForReady?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** `pick_first` (default) or `round_robin`. */
  readonly balancerName?: string;
  /** Accepted for compatibility; requests are a few bytes and are sent uncompressed. */
  readonly compression?: string;
  readonly tls?: TlsSettings;
  readonly auth?: HttpAuth;
}

/** HttpClientSettings of SPEC §1.8. */
export interface HttpClientSettings {
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: TlsSettings;
  readonly auth?: HttpAuth;
}

/** `tempo` of SPEC §1.8. When `type` is absent, the one of `grpc`/`http` that is set is used. */
export interface TempoSettings {
  readonly type?: 'grpc' | 'http';
  readonly grpc?: GrpcClientSettings;
  readonly http?: HttpClientSettings;
}

/** `opensearch` / `elasticapm` of SPEC §1.8. */
export interface SearchStoreSettings {
  /** Base URLs tried in order, e.g. `https://es01:9200`. */
  readonly addresses?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  /** Index, alias or pattern searched, e.g. `traces-apm*` or `otel-v1-apm-span-*`. */
  readonly index?: string;
  /** PEM text of the certificate authority that signed the server's certificate. */
  readonly certificate?: string;
  readonly insecureSkipVerify?: boolean;
}

/** The DataStore kinds the agent polls. OTLP-based kinds are served from the agent's span cache. */
export type TraceSourceConfig =
  | { readonly type: 'jaeger'; readonly jaeger: GrpcClientSettings }
  | { readonly type: 'tempo'; readonly tempo: TempoSettings }
  | { readonly type: 'opensearch'; readonly opensearch: SearchStoreSettings }
  | { readonly type: 'elasticapm'; readonly elasticapm: SearchStoreSettings };
