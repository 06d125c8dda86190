/**
 * Resource kinds of SPEC §1, as typed values. Object keys match the YAML keys, so a resource prints back
 * to equivalent YAML. Fields with a default in the SPEC are always present (the default is filled in
 * when reading); other optional fields are absent when the file leaves them out.
 */
import type { AnalyzerErrorLevel, AnalyzerPluginId, AnalyzerRuleId } from '../analyzer/index';
import type { RequiredGate } from '../gates/index';
import type { HeaderEntry, HttpAuth, Trigger } from './trigger';

/** One entry of `spec.specs`: a selector and the assertions evaluated on each selected span. */
export interface TestSpec {
  /** Selector text (SPEC §4); `""` selects every span. */
  readonly selector: string;
  /** Shown instead of the selector in reports. */
  readonly name?: string;
  /** Assertion statements (SPEC §5). */
  readonly assertions: readonly string[];
}

/** One entry of `spec.outputs`: a variable set from the first span the selector matches. */
export interface TestOutput {
  readonly name: string;
  readonly selector: string;
  /** An expression without comparator (SPEC §5). */
  readonly value: string;
}

/** `spec` of a `Test` (SPEC §1.4). */
export interface TestDefinitionSpec {
  readonly id?: string;
  /** `""` when the file has none (reported as a warning). */
  readonly name: string;
  /** Default `""`. */
  readonly description: string;
  readonly trigger: Trigger;
  /** Default `[]`; every spec is kept in order, even with a repeated selector (Q16). */
  readonly specs: readonly TestSpec[];
  /** Default `[]`; a later output with the same name overrides an earlier one (Q16). */
  readonly outputs: readonly TestOutput[];
  /** Default `false`. */
  readonly skipTraceCollection: boolean;
  /** Id of a polling profile, or a file path the CLI applies first (§9.6). */
  readonly pollingProfile?: string;
  /** Read-only. */
  readonly version?: number;
  /** Read-only, RFC 3339. */
  readonly createdAt?: string;
}

export interface TestResource {
  readonly type: 'Test';
  readonly spec: TestDefinitionSpec;
}

/** `spec` of a `TestSuite`, also read from the legacy `Transaction` (SPEC §1.5). */
export interface TestSuiteSpec {
  readonly id?: string;
  /** `""` when the file has none (reported as a warning). */
  readonly name: string;
  readonly description?: string;
  /** Test ids, or file paths (`./`, `../`, `/`) the CLI applies and replaces by ids (§9.6). */
  readonly steps: readonly string[];
  /** Read-only. */
  readonly version?: number;
  /** Read-only, RFC 3339. */
  readonly createdAt?: string;
}

export interface TestSuiteResource {
  readonly type: 'TestSuite';
  readonly spec: TestSuiteSpec;
}

export interface VariableSetValue {
  readonly key: string;
  /** The exact source text, also for YAML numbers and booleans (Q32: `0045` stays `0045`). */
  readonly value: string;
  /** Default `raw`. Secret values are never printed in reports or logs (SPEC §6.5). */
  readonly type: 'raw' | 'secret';
}

/** `spec` of a `VariableSet`, also read from the legacy `Environment` with `values` (SPEC §1.6). */
export interface VariableSetSpec {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
  readonly values?: readonly VariableSetValue[];
}

export interface VariableSetResource {
  readonly type: 'VariableSet';
  readonly spec: VariableSetSpec;
}

/** `periodic:` of a polling profile. Durations are Go duration texts (`500ms`, `1m30s`). */
export interface PeriodicPolling {
  readonly retryDelay: string;
  readonly timeout: string;
  /** Default `0`. */
  readonly selectorMatchRetries: number;
}

interface PollingProfileBase {
  readonly id?: string;
  readonly name: string;
  /** Default `false`; the default profile is used when a test names none. */
  readonly default: boolean;
}

