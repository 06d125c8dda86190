import { stringify } from 'yaml';
import { SECRET_MASK } from '../variables/index';
import type { Resource, TestDefinitionSpec, VariableSetSpec } from './resource';
import type { HttpRequest, Trigger } from './trigger';

/**
 * Canonical key order: the order of an `Order`'s own keys. A nested `Order` applies to a mapping value
 * or to every item of a list value; `null` marks a value printed as it is (texts, lists of texts,
 * free-form mappings such as headers).
 */
interface Order {
  readonly [key: string]: Order | null;
}

const HEADER_ENTRY: Order = { key: null, value: null };
const HTTP_AUTH: Order = {
  type: null,
  basic: { username: null, password: null },
  bearer: { token: null },
  apiKey: { key: null, value: null, in: null },
};
const TLS: Order = {
  insecure: null,
  insecureSkipVerify: null,
  serverName: null,
  settings: { cAFile: null, certFile: null, keyFile: null, minVersion: null, maxVersion: null },
};
const GRPC_CLIENT: Order = {
  endpoint: null,
  readBufferSize: null,
  writeBufferSize: null,
  waitForReady: null,
  headers: null,
  balancerName: null,
  compression: null,
  tls: TLS,
  auth: HTTP_AUTH,
};
const ELASTIC: Order = {
  addresses: null,
  username: null,
  password: null,
  index: null,
  certificate: null,
  insecureSkipVerify: null,
};

const TRIGGER: Order = {
  type: null,
  httpRequest: {
    url: null,
    method: null,
    headers: HEADER_ENTRY,
    body: null,
    auth: HTTP_AUTH,
    sslVerification: null,
  },
  grpc: {
    protobufFile: null,
    address: null,
    method: null,
    request: null,
    metadata: HEADER_ENTRY,
    service: null,
    auth: HTTP_AUTH,
  },
  traceid: { id: null },
  kafka: {
    brokerUrls: null,
    topic: null,
    messageKey: null,
    messageValue: null,
    headers: HEADER_ENTRY,
    authentication: { type: null, plain: { username: null, password: null } },
    sslVerification: null,
  },
  graphql: {
    url: null,
    headers: HEADER_ENTRY,
    auth: HTTP_AUTH,
    body: { query: null, variables: null, operationName: null },
    sslVerification: null,
    schema: null,
  },
  playwrightEngine: { target: null, script: null, method: null },
};

