/**
 * The fields of each data store type of SPEC §1.8, described once so the form renders them: where the
 * value sits under `spec.<type>`, how it is edited, and when it applies.
 */
import { OTLP_DATA_STORE_TYPES } from '@tracecheck/core';

export type DataStoreFieldKind = 'text' | 'secret' | 'bool' | 'list' | 'select' | 'textarea';

export interface DataStoreField {
  /** Path under `spec.<type>`. */
  readonly path: readonly string[];
  readonly label: string;
  readonly kind: DataStoreFieldKind;
  readonly options?: readonly string[];
  readonly placeholder?: string;
  /** Shown only when this returns true for the current settings. */
  readonly when?: (settings: Readonly<Record<string, unknown>>) => boolean;
}

/** Types whose settings are queried by the agent, with their fields. */
export const DATA_STORE_FIELDS: Readonly<Record<string, readonly DataStoreField[]>> = {
  jaeger: [
    {
      path: ['endpoint'],
      label: 'Endpoint (gRPC query API)',
      kind: 'text',
      placeholder: 'jaeger-query:16685',
    },
    { path: ['tls', 'insecure'], label: 'Plaintext connection (no TLS)', kind: 'bool' },
    { path: ['tls', 'insecureSkipVerify'], label: 'Skip TLS certificate verification', kind: 'bool' },
  ],
  tempo: [
    { path: ['type'], label: 'Protocol', kind: 'select', options: ['grpc', 'http'] },
    {
      path: ['grpc', 'endpoint'],
      label: 'Endpoint (gRPC)',
      kind: 'text',
      placeholder: 'tempo:9095',
      when: (settings) => settings.type !== 'http',
    },
    {
      path: ['grpc', 'tls', 'insecure'],
      label: 'Plaintext connection (no TLS)',
      kind: 'bool',
      when: (settings) => settings.type !== 'http',
    },
    {
      path: ['http', 'url'],
      label: 'URL',
      kind: 'text',
      placeholder: 'http://tempo:3200',
      when: (settings) => settings.type === 'http',
    },
    {
      path: ['http', 'tls', 'insecureSkipVerify'],
      label: 'Skip TLS certificate verification',
      kind: 'bool',
      when: (settings) => settings.type === 'http',
    },
  ],
  opensearch: [
    {
      path: ['addresses'],
      label: 'Addresses (one per line)',
      kind: 'list',
      placeholder: 'http://opensearch:9200',
    },
    { path: ['index'], label: 'Index', kind: 'text', placeholder: 'traces' },
    { path: ['username'], label: 'Username', kind: 'text' },
    { path: ['password'], label: 'Password', kind: 'secret' },
    { path: ['certificate'], label: 'CA certificate (PEM)', kind: 'textarea' },
    { path: ['insecureSkipVerify'], label: 'Skip TLS certificate verification', kind: 'bool' },
  ],
  elasticapm: [
    {
      path: ['addresses'],
      label: 'Addresses (one per line)',
      kind: 'list',
      placeholder: 'https://elasticsearch:9200',
    },
    { path: ['index'], label: 'Index', kind: 'text', placeholder: 'traces-apm-default' },
    { path: ['username'], label: 'Username', kind: 'text' },
    { path: ['password'], label: 'Password', kind: 'secret' },
    { path: ['certificate'], label: 'CA certificate (PEM)', kind: 'textarea' },
    { path: ['insecureSkipVerify'], label: 'Skip TLS certificate verification', kind: 'bool' },
  ],
  signalfx: [
    { path: ['realm'], label: 'Realm', kind: 'text', placeholder: 'us1' },
    { path: ['token'], label: 'Token', kind: 'secret' },
  ],
  awsxray: [
    { path: ['region'], label: 'Region', kind: 'text', placeholder: 'us-west-2' },
    { path: ['useDefaultAuth'], label: 'Use the default AWS credentials chain', kind: 'bool' },
    {
      path: ['accessKeyId'],
      label: 'Access key id',
      kind: 'text',
      when: (settings) => settings.useDefaultAuth !== true,
    },
    {
      path: ['secretAccessKey'],
      label: 'Secret access key',
      kind: 'secret',
      when: (settings) => settings.useDefaultAuth !== true,
    },
    {
      path: ['sessionToken'],
      label: 'Session token',
      kind: 'secret',
      when: (settings) => settings.useDefaultAuth !== true,
    },
  ],
  azureappinsights: [
    { path: ['connectionType'], label: 'Connection', kind: 'select', options: ['direct', 'collector'] },
    {
      path: ['useAzureActiveDirectoryAuth'],
      label: 'Use Azure Active Directory',
      kind: 'bool',
      when: (settings) => settings.connectionType !== 'collector',
    },
    {
      path: ['accessToken'],
      label: 'Access token',
      kind: 'secret',
      when: (settings) => settings.connectionType !== 'collector',
    },
    {
      path: ['resourceArmId'],
      label: 'Resource ARM id',
      kind: 'text',
      when: (settings) => settings.connectionType !== 'collector',
    },
  ],
  sumologic: [
    { path: ['url'], label: 'API URL', kind: 'text', placeholder: 'https://api.sumologic.com/api/' },
    { path: ['accessID'], label: 'Access id', kind: 'text' },
    { path: ['accessKey'], label: 'Access key', kind: 'secret' },
  ],
};

/** Every type of SPEC §1.8, the queried ones first. */
export const DATA_STORE_TYPE_OPTIONS: readonly string[] = [
  ...Object.keys(DATA_STORE_FIELDS),
  ...OTLP_DATA_STORE_TYPES,
];

export function isOtlpType(type: string): boolean {
  return (OTLP_DATA_STORE_TYPES as readonly string[]).includes(type);
}

/** The value at `path` of a settings object. */
export function valueAt(settings: unknown, path: readonly string[]): unknown {
  let current = settings;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A copy of `settings` with `value` at `path` (objects on the way are created). */
export function withValueAt(
  settings: Readonly<Record<string, unknown>>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return { ...settings };
  const child = settings[head];
  return {
    ...settings,
    [head]:
      rest.length === 0
        ? value
        : withValueAt(
            typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {},
            rest,
            value,
          ),
  };
}