/** `spec` of a `PollingProfile` (SPEC §1.7). */
export type PollingProfileSpec =
  | (PollingProfileBase & { readonly strategy: 'periodic'; readonly periodic: PeriodicPolling })
  | (PollingProfileBase & { readonly strategy: 'no-polling'; readonly periodic?: PeriodicPolling });

export interface PollingProfileResource {
  readonly type: 'PollingProfile';
  readonly spec: PollingProfileSpec;
}

export interface TlsSettings {
  readonly insecure?: boolean;
  readonly insecureSkipVerify?: boolean;
  readonly serverName?: string;
  readonly settings?: {
    readonly cAFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly minVersion?: string;
    readonly maxVersion?: string;
  };
}

export const GRPC_COMPRESSIONS = ['gzip', 'zlib', 'deflate', 'snappy', 'zstd', 'none', ''] as const;

export interface GrpcClientSettings {
  readonly endpoint?: string;
  readonly readBufferSize?: number;
  readonly writeBufferSize?: number;
  readonly waitForReady?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  readonly balancerName?: string;
  readonly compression?: (typeof GRPC_COMPRESSIONS)[number];
  readonly tls?: TlsSettings;
  readonly auth?: HttpAuth;
}

export interface HttpClientSettings {
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: TlsSettings;
  readonly auth?: HttpAuth;
}

export interface TempoSettings {
  readonly type: 'grpc' | 'http';
  readonly grpc?: GrpcClientSettings;
  readonly http?: HttpClientSettings;
}

/** Settings of `opensearch` and `elasticapm`. */
export interface ElasticSearchSettings {
  readonly addresses?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly index?: string;
  readonly certificate?: string;
  readonly insecureSkipVerify?: boolean;
}

export interface SignalFxSettings {
  readonly realm?: string;
  readonly token?: string;
}

export interface AwsXRaySettings {
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly sessionToken?: string;
  readonly useDefaultAuth?: boolean;
}

export interface AzureAppInsightsSettings {
  readonly useAzureActiveDirectoryAuth?: boolean;
  readonly accessToken?: string;
  readonly resourceArmId?: string;
  /** `collector`: spans are ingested over OTLP instead of queried. */
  readonly connectionType?: 'direct' | 'collector';
}

export interface SumoLogicSettings {
  readonly url?: string;
  readonly accessID?: string;
  readonly accessKey?: string;
}

/** Data store types whose spans are pushed over OTLP and need no configuration object. */
export const OTLP_DATA_STORE_TYPES = [
  'agent',
  'dash0',
  'datadog',
  'dynatrace',
  'honeycomb',
  'instana',
  'lightstep',
  'newrelic',
  'otlp',
  'signoz',
] as const;
export type OtlpDataStoreType = (typeof OTLP_DATA_STORE_TYPES)[number];

interface DataStoreBase {
  readonly id?: string;
  readonly name: string;
  /** The data store used for runs. */
  readonly default?: boolean;
  /** RFC 3339 with optional fractional seconds. */
  readonly createdAt?: string;
}

/** `spec` of a `DataStore` (SPEC §1.8): the backend's settings sit under a key named after its type. */
export type DataStoreSpec = DataStoreBase &
  (
    | { readonly type: 'jaeger'; readonly jaeger: GrpcClientSettings }
    | { readonly type: 'tempo'; readonly tempo: TempoSettings }
    | { readonly type: 'opensearch'; readonly opensearch: ElasticSearchSettings }
    | { readonly type: 'elasticapm'; readonly elasticapm: ElasticSearchSettings }
    | { readonly type: 'signalfx'; readonly signalfx: SignalFxSettings }
    | { readonly type: 'awsxray'; readonly awsxray: AwsXRaySettings }
    | { readonly type: 'azureappinsights'; readonly azureappinsights: AzureAppInsightsSettings }
    | { readonly type: 'sumologic'; readonly sumologic: SumoLogicSettings }
    | { readonly type: OtlpDataStoreType }
  );