const SPEC_ORDERS: { readonly [T in Resource['type']]: Order } = {
  Test: {
    id: null,
    name: null,
    description: null,
    trigger: TRIGGER,
    specs: { selector: null, name: null, assertions: null },
    outputs: { name: null, selector: null, value: null },
    skipTraceCollection: null,
    pollingProfile: null,
    version: null,
    createdAt: null,
  },
  TestSuite: { id: null, name: null, description: null, steps: null, version: null, createdAt: null },
  VariableSet: { id: null, name: null, description: null, values: { key: null, value: null, type: null } },
  PollingProfile: {
    id: null,
    name: null,
    default: null,
    strategy: null,
    periodic: { retryDelay: null, timeout: null, selectorMatchRetries: null },
  },
  DataStore: {
    id: null,
    name: null,
    type: null,
    default: null,
    createdAt: null,
    jaeger: GRPC_CLIENT,
    tempo: {
      type: null,
      grpc: GRPC_CLIENT,
      http: { url: null, headers: null, tls: TLS, auth: HTTP_AUTH },
    },
    opensearch: ELASTIC,
    elasticapm: ELASTIC,
    signalfx: { realm: null, token: null },
    awsxray: {
      region: null,
      accessKeyId: null,
      secretAccessKey: null,
      sessionToken: null,
      useDefaultAuth: null,
    },
    azureappinsights: {
      useAzureActiveDirectoryAuth: null,
      accessToken: null,
      resourceArmId: null,
      connectionType: null,
    },
    sumologic: { url: null, accessID: null, accessKey: null },
  },
  Analyzer: {
    id: null,
    name: null,
    enabled: null,
    minimumScore: null,
    plugins: { id: null, enabled: null, rules: { id: null, weight: null, errorLevel: null } },
  },
  Config: { id: null, name: null, analyticsEnabled: null },
  Demo: {
    id: null,
    name: null,
    type: null,
    enabled: null,
    pokeshop: { httpEndpoint: null, grpcEndpoint: null, kafkaBroker: null },
    opentelemetryStore: {
      frontendEndpoint: null,
      productCatalogEndpoint: null,
      cartEndpoint: null,
      checkoutEndpoint: null,
    },
  },
  TestRunner: { id: null, name: null, requiredGates: null },
  Monitor: {
    id: null,
    name: null,
    enabled: null,
    variableSetId: null,
    tokenId: null,
    tests: null,
    testSuites: null,
    schedule: { cron: null, timeZone: null },
    alerts: {
      id: null,
      type: null,
      webhook: {
        url: null,
        method: null,
        body: null,
        headers: HEADER_ENTRY,
        sslVerification: null,
        secret: null,
      },
      events: null,
    },
    version: null,
    createdAt: null,
    updatedAt: null,
    deletedAt: null,
  },
  EnvironmentToken: {
    id: null,
    name: null,
    role: null,
    isRevoked: null,
    userID: null,
    duration: null,
    issuedAt: null,
    expiresAt: null,
    updatedAt: null,
  },
  Invite: {
    id: null,
    to: null,
    role: null,
    type: null,
    status: null,
    createdAt: null,
    sentAt: null,
    returnTo: null,
    environments: { id: null, role: null },
  },
  Environment: {
    id: null,
    name: null,
    description: null,
    labels: null,
    isLocal: null,
    userID: null,
    organizationID: null,
    agentApiKey: null,
    createdAt: null,
    updatedAt: null,
    resources: null,
    agentConfiguration: { serverless: null },
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies `value` with its keys in canonical order, dropping undefined values. */
function applyOrder(value: unknown, order: Order | null): unknown {
  if (Array.isArray(value)) return value.map((item) => applyOrder(item, order));
  if (!isRecord(value)) return value;
  if (order === null) return { ...value };
  const out: Record<string, unknown> = {};
  const keys = [...Object.keys(order), ...Object.keys(value).filter((k) => !(k in order))];
  for (const key of keys) {
    const v = value[key];
    if (v !== undefined) out[key] = applyOrder(v, order[key] ?? null);
  }
  return out;
}

/** Removes values equal to the SPEC defaults that reading fills in, so printed files stay short. */
function omitHttpDefaults(request: HttpRequest): Partial<HttpRequest> {
  const { headers, body, sslVerification, ...rest } = request;
  return {
    ...rest,
    ...(headers.length > 0 ? { headers } : {}),
    ...(body !== '' ? { body } : {}),
    ...(sslVerification ? { sslVerification } : {}),
  };
}

function omitTriggerDefaults(trigger: Trigger): unknown {
  return trigger.type === 'http'
    ? { ...trigger, httpRequest: omitHttpDefaults(trigger.httpRequest) }
    : trigger;
}

function omitTestDefaults(spec: TestDefinitionSpec): unknown {
  const { description, specs, outputs, skipTraceCollection, trigger, ...rest } = spec;
  return {
    ...rest,
    ...(description !== '' ? { description } : {}),
    trigger: omitTriggerDefaults(trigger),
    ...(specs.length > 0 ? { specs } : {}),
    ...(outputs.length > 0 ? { outputs } : {}),
    ...(skipTraceCollection ? { skipTraceCollection } : {}),
  };
}

function printableVariableSet(spec: VariableSetSpec, maskSecrets: boolean): unknown {
  if (!spec.values) return spec;
  return {
    ...spec,
    values: spec.values.map(({ type, value, ...entry }) => ({
      ...entry,
      value: maskSecrets && type === 'secret' ? SECRET_MASK : value,
      ...(type === 'secret' ? { type } : {}),
    })),
  };
}

function printableSpec(resource: Resource, maskSecrets: boolean): unknown {
  switch (resource.type) {
    case 'Test':
      return omitTestDefaults(resource.spec);
    case 'VariableSet':
      return printableVariableSet(resource.spec, maskSecrets);
    case 'PollingProfile': {
      const { periodic } = resource.spec;
      if (periodic?.selectorMatchRetries !== 0) return resource.spec;
      const { selectorMatchRetries: _, ...rest } = periodic;
      return { ...resource.spec, periodic: rest };
    }
    default:
      return resource.spec;
  }
}

export interface PrintDefinitionOptions {
  /** Print `********` instead of the value of secret variables (SPEC §6.5), for output shown to people. */
  readonly maskSecrets?: boolean;
}

/**
 * Prints a resource as YAML that `parseDefinition` reads back to the same resource: canonical kinds
 * (`TestSuite`, `VariableSet`), keys in the order of the SPEC tables, values equal to the defaults left
 * out, texts that look like numbers or booleans quoted.
 * @example printDefinition({ type: 'Config', spec: { analyticsEnabled: false } })
 * // 'type: Config\nspec:\n  analyticsEnabled: false\n'
 */
export function printDefinition(resource: Resource, options: PrintDefinitionOptions = {}): string {
  const spec = applyOrder(printableSpec(resource, options.maskSecrets ?? false), SPEC_ORDERS[resource.type]);
  return stringify({ type: resource.type, spec }, { lineWidth: 0, aliasDuplicateObjects: false });
}
