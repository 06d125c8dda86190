import {
  ANALYZER_ERROR_LEVELS,
  ANALYZER_PLUGIN_IDS,
  ANALYZER_PLUGINS,
  type AnalyzerPluginId,
  type AnalyzerRuleId,
} from '../analyzer/index';
import { REQUIRED_GATES, type RequiredGate } from '../gates/index';
import { parseGoDurationNs } from '../values/index';
import { readHttpAuth } from './read-trigger';
import {
  type AnalyzerPlugin,
  type AnalyzerRule,
  type AnalyzerSpec,
  type ConfigSpec,
  type DataStoreSpec,
  type DataStoreType,
  type DemoSpec,
  type ElasticSearchSettings,
  GRPC_COMPRESSIONS,
  type GrpcClientSettings,
  type HttpClientSettings,
  OTLP_DATA_STORE_TYPES,
  type PeriodicPolling,
  type PollingProfileSpec,
  type TempoSettings,
  type TestRunnerSpec,
  type TlsSettings,
} from './resource';
import {
  type Field,
  hasContent,
  joinPath,
  type MapReader,
  type ReadContext,
  readItems,
  readOneOf,
  readText,
  readWantedName,
  report,
  withoutUndefined,
} from './yaml-reader';

/** Warns when a singleton is given an id other than `current`, which the server replaces. */
function readSingletonId(ctx: ReadContext, spec: MapReader, kind: string): string | undefined {
  const id = spec.string('id');
  if (id !== undefined && id !== 'current') {
    report(
      ctx,
      'warning',
      'IGNORED_FIELD',
      `${kind} is a singleton: its id is always "current", so "${id}" is replaced; write id: current or leave it out`,
      joinPath(spec.path, 'id'),
      spec.keyOffset('id'),
    );
  }
  return id;
}

function readGoDuration(ctx: ReadContext, m: MapReader, key: string): string {
  const field = m.field(key);
  if (!field) {
    m.missing(key, 'expected a Go duration such as 5s or 1m30s');
    return '';
  }
  const text = readText(ctx, field);
  if (text !== undefined && parseGoDurationNs(text) === undefined) {
    report(
      ctx,
      'error',
      'INVALID_VALUE',
      `${JSON.stringify(text)} is not a Go duration: write numbers with units (ns, us, ms, s, m, h), e.g. 500ms, 5s or 1m30s`,
      field.path,
      field.offset,
    );
  }
  return text ?? '';
}

/** Reads the `spec` of a `PollingProfile` (SPEC §1.7). */
export function readPollingProfileSpec(ctx: ReadContext, spec: MapReader): PollingProfileSpec | undefined {
  const id = spec.string('id');
  const name = readWantedName(spec, 'polling profile');
  const isDefault = spec.boolean('default') ?? false;
  const strategy = spec.oneOf('strategy', ['periodic', 'no-polling'] as const, { required: true });
  const periodicMap = spec.mapping('periodic', { required: strategy === 'periodic' });
  let periodic: PeriodicPolling | undefined;
  if (periodicMap) {
    periodic = {
      retryDelay: readGoDuration(ctx, periodicMap, 'retryDelay'),
      timeout: readGoDuration(ctx, periodicMap, 'timeout'),
      selectorMatchRetries: periodicMap.integer('selectorMatchRetries', { min: 0 }) ?? 0,
    };
    periodicMap.finish();
  }
  spec.finish();
  if (strategy === 'periodic') {
    return periodic && withoutUndefined({ id, name, default: isDefault, strategy, periodic });
  }
  return strategy && withoutUndefined({ id, name, default: isDefault, strategy, periodic });
}

function readTls(m: MapReader): TlsSettings | undefined {
  const tls = m.mapping('tls');
  if (!tls) return undefined;
  const settingsMap = tls.mapping('settings');
  const settings =
    settingsMap &&
    withoutUndefined({
      cAFile: settingsMap.string('cAFile'),
      certFile: settingsMap.string('certFile'),
      keyFile: settingsMap.string('keyFile'),
      minVersion: settingsMap.string('minVersion'),
      maxVersion: settingsMap.string('maxVersion'),
    });
  settingsMap?.finish();
  const out = withoutUndefined({
    insecure: tls.boolean('insecure'),
    insecureSkipVerify: tls.boolean('insecureSkipVerify'),
    serverName: tls.string('serverName'),
    settings,
  });
  tls.finish();
  return out;
}