export type DataStoreType = DataStoreSpec['type'];

export interface DataStoreResource {
  readonly type: 'DataStore';
  readonly spec: DataStoreSpec;
}

export interface AnalyzerRule {
  readonly id: AnalyzerRuleId;
  readonly weight: number;
  readonly errorLevel: AnalyzerErrorLevel;
}

/** A plugin entry; it lists every rule of its plugin exactly once. */
export interface AnalyzerPlugin {
  readonly id: AnalyzerPluginId;
  /** Default `true`. */
  readonly enabled: boolean;
  readonly rules: readonly AnalyzerRule[];
}

/** `spec` of the `Analyzer` singleton (SPEC §1.9). */
export interface AnalyzerSpec {
  readonly id?: string;
  readonly name: string;
  /** Default `true`. */
  readonly enabled: boolean;
  /** 0 to 100, default `0`. */
  readonly minimumScore: number;
  /** When absent, every plugin runs with its default rules. */
  readonly plugins?: readonly AnalyzerPlugin[];
}

export interface AnalyzerResource {
  readonly type: 'Analyzer';
  readonly spec: AnalyzerSpec;
}

/** `spec` of the `Config` singleton (SPEC §1.10). */
export interface ConfigSpec {
  readonly id?: string;
  readonly name?: string;
  readonly analyticsEnabled: boolean;
}

export interface ConfigResource {
  readonly type: 'Config';
  readonly spec: ConfigSpec;
}

/** `spec` of a `Demo` (SPEC §1.11). */
export interface DemoSpec {
  readonly id?: string;
  readonly name?: string;
  /** `opentelemetryStore`, which docs show, is read as `otelstore`. */
  readonly type: 'pokeshop' | 'otelstore';
  readonly enabled: boolean;
  readonly pokeshop?: {
    readonly httpEndpoint?: string;
    readonly grpcEndpoint?: string;
    readonly kafkaBroker?: string;
  };
  readonly opentelemetryStore?: {
    readonly frontendEndpoint?: string;
    readonly productCatalogEndpoint?: string;
    readonly cartEndpoint?: string;
    readonly checkoutEndpoint?: string;
  };
}

export interface DemoResource {
  readonly type: 'Demo';
  readonly spec: DemoSpec;
}

/** `spec` of the `TestRunner` singleton (SPEC §1.12). */
export interface TestRunnerSpec {
  readonly id?: string;
  readonly name?: string;
  /** When absent the server keeps its stored gates (`[test-specs]` by default). */
  readonly requiredGates?: readonly RequiredGate[];
}

export interface TestRunnerResource {
  readonly type: 'TestRunner';
  readonly spec: TestRunnerSpec;
}

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

export interface MonitorWebhook {
  readonly url: string;
  readonly method: (typeof WEBHOOK_METHODS)[number];
  /** A Go text/template rendered with the monitor run (`{{ .Monitor.name }}`). */
  readonly body?: string;
  readonly headers?: readonly HeaderEntry[];
  readonly sslVerification?: boolean;
  /**
   * Tracecheck extension: signs each delivery (HMAC-SHA256 of `<timestamp>.<body>`, header
   * `X-Tracecheck-Signature`). Sealed at rest, shown as `********`.
   */
  readonly secret?: string;
}

/**
 * When an alert fires: `FAILED` (SPEC §1.13) when a monitor run fails; Tracecheck adds `SUCCEEDED`,
 * `FINISHED` (either) and `ALL` (every event, today the same as `FINISHED`).
 */
export const MONITOR_ALERT_EVENTS = ['FAILED', 'SUCCEEDED', 'FINISHED', 'ALL'] as const;

export interface MonitorAlert {
  readonly id?: string;
  readonly type: 'webhook';
  readonly webhook: MonitorWebhook;
  readonly events: readonly (typeof MONITOR_ALERT_EVENTS)[number][];
}