function readAuthOf(ctx: ReadContext, m: MapReader) {
  const field = m.field('auth');
  return field && readHttpAuth(ctx, m, field);
}

function readGrpcClientSettings(ctx: ReadContext, m: MapReader): GrpcClientSettings {
  const out = withoutUndefined({
    endpoint: m.string('endpoint'),
    readBufferSize: m.integer('readBufferSize', { min: 0 }),
    writeBufferSize: m.integer('writeBufferSize', { min: 0 }),
    waitForReady: m.boolean('waitForReady'),
    headers: m.stringMap('headers'),
    balancerName: m.string('balancerName'),
    compression: m.oneOf('compression', GRPC_COMPRESSIONS),
    tls: readTls(m),
    auth: readAuthOf(ctx, m),
  });
  m.finish();
  return out;
}

function readHttpClientSettings(ctx: ReadContext, m: MapReader): HttpClientSettings {
  const out = withoutUndefined({
    url: m.string('url'),
    headers: m.stringMap('headers'),
    tls: readTls(m),
    auth: readAuthOf(ctx, m),
  });
  m.finish();
  return out;
}

function readTempoSettings(ctx: ReadContext, m: MapReader): TempoSettings | undefined {
  // Tracetest's own provisioning files leave the type out when only one client is configured.
  const only =
    m.field('grpc') && !m.field('http') ? 'grpc' : m.field('http') && !m.field('grpc') ? 'http' : undefined;
  const type =
    m.has('type') || only === undefined
      ? m.oneOf('type', ['grpc', 'http'] as const, { required: true })
      : only;
  const grpcMap = m.mapping('grpc', { required: type === 'grpc' });
  const grpc = grpcMap && readGrpcClientSettings(ctx, grpcMap);
  const httpMap = m.mapping('http', { required: type === 'http' });
  const http = httpMap && readHttpClientSettings(ctx, httpMap);
  m.finish();
  return type && withoutUndefined({ type, grpc, http });
}

function readElasticSearchSettings(m: MapReader): ElasticSearchSettings {
  const out = withoutUndefined({
    addresses: m.strings('addresses'),
    username: m.string('username'),
    password: m.string('password'),
    index: m.string('index'),
    certificate: m.string('certificate'),
    insecureSkipVerify: m.boolean('insecureSkipVerify'),
  });
  m.finish();
  return out;
}

/** Reads a flat settings object whose keys are all texts, except the listed booleans. */
function readFlatSettings<T extends object>(
  m: MapReader,
  texts: readonly string[],
  booleans: readonly string[] = [],
): T {
  const out: Record<string, unknown> = {};
  for (const key of texts) out[key] = m.string(key);
  for (const key of booleans) out[key] = m.boolean(key);
  m.finish();
  return withoutUndefined(out) as T;
}

/** Data store types configured by an object under the key of the same name; the others use OTLP. */
const CONFIGURED_TYPES = [
  'awsxray',
  'azureappinsights',
  'elasticapm',
  'jaeger',
  'opensearch',
  'signalfx',
  'sumologic',
  'tempo',
] as const;
const DATA_STORE_TYPES: readonly DataStoreType[] = [...CONFIGURED_TYPES, ...OTLP_DATA_STORE_TYPES].sort();
type ConfiguredType = (typeof CONFIGURED_TYPES)[number];

function readDataStoreSettings(ctx: ReadContext, type: ConfiguredType, m: MapReader) {
  switch (type) {
    case 'jaeger':
      return readGrpcClientSettings(ctx, m);
    case 'tempo':
      return readTempoSettings(ctx, m);
    case 'opensearch':
    case 'elasticapm':
      return readElasticSearchSettings(m);
    case 'signalfx':
      return readFlatSettings(m, ['realm', 'token']);
    case 'awsxray':
      return readFlatSettings(
        m,
        ['region', 'accessKeyId', 'secretAccessKey', 'sessionToken'],
        ['useDefaultAuth'],
      );
    case 'azureappinsights': {
      const connectionType = m.oneOf('connectionType', ['direct', 'collector'] as const);
      const rest = readFlatSettings<object>(
        m,
        ['accessToken', 'resourceArmId'],
        ['useAzureActiveDirectoryAuth'],
      );
      return withoutUndefined({ ...rest, connectionType });
    }
    case 'sumologic':
      return readFlatSettings(m, ['url', 'accessID', 'accessKey']);
  }
}

/** Reads the `spec` of a `DataStore` (SPEC §1.8). */
export function readDataStoreSpec(ctx: ReadContext, spec: MapReader): DataStoreSpec | undefined {
  const id = spec.string('id');
  const name = spec.string('name', { required: 'non-empty' }) ?? '';
  const type = spec.oneOf('type', DATA_STORE_TYPES, { required: true });
  const isDefault = spec.boolean('default');
  const createdAt = spec.date('createdAt');
  let settings: unknown;
  for (const key of CONFIGURED_TYPES) {
    if (key === type) {
      const object = spec.mapping(key);
      if (object) settings = readDataStoreSettings(ctx, key, object);
      else if (!spec.field(key)) spec.missing(key, `a ${key} data store reads its settings from "${key}"`);
      continue;
    }
    const field = spec.field(key);
    if (field && type !== undefined && hasContent(field.node)) {
      report(
        ctx,
        'warning',
        'IGNORED_FIELD',
        `"${key}" is ignored because the data store type is ${type}; remove it or change the type`,
        field.path,
        spec.keyOffset(key),
      );
    }
  }
  spec.finish();
  if (type === undefined) return undefined;
  const base = withoutUndefined({ id, name, type, default: isDefault, createdAt });
  if (!(CONFIGURED_TYPES as readonly string[]).includes(type)) return base as DataStoreSpec;
  if (settings === undefined) return undefined;
  return { ...base, [type]: settings } as DataStoreSpec;
}

/** Rule ids of each plugin, from the analyzer's catalogue (SPEC §8.1). */
function ruleIdsOf(plugin: AnalyzerPluginId): readonly AnalyzerRuleId[] {
  return ANALYZER_PLUGINS.find((p) => p.id === plugin)?.rules.map((r) => r.id) ?? [];
}

function readAnalyzerRule(
  ctx: ReadContext,
  entry: MapReader,
  plugin: AnalyzerPluginId,
  seen: Set<string>,
): AnalyzerRule | undefined {
  const allowed = ruleIdsOf(plugin);
  const idField = entry.field('id');
  let id: AnalyzerRuleId | undefined;
  if (!idField) entry.missing('id', `expected one of ${allowed.join(', ')}`);
  else {
    const text = readText(ctx, idField);
    id = allowed.find((r) => r === text);
    if (text !== undefined && id === undefined) {
      report(
        ctx,
        'error',
        'INVALID_VALUE',
        `${JSON.stringify(text)} is not a rule of the ${plugin} plugin: expected one of ${allowed.join(', ')}`,
        idField.path,
        idField.offset,
      );
    } else if (id !== undefined && seen.has(id)) {
      report(
        ctx,
        'error',
        'INVALID_VALUE',
        `rule ${id} is listed twice; list it once`,
        idField.path,
        idField.offset,
      );
      id = undefined;
    }
  }
  if (id !== undefined) seen.add(id);
  const weight = entry.integer('weight', { required: true, min: 0 });
  const errorLevel = entry.oneOf('errorLevel', ANALYZER_ERROR_LEVELS, { required: true });
  entry.accept('name', 'description', 'tips', 'errorDescription');
  entry.finish();
  if (id === undefined || weight === undefined || errorLevel === undefined) return undefined;
  return { id, weight, errorLevel };
}

function readAnalyzerPlugin(
  ctx: ReadContext,
  entry: MapReader,
  seenPlugins: Set<string>,
): AnalyzerPlugin | undefined {
  const idField = entry.field('id');
  let id: AnalyzerPluginId | undefined;
  if (!idField) entry.missing('id', `expected one of ${ANALYZER_PLUGIN_IDS.join(', ')}`);
  else {
    id = readOneOf(ctx, idField, ANALYZER_PLUGIN_IDS, false);
    if (id !== undefined && seenPlugins.has(id)) {
      report(
        ctx,
        'error',
        'INVALID_VALUE',
        `plugin ${id} is listed twice; list it once`,
        idField.path,
        idField.offset,
      );
      id = undefined;
    }
  }
  if (id !== undefined) seenPlugins.add(id);
  const enabled = entry.boolean('enabled') ?? true;
  const rulesField = entry.field('rules');
  const rules: AnalyzerRule[] = [];
  if (id !== undefined && !rulesField) entry.missing('rules', `list the rules ${ruleIdsOf(id).join(', ')}`);
  if (id !== undefined && rulesField) {
    const seen = new Set<string>();
    for (const item of readItems(ctx, rulesField) ?? []) {
      const ruleMap = entry.sub(item);
      const rule = ruleMap && readAnalyzerRule(ctx, ruleMap, id, seen);
      if (rule) rules.push(rule);
    }
    const expected = ruleIdsOf(id);
    const missing = expected.filter((r) => !seen.has(r));
    if (missing.length > 0) {
      report(
        ctx,
        'error',
        'INVALID_VALUE',
        `the ${id} plugin must list all its ${expected.length} rules; add ${missing.join(', ')}`,
        rulesField.path,
        entry.keyOffset('rules'),
      );
    }
  }
  entry.accept('name', 'description');
  entry.finish();
  return id && { id, enabled, rules };
}