/** `spec` of a `Monitor` (SPEC §1.13). */
export interface MonitorSpec {
  readonly id?: string;
  readonly name?: string;
  readonly enabled?: boolean;
  readonly variableSetId?: string;
  readonly tokenId?: string;
  /** Test ids or file paths the CLI applies (§9.6). */
  readonly tests?: readonly string[];
  /** Test suite ids or file paths the CLI applies (§9.6). */
  readonly testSuites?: readonly string[];
  readonly schedule?: {
    /** Five cron fields, or a descriptor such as `@hourly`. */
    readonly cron: string;
    /** An IANA time zone such as `Europe/Madrid`. */
    readonly timeZone?: string;
  };
  /** A single alert mapping in the file is read as a list of one. */
  readonly alerts?: readonly MonitorAlert[];
  readonly version?: number;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly deletedAt?: string;
}

export interface MonitorResource {
  readonly type: 'Monitor';
  readonly spec: MonitorSpec;
}

export const ROLES = ['owners', 'members', 'admins', 'billers', 'engineers', 'runners', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** `spec` of an `EnvironmentToken` (SPEC §1.13). */
export interface EnvironmentTokenSpec {
  readonly id?: string;
  readonly name?: string;
  readonly role?: Role;
  readonly isRevoked?: boolean;
  readonly userID?: string;
  /** Lifetime in minutes. */
  readonly duration?: number;
  readonly issuedAt?: string;
  readonly expiresAt?: string;
  readonly updatedAt?: string;
}

export interface EnvironmentTokenResource {
  readonly type: 'EnvironmentToken';
  readonly spec: EnvironmentTokenSpec;
}

/** `spec` of an `Invite` (SPEC §1.13). */
export interface InviteSpec {
  readonly id?: string;
  readonly to?: string;
  readonly role?: Role;
  readonly type?: 'email' | 'public';
  readonly status?: 'pending' | 'accepted' | 'revoked';
  readonly createdAt?: string;
  readonly sentAt?: string;
  readonly returnTo?: string;
  readonly environments?: readonly { readonly id: string; readonly role: Role }[];
}

export interface InviteResource {
  readonly type: 'Invite';
  readonly spec: InviteSpec;
}

/** `spec` of an `Environment` in its workspace meaning (SPEC §1.13), not a variable set. */
export interface EnvironmentSpec {
  readonly id?: string;
  readonly name?: string;
  readonly description?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly isLocal?: boolean;
  readonly userID?: string;
  readonly organizationID?: string;
  readonly agentApiKey?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  /** A folder of resource files applied into the new environment (seen in real files, e.g. `./resources`). */
  readonly resources?: string;
  /** Seen in real files: `serverless: true` asks for a managed agent. */
  readonly agentConfiguration?: { readonly serverless?: boolean };
}

export interface EnvironmentResource {
  readonly type: 'Environment';
  readonly spec: EnvironmentSpec;
}

/** A definition document (SPEC §1), discriminated by `type`. */
export type Resource =
  | TestResource
  | TestSuiteResource
  | VariableSetResource
  | PollingProfileResource
  | DataStoreResource
  | AnalyzerResource
  | ConfigResource
  | DemoResource
  | TestRunnerResource
  | MonitorResource
  | EnvironmentTokenResource
  | InviteResource
  | EnvironmentResource;

export type ResourceType = Resource['type'];

/** Every canonical `type:` value (the legacy `Transaction` is read as `TestSuite`). */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  'Test',
  'TestSuite',
  'VariableSet',
  'PollingProfile',
  'DataStore',
  'Analyzer',
  'Config',
  'Demo',
  'TestRunner',
  'Monitor',
  'EnvironmentToken',
  'Invite',
  'Environment',
];

/** Legacy kinds converted on reading: `Transaction` → `TestSuite`, `Environment` with `values` → `VariableSet`. */
export type LegacyResourceType = 'Transaction' | 'Environment';