/** Reads the `spec` of the `Analyzer` singleton (SPEC §1.9). */
export function readAnalyzerSpec(ctx: ReadContext, spec: MapReader): AnalyzerSpec {
  const id = readSingletonId(ctx, spec, 'Analyzer');
  const name = spec.string('name', { required: 'non-empty' }) ?? '';
  const enabled = spec.boolean('enabled') ?? true;
  const minimumScore = spec.integer('minimumScore', { min: 0, max: 100 }) ?? 0;
  const pluginsField = spec.field('plugins');
  let plugins: AnalyzerPlugin[] | undefined;
  if (pluginsField) {
    const seen = new Set<string>();
    plugins = (readItems(ctx, pluginsField) ?? []).flatMap((item) => {
      const entry = spec.sub(item);
      const plugin = entry && readAnalyzerPlugin(ctx, entry, seen);
      return plugin ? [plugin] : [];
    });
  }
  spec.finish();
  return withoutUndefined({ id, name, enabled, minimumScore, plugins });
}

/** Reads the `spec` of the `Config` singleton (SPEC §1.10). */
export function readConfigSpec(ctx: ReadContext, spec: MapReader): ConfigSpec {
  const id = readSingletonId(ctx, spec, 'Config');
  const name = spec.string('name');
  const analyticsEnabled = spec.boolean('analyticsEnabled', { required: true }) ?? false;
  spec.finish();
  return withoutUndefined({ id, name, analyticsEnabled });
}

/** Reads the `spec` of a `Demo` (SPEC §1.11). */
export function readDemoSpec(ctx: ReadContext, spec: MapReader): DemoSpec | undefined {
  const id = spec.string('id');
  const name = spec.string('name');
  const typeField = spec.field('type');
  let type: DemoSpec['type'] | undefined;
  if (!typeField) spec.missing('type', 'expected pokeshop or otelstore');
  else {
    const text = readOneOf(ctx, typeField, ['pokeshop', 'otelstore', 'opentelemetryStore'] as const, false);
    if (text === 'opentelemetryStore') {
      report(
        ctx,
        'warning',
        'ALIAS',
        '"opentelemetryStore" is read as otelstore (a spelling shown in the docs); write type: otelstore',
        typeField.path,
        typeField.offset,
      );
      type = 'otelstore';
    } else type = text;
  }
  const enabled = spec.boolean('enabled', { required: true }) ?? false;
  const pokeshopMap = spec.mapping('pokeshop');
  const pokeshop =
    pokeshopMap && readFlatSettings(pokeshopMap, ['httpEndpoint', 'grpcEndpoint', 'kafkaBroker']);
  const storeMap = spec.mapping('opentelemetryStore');
  const opentelemetryStore =
    storeMap &&
    readFlatSettings(storeMap, [
      'frontendEndpoint',
      'productCatalogEndpoint',
      'cartEndpoint',
      'checkoutEndpoint',
    ]);
  spec.finish();
  return type && withoutUndefined({ id, name, type, enabled, pokeshop, opentelemetryStore });
}

/** Reads the `spec` of the `TestRunner` singleton (SPEC §1.12). */
export function readTestRunnerSpec(ctx: ReadContext, spec: MapReader): TestRunnerSpec {
  const id = readSingletonId(ctx, spec, 'TestRunner');
  const name = spec.string('name');
  const gatesField = spec.field('requiredGates');
  let requiredGates: RequiredGate[] | undefined;
  if (gatesField) {
    requiredGates = (readItems(ctx, gatesField) ?? []).flatMap((item: Field) => {
      const gate = readOneOf(ctx, item, REQUIRED_GATES, false);
      return gate ? [gate] : [];
    });
  }
  spec.finish();
  return withoutUndefined({ id, name, requiredGates });
}
