import { describe, expect, it } from 'vitest';
import { VALID_EXAMPLES } from './definition-examples';
import { type LanguageChecks, type Problem, parseDefinition, parseDefinitions } from './index';

/** `severity code path line:column`, one string per problem: exact and easy to read in a table. */
function brief(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.severity} ${p.code} ${p.path} ${p.line}:${p.column}`);
}

describe('parseDefinition: valid examples of every kind', () => {
  it.each(VALID_EXAMPLES)('reads the $name', ({ yaml, resource }) => {
    const parsed = parseDefinition(yaml);
    expect(parsed.problems).toEqual([]);
    expect(parsed.resource).toEqual(resource);
    expect(parsed.originalType).toBeUndefined();
  });
});

interface InvalidCase {
  readonly name: string;
  readonly yaml: string;
  readonly problems: readonly string[];
}

const INVALID: readonly InvalidCase[] = [
  { name: 'empty text', yaml: '# nothing\n', problems: ['error DOCUMENT_COUNT  1:1'] },
  {
    name: 'two documents in a definition file',
    yaml: 'type: Config\nspec:\n  analyticsEnabled: true\n---\ntype: Config\nspec:\n  analyticsEnabled: false\n',
    problems: ['error DOCUMENT_COUNT  4:1'],
  },
  {
    name: 'YAML syntax error',
    yaml: 'type: Config\nspec: [analyticsEnabled\n',
    problems: ['error WRONG_TYPE spec 2:7', 'error YAML_SYNTAX  3:1'],
  },
  {
    name: 'duplicate key',
    yaml: 'type: Config\nspec:\n  analyticsEnabled: true\n  analyticsEnabled: false\n',
    problems: ['error YAML_SYNTAX  4:3'],
  },
  { name: 'root is a list', yaml: '- type: Test\n', problems: ['error WRONG_TYPE  1:1'] },
  {
    name: 'missing type and spec',
    yaml: 'name: x\n',
    problems: [
      'error REQUIRED_FIELD type 1:1',
      'error REQUIRED_FIELD spec 1:1',
      'warning UNKNOWN_KEY name 1:1',
    ],
  },
  {
    name: 'kind in the wrong case',
    yaml: 'type: test\nspec: {}\n',
    problems: ['error UNKNOWN_KIND type 1:7'],
  },
  {
    name: 'a Test with many problems at once',
    yaml: `type: Test
spec:
  name: broken
  colour: red
  trigger:
    type: http
    httpRequest:
      method: FETCH
      headers:
        - key: ""
          value: x
      sslVerification: "yes"
  specs:
    - name: no selector
      assertions: attr:x = 1
    - selector: span
  outputs:
    - selector: span
      value: attr:x
  skipTraceCollection: 1
`,
    problems: [
      'warning UNKNOWN_KEY spec.colour 4:3',
      'error REQUIRED_FIELD spec.trigger.httpRequest.url 7:5',
      'error INVALID_VALUE spec.trigger.httpRequest.method 8:15',
      'error REQUIRED_FIELD spec.trigger.httpRequest.headers[0].key 10:16',
      'error WRONG_TYPE spec.trigger.httpRequest.sslVerification 12:24',
      'error REQUIRED_FIELD spec.specs[0].selector 14:7',
      'error WRONG_TYPE spec.specs[0].assertions 15:19',
      'error REQUIRED_FIELD spec.specs[1].assertions 16:7',
      'error REQUIRED_FIELD spec.outputs[0].name 18:7',
      'error WRONG_TYPE spec.skipTraceCollection 20:24',
    ],
  },
  {
    name: 'a Test without trigger nor name',
    yaml: 'type: Test\nspec:\n  description: d\n',
    problems: ['warning REQUIRED_FIELD spec.name 2:1', 'error REQUIRED_FIELD spec.trigger 2:1'],
  },
  {
    name: 'an unknown trigger type',
    yaml: 'type: Test\nspec:\n  name: t\n  trigger:\n    type: websocket\n',
    problems: ['error INVALID_VALUE spec.trigger.type 5:11'],
  },
  {
    name: 'a trigger without its object',
    yaml: 'type: Test\nspec:\n  name: t\n  trigger:\n    type: grpc\n',
    problems: ['error REQUIRED_FIELD spec.trigger.grpc 4:3'],
  },
  {
    name: 'a trigger without type',
    yaml: 'type: Test\nspec:\n  name: t\n  trigger:\n    httpRequest: {method: GET, url: x}\n',
    problems: ['error REQUIRED_FIELD spec.trigger.type 4:3'],
  },
  {
    name: 'kafka required fields and authentication type',
    yaml: `type: Test
spec:
  name: t
  trigger:
    type: kafka
    kafka:
      brokerUrls: []
      authentication: {type: scram}
`,
    problems: [
      'error REQUIRED_FIELD spec.trigger.kafka.topic 6:5',
      'error REQUIRED_FIELD spec.trigger.kafka.messageValue 6:5',
      'error REQUIRED_FIELD spec.trigger.kafka.brokerUrls 7:7',
      'error INVALID_VALUE spec.trigger.kafka.authentication.type 8:30',
    ],
  },
  {
    name: 'an apiKey auth without key and place',
    yaml: `type: Test
spec:
  name: t
  trigger:
    type: http
    httpRequest:
      method: GET
      url: x
      auth:
        type: apiKey
        apiKey: {value: v}
`,
    problems: [
      'error REQUIRED_FIELD spec.trigger.httpRequest.auth.apiKey.key 11:9',
      'error REQUIRED_FIELD spec.trigger.httpRequest.auth.apiKey.in 11:9',
    ],
  },
  {
    name: 'a suite with an empty step',
    yaml: 'type: TestSuite\nspec:\n  name: s\n  steps:\n    - a\n    - ""\n',
    problems: ['error REQUIRED_FIELD spec.steps[1] 6:7'],
  },
  {
    name: 'a suite without steps',
    yaml: 'type: TestSuite\nspec:\n  name: s\n',
    problems: ['error REQUIRED_FIELD spec.steps 2:1'],
  },
  {
    name: 'a variable set without name, with an empty key and an unknown type',
    yaml: 'type: VariableSet\nspec:\n  values:\n    - key: ""\n      value: x\n      type: hidden\n',
    problems: [
      'error REQUIRED_FIELD spec.name 2:1',
      'error REQUIRED_FIELD spec.values[0].key 4:12',
      'error INVALID_VALUE spec.values[0].type 6:13',
    ],
  },
  {
    name: 'polling profile durations that Go cannot parse',
    yaml: `type: PollingProfile
spec:
  name: p
  strategy: periodic
  periodic:
    retryDelay: 5 s
    timeout: 1d
    selectorMatchRetries: -1
`,
    problems: [
      'error INVALID_VALUE spec.periodic.retryDelay 6:17',
      'error INVALID_VALUE spec.periodic.timeout 7:14',
      'error INVALID_VALUE spec.periodic.selectorMatchRetries 8:27',
    ],
  },
  {
    name: 'a periodic polling profile without periodic',
    yaml: 'type: PollingProfile\nspec:\n  name: p\n  strategy: periodic\n',
    problems: ['error REQUIRED_FIELD spec.periodic 2:1'],
  },
  {
    name: 'a polling profile with an unknown strategy',
    yaml: 'type: PollingProfile\nspec:\n  name: p\n  strategy: adaptive\n',
    problems: ['error INVALID_VALUE spec.strategy 4:13'],
  },
  {
    name: 'a data store without its settings object',
    yaml: 'type: DataStore\nspec:\n  name: j\n  type: jaeger\n',
    problems: ['error REQUIRED_FIELD spec.jaeger 2:1'],
  },
  {
    name: 'a data store of an unsupported type with a bad date',
    yaml: 'type: DataStore\nspec:\n  type: zipkin\n  createdAt: yesterday\n',
    problems: [
      'error REQUIRED_FIELD spec.name 2:1',
      'error INVALID_VALUE spec.type 3:9',
      'error INVALID_VALUE spec.createdAt 4:14',
    ],
  },
  {
    name: 'a data store with settings of another type',
    yaml: 'type: DataStore\nspec:\n  name: o\n  type: otlp\n  isdefault: true\n  jaeger:\n    endpoint: j:16685\n',
    problems: ['warning UNKNOWN_KEY spec.isdefault 5:3', 'warning IGNORED_FIELD spec.jaeger 6:3'],
  },
  {
    name: 'a tempo data store with both clients and no type',
    yaml: 'type: DataStore\nspec:\n  name: t\n  type: tempo\n  tempo:\n    grpc: {endpoint: a}\n    http: {url: b}\n',
    problems: ['error REQUIRED_FIELD spec.tempo.type 5:3'],
  },
  {
    name: 'an analyzer with bad plugins and rules',
    yaml: `type: Analyzer
spec:
  name: analyzer
  minimumScore: 120
  plugins:
    - id: standards
      rules:
        - {id: span-naming, weight: 25, errorLevel: error}
        - {id: prefer-dns, weight: 25, errorLevel: fatal}
    - id: performance
      rules: []
    - id: common
      rules:
        - {id: prefer-dns, weight: 100, errorLevel: error}
        - {id: prefer-dns, weight: 100, errorLevel: error}
`,
    problems: [
      'error INVALID_VALUE spec.minimumScore 4:17',
      'error INVALID_VALUE spec.plugins[0].rules 7:7',
      'error INVALID_VALUE spec.plugins[0].rules[1].id 9:16',
      'error INVALID_VALUE spec.plugins[0].rules[1].errorLevel 9:52',
      'error INVALID_VALUE spec.plugins[1].id 10:11',
      'error INVALID_VALUE spec.plugins[2].rules[1].id 15:16',
    ],
  },
  {
    name: 'an analyzer plugin without rules',
    yaml: 'type: Analyzer\nspec:\n  name: a\n  plugins:\n    - id: security\n      enabled: false\n',
    problems: ['error REQUIRED_FIELD spec.plugins[0].rules 5:7'],
  },
  {
    name: 'a config with a quoted boolean',
    yaml: 'type: Config\nspec:\n  analyticsEnabled: "true"\n',
    problems: ['error WRONG_TYPE spec.analyticsEnabled 3:21'],
  },
  {
    name: 'a config without analyticsEnabled',
    yaml: 'type: Config\nspec:\n  name: Config\n',
    problems: ['error REQUIRED_FIELD spec.analyticsEnabled 2:1'],
  },
  {
    name: 'a demo of an unknown type without enabled',
    yaml: 'type: Demo\nspec:\n  name: d\n  type: bookstore\n',
    problems: ['error REQUIRED_FIELD spec.enabled 2:1', 'error INVALID_VALUE spec.type 4:9'],
  },
  {
    name: 'a test runner with an unknown gate',
    yaml: 'type: TestRunner\nspec:\n  name: r\n  requiredGates: [test-specs, coverage]\n',
    problems: ['error INVALID_VALUE spec.requiredGates[1] 4:31'],
  },
  {
    name: 'a monitor with a bad schedule and alert',
    yaml: `type: Monitor
spec:
  name: m
  schedule:
    cron: "0 * * *"
    timeZone: Mars/Olympus
  alerts:
    - type: webhook
      webhook:
        method: SEND
      events: [SOMETIMES]
`,
    problems: [
      'error INVALID_VALUE spec.schedule.cron 5:11',
      'error INVALID_VALUE spec.schedule.timeZone 6:15',
      'error REQUIRED_FIELD spec.alerts[0].webhook.url 9:7',
      'error INVALID_VALUE spec.alerts[0].webhook.method 10:17',
      'error INVALID_VALUE spec.alerts[0].events[0] 11:16',
    ],
  },
  {
    name: 'a monitor minute out of range',
    yaml: 'type: Monitor\nspec:\n  schedule: {cron: "61 * * * *"}\n',
    problems: ['error INVALID_VALUE spec.schedule.cron 3:20'],
  },
  {
    name: 'commercial kinds with bad enums',
    yaml: 'type: Invite\nspec:\n  role: god\n  type: sms\n  environments:\n    - {id: e}\n',
    problems: [
      'error INVALID_VALUE spec.role 3:9',
      'error INVALID_VALUE spec.type 4:9',
      'error REQUIRED_FIELD spec.environments[0].role 6:7',
    ],
  },
  {
    name: 'integers where the YAML has text',
    yaml: 'type: EnvironmentToken\nspec:\n  duration: "60"\n',
    problems: ['error WRONG_TYPE spec.duration 3:13'],
  },
];

describe('parseDefinition: invalid documents report every problem with its path, line and column', () => {
  it.each(INVALID)('$name', ({ yaml, problems }) => {
    const parsed = parseDefinition(yaml);
    expect(brief(parsed.problems)).toEqual(problems);
    if (problems.some((p) => p.startsWith('error'))) expect(parsed.resource).toBeUndefined();
  });
});

describe('parseDefinition: messages say what is wrong and how to fix it', () => {
  it.each([
    ['type: test\nspec: {}\n', '"test" is not a resource kind: kinds are case-sensitive, write Test'],
    [
      'type: Widget\nspec: {}\n',
      '"Widget" is not a resource kind: expected one of Test, TestSuite, VariableSet, PollingProfile, DataStore, Analyzer, Config, Demo, TestRunner, Monitor, EnvironmentToken, Invite, Environment, Transaction',
    ],
    [
      'type: Config\nspec:\n  analyticsEnabled: "true"\n',
      'expected true or false, found the text "true"; write true without quotes',
    ],
    [
      'type: PollingProfile\nspec:\n  name: p\n  strategy: periodic\n  periodic: {retryDelay: 5 s, timeout: 1m}\n',
      '"5 s" is not a Go duration: write numbers with units (ns, us, ms, s, m, h), e.g. 500ms, 5s or 1m30s',
    ],
    [
      'type: DataStore\nspec:\n  name: o\n  type: otlp\n  isdefault: true\n',
      'unknown key "isdefault" is ignored; did you mean "default"?',
    ],
    [
      'type: Monitor\nspec:\n  schedule: {cron: "0 * * *"}\n',
      '"0 * * *" has 4 fields: expected 5 (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *"',
    ],
    [
      'type: Analyzer\nspec:\n  name: a\n  plugins:\n    - id: common\n      rules:\n        - {id: span-naming, weight: 1, errorLevel: error}\n',
      '"span-naming" is not a rule of the common plugin: expected one of prefer-dns',
    ],
    [
      'type: Test\nspec:\n  name: t\n  trigger: {type: http, httpRequest: {method: FETCH, url: x}}\n',
      '"FETCH" is not allowed here: expected one of GET, PUT, POST, PATCH, DELETE, COPY, HEAD, OPTIONS, LINK, UNLINK, PURGE, LOCK, UNLOCK, PROPFIND, VIEW',
    ],
  ])('%j', (yaml, message) => {
    expect(parseDefinition(yaml).problems.map((p) => p.message)).toContain(message);
  });

  it('copies the file name into every problem', () => {
    const parsed = parseDefinition('type: Config\nspec: {}\n', { fileName: 'config.yaml' });
    expect(parsed.problems.map((p) => p.file)).toEqual(['config.yaml']);
  });
});

describe('parseDefinition: aliases and legacy shapes are read with a warning', () => {
  it('reads expression:, authentication:, user: and authetication: as aliases (SPEC §1.4, §2.3, Q33)', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: aliases
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://x
      authentication:
        type: basic
        basic: {user: u, password: p}
  outputs:
    - name: OUT
      selector: span
      expression: attr:x
`);
    expect(brief(parsed.problems)).toEqual([
      'warning ALIAS spec.trigger.httpRequest.authentication 9:7',
      'warning ALIAS spec.trigger.httpRequest.authentication.basic.user 11:17',
      'warning ALIAS spec.outputs[0].expression 15:7',
    ]);
    expect(parsed.resource).toMatchObject({
      spec: {
        trigger: { httpRequest: { auth: { type: 'basic', basic: { username: 'u', password: 'p' } } } },
        outputs: [{ name: 'OUT', selector: 'span', value: 'attr:x' }],
      },
    });
  });

  it('reads the misspelt kafka authetication (Q33)', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: k
  trigger:
    type: kafka
    kafka:
      brokerUrls: [kafka:9092]
      topic: orders
      messageValue: '{}'
      authetication: {type: plain, plain: {username: a, password: b}}
`);
    expect(brief(parsed.problems)).toEqual(['warning ALIAS spec.trigger.kafka.authetication 10:7']);
    expect(parsed.resource).toMatchObject({
      spec: {
        trigger: { kafka: { authentication: { type: 'plain', plain: { username: 'a', password: 'b' } } } },
      },
    });
  });

  it('ignores an alias when the canonical key is also given', () => {
    const parsed = parseDefinition(
      'type: Test\nspec:\n  name: t\n  trigger: {type: k6}\n  outputs:\n    - {name: A, selector: s, value: v, expression: e}\n',
    );
    expect(brief(parsed.problems)).toEqual(['warning IGNORED_FIELD spec.outputs[0].expression 6:40']);
    expect(parsed.resource).toMatchObject({ spec: { outputs: [{ name: 'A', selector: 's', value: 'v' }] } });
  });

  it('reads specs and outputs written as mappings, and selector objects (SPEC §1.4)', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: legacy
  trigger: {type: traceid, traceid: {id: abc}}
  specs:
    span[name="a"]:
      name: first
      assertions: [attr:x = 1]
    span[name="b"]:
      assertions: [attr:y = 2]
  outputs:
    OUT:
      selector: {query: 'span[name="a"]'}
      value: attr:x
`);
    expect(brief(parsed.problems)).toEqual([
      'warning LEGACY_SHAPE spec.specs 5:3',
      'warning LEGACY_SHAPE spec.outputs 11:3',
      'warning LEGACY_SHAPE spec.outputs.OUT.selector 13:17',
    ]);
    expect(parsed.resource).toMatchObject({
      spec: {
        specs: [
          { selector: 'span[name="a"]', name: 'first', assertions: ['attr:x = 1'] },
          { selector: 'span[name="b"]', assertions: ['attr:y = 2'] },
        ],
        outputs: [{ name: 'OUT', selector: 'span[name="a"]', value: 'attr:x' }],
      },
    });
  });

  it('reads a spec selector object {query, structure}', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: t
  trigger: {type: k6}
  specs:
    - selector:
        query: span[name="a"]
        structure: []
      assertions: [attr:x = 1]
`);
    expect(brief(parsed.problems)).toEqual(['warning LEGACY_SHAPE spec.specs[0].selector 7:9']);
    expect(parsed.resource).toMatchObject({ spec: { specs: [{ selector: 'span[name="a"]' }] } });
  });

  it.each([
    [
      'v2 {triggerType, http}',
      `  trigger:
    triggerType: http
    http:
      method: get
      url: http://x
`,
    ],
    [
      'v1 {Type, HTTP} with Go field names',
      `  trigger:
    Type: http
    HTTP:
      Method: GET
      URL: http://x
      Headers: [{Key: A, Value: b}]
`,
    ],
  ])('reads the %s trigger shape', (_, trigger) => {
    const parsed = parseDefinition(`type: Test\nspec:\n  name: t\n${trigger}`);
    expect(brief(parsed.problems)).toEqual(['warning LEGACY_SHAPE spec.trigger 5:5']);
    expect(parsed.resource).toMatchObject({
      spec: { trigger: { type: 'http', httpRequest: { method: 'GET', url: 'http://x' } } },
    });
  });

  it('reads a single alert mapping as a list (SPEC §1.13)', () => {
    const parsed = parseDefinition(`type: Monitor
spec:
  name: m
  alerts:
    type: webhook
    webhook: {url: http://hook, method: post}
    events: [FAILED]
`);
    expect(brief(parsed.problems)).toEqual(['warning LEGACY_SHAPE spec.alerts 4:3']);
    expect(parsed.resource).toMatchObject({
      spec: {
        alerts: [{ type: 'webhook', webhook: { url: 'http://hook', method: 'POST' }, events: ['FAILED'] }],
      },
    });
  });

  it('reads Demo type opentelemetryStore as otelstore', () => {
    const parsed = parseDefinition('type: Demo\nspec:\n  type: opentelemetryStore\n  enabled: true\n');
    expect(brief(parsed.problems)).toEqual(['warning ALIAS spec.type 3:9']);
    expect(parsed.resource).toEqual({ type: 'Demo', spec: { type: 'otelstore', enabled: true } });
  });

  it('reads YAML 1.1 booleans in boolean fields, as Go does', () => {
    const parsed = parseDefinition('type: Config\nspec:\n  analyticsEnabled: yes\n');
    expect(brief(parsed.problems)).toEqual(['warning ALIAS spec.analyticsEnabled 3:21']);
    expect(parsed.resource).toEqual({ type: 'Config', spec: { analyticsEnabled: true } });
  });

  it('warns about a singleton id other than current', () => {
    const parsed = parseDefinition('type: TestRunner\nspec:\n  id: mine\n  name: r\n');
    expect(brief(parsed.problems)).toEqual(['warning IGNORED_FIELD spec.id 3:3']);
    expect(parsed.resource).toEqual({ type: 'TestRunner', spec: { id: 'mine', name: 'r' } });
  });

  it('ignores the objects of other trigger types, warning only when they carry content (SPEC §2.1)', () => {
    const leftovers = (grpc: string) =>
      `type: Test\nspec:\n  name: t\n  trigger:\n    type: http\n    httpRequest: {method: GET, url: x}\n    grpc: ${grpc}\n`;
    expect(brief(parseDefinition(leftovers('{protobuf_file: "", address: ""}')).problems)).toEqual([]);
    expect(brief(parseDefinition(leftovers('{address: "rpc:1"}')).problems)).toEqual([
      'warning IGNORED_FIELD spec.trigger.grpc 7:5',
    ]);
  });

  it('ignores auth sub-objects when the auth has no type', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: t
  trigger:
    type: graphql
    graphql:
      url: http://g
      auth: {apiKey: {}, basic: {}, bearer: {}}
`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.resource).toMatchObject({ spec: { trigger: { graphql: { url: 'http://g' } } } });
    expect(parsed.resource?.type === 'Test' && 'auth' in parsed.resource.spec.trigger).toBe(false);
  });

  it('infers a tempo client type when only one client is configured', () => {
    const parsed = parseDefinition(
      'type: DataStore\nspec:\n  name: t\n  type: tempo\n  tempo:\n    grpc: {endpoint: t:9095}\n',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.resource).toMatchObject({
      spec: { tempo: { type: 'grpc', grpc: { endpoint: 't:9095' } } },
    });
  });

  it('ignores the legacy env map of a suite', () => {
    const parsed = parseDefinition('type: TestSuite\nspec:\n  name: s\n  steps: [a]\n  env: {A: b}\n');
    expect(brief(parsed.problems)).toEqual(['warning IGNORED_FIELD spec.env 5:3']);
    expect(parsed.resource).toEqual({ type: 'TestSuite', spec: { name: 's', steps: ['a'] } });
  });
});

describe('parseDefinition: legacy kinds', () => {
  it('reads type: Transaction as a TestSuite (Y02)', () => {
    const parsed = parseDefinition('type: Transaction\nspec:\n  name: legacy\n  steps:\n    - ./t.yaml\n');
    expect(brief(parsed.problems)).toEqual(['warning LEGACY_KIND type 1:7']);
    expect(parsed.originalType).toBe('Transaction');
    expect(parsed.resource).toEqual({ type: 'TestSuite', spec: { name: 'legacy', steps: ['./t.yaml'] } });
  });

  it('reads type: Environment with values as a VariableSet (SPEC §1.2)', () => {
    const parsed = parseDefinition(
      'type: Environment\nspec:\n  id: staging\n  name: staging\n  values:\n    - key: SKU\n      value: 42\n',
    );
    expect(brief(parsed.problems)).toEqual(['warning LEGACY_KIND type 1:7']);
    expect(parsed.originalType).toBe('Environment');
    expect(parsed.resource).toEqual({
      type: 'VariableSet',
      spec: { id: 'staging', name: 'staging', values: [{ key: 'SKU', value: '42', type: 'raw' }] },
    });
  });

  it('reads type: Environment without values as the workspace', () => {
    const parsed = parseDefinition('type: Environment\nspec:\n  name: dev\n');
    expect(parsed.problems).toEqual([]);
    expect(parsed.originalType).toBeUndefined();
    expect(parsed.resource).toEqual({ type: 'Environment', spec: { name: 'dev' } });
  });
});

describe('parseDefinition: scalars', () => {
  it('keeps the exact source text of numbers and booleans in text fields (Q32 recommended)', () => {
    const parsed = parseDefinition(`type: VariableSet
spec:
  name: 2024
  values:
    - {key: A, value: 0045}
    - {key: B, value: 1.50}
    - {key: C, value: true}
    - {key: D, value: 1e3}
    - {key: E, value: 0x1F}
    - {key: F, value: ~}
    - {key: 7, value: .inf}
`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.resource).toEqual({
      type: 'VariableSet',
      spec: {
        name: '2024',
        values: [
          { key: 'A', value: '0045', type: 'raw' },
          { key: 'B', value: '1.50', type: 'raw' },
          { key: 'C', value: 'true', type: 'raw' },
          { key: 'D', value: '1e3', type: 'raw' },
          { key: 'E', value: '0x1F', type: 'raw' },
          { key: 'F', value: '', type: 'raw' },
          { key: '7', value: '.inf', type: 'raw' },
        ],
      },
    });
  });

  it('folds a plain selector written over two lines into one line, as YAML says (SPEC §1.1)', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: t
  trigger: {type: k6}
  specs:
    - selector: span[name = "consume message from queue"]:last span[name = "import pokemon
        from pokeapi"]
      assertions:
        - |-
          attr:http.status_code =
          200
`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.resource).toMatchObject({
      spec: {
        specs: [
          {
            selector:
              'span[name = "consume message from queue"]:last span[name = "import pokemon from pokeapi"]',
            assertions: ['attr:http.status_code =\n200'],
          },
        ],
      },
    });
  });

  it('resolves YAML anchors and aliases', () => {
    const parsed = parseDefinition(`type: Test
spec:
  name: t
  trigger: {type: k6}
  specs:
    - selector: &root span[name="Tracetest trigger"]
      assertions: &ok [attr:tracetest.response.status = 200]
  outputs:
    - {name: A, selector: *root, value: attr:x}
`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.resource).toMatchObject({
      spec: { outputs: [{ name: 'A', selector: 'span[name="Tracetest trigger"]', value: 'attr:x' }] },
    });
  });
});

/** Fake language checkers: each rejects the first `!` with its 1-based column, like the real parsers do. */
const BANG_CHECKS: LanguageChecks = {
  selector: (text) =>
    text.includes('!') ? { message: 'selector: unexpected "!"', column: text.indexOf('!') + 1 } : undefined,
  statement: (text) =>
    text.includes('!') ? { message: 'statement: unexpected "!"', column: text.indexOf('!') + 1 } : undefined,
  expression: (text) =>
    text.includes('!') ? { message: 'expression: unexpected "!"', column: text.indexOf('!') + 1 } : undefined,
};

function languageProblems(specs: string): string[] {
  const yaml = `type: Test\nspec:\n  name: t\n  trigger: {type: k6}\n${specs}`;
  return parseDefinition(yaml, { languageChecks: BANG_CHECKS })
    .problems.filter((p) => p.code === 'SELECTOR_SYNTAX' || p.code === 'EXPRESSION_SYNTAX')
    .map((p) => `${p.code} ${p.path} ${p.line}:${p.column} ${p.message}`);
}

describe('parseDefinition: language errors point inside the YAML scalar', () => {
  it.each([
    [
      'a plain selector',
      '  specs:\n    - selector: span[name!"a"]\n      assertions: []\n',
      'SELECTOR_SYNTAX spec.specs[0].selector 6:26 selector: unexpected "!"',
    ],
    [
      'a plain selector folded over two lines',
      '  specs:\n    - selector: span[name="a"]\n        span[b!c]\n      assertions: []\n',
      'SELECTOR_SYNTAX spec.specs[0].selector 7:15 selector: unexpected "!"',
    ],
    [
      'a double-quoted assertion with escapes before the error',
      '  specs:\n    - selector: span\n      assertions:\n        - "attr:x = \\"a\\tb\\" !"\n',
      'EXPRESSION_SYNTAX spec.specs[0].assertions[0] 8:30 statement: unexpected "!"',
    ],
    [
      'a double-quoted assertion folded over two lines',
      '  specs:\n    - selector: span\n      assertions:\n        - "attr:x =\n          \\"a\\" !"\n',
      'EXPRESSION_SYNTAX spec.specs[0].assertions[0] 9:17 statement: unexpected "!"',
    ],
    [
      "a single-quoted assertion with ''",
      "  specs:\n    - selector: span\n      assertions:\n        - 'attr:x = ''it''s'' !'\n",
      'EXPRESSION_SYNTAX spec.specs[0].assertions[0] 8:31 statement: unexpected "!"',
    ],
    [
      'a literal block assertion',
      '  specs:\n    - selector: span\n      assertions:\n        - |-\n          attr:x =\n            1 !\n',
      'EXPRESSION_SYNTAX spec.specs[0].assertions[0] 10:15 statement: unexpected "!"',
    ],
    [
      'a folded block assertion',
      '  specs:\n    - selector: span\n      assertions:\n        - >-\n          attr:x =\n          1 !\n',
      'EXPRESSION_SYNTAX spec.specs[0].assertions[0] 10:13 statement: unexpected "!"',
    ],
    [
      'a selector written as the key of a legacy specs mapping',
      '  specs:\n    span[a!b]:\n      assertions: []\n',
      'SELECTOR_SYNTAX spec.specs["span[a!b]"] 6:11 selector: unexpected "!"',
    ],
    [
      'an output value',
      '  outputs:\n    - name: A\n      selector: span\n      value: attr:x | !\n',
      'EXPRESSION_SYNTAX spec.outputs[0].value 8:23 expression: unexpected "!"',
    ],
  ])('%s', (_, specs, problem) => {
    expect(languageProblems(specs)).toEqual([problem]);
  });

  it('falls back to the start of a block scalar it cannot map back (explicit indentation indicator)', () => {
    expect(
      languageProblems(
        '  specs:\n    - selector: span\n      assertions:\n        - |2-\n             x !\n',
      ),
    ).toEqual(['EXPRESSION_SYNTAX spec.specs[0].assertions[0] 8:11 statement: unexpected "!"']);
  });

  it('checks every selector, assertion and output at once and keeps valid text quiet', () => {
    const problems = languageProblems(
      '  specs:\n    - selector: a!\n      assertions: [ok, b!]\n  outputs:\n    - {name: A, selector: c!, value: d!}\n',
    );
    expect(problems.map((p) => p.split(' ').slice(0, 3).join(' '))).toEqual([
      'SELECTOR_SYNTAX spec.specs[0].selector 6:18',
      'EXPRESSION_SYNTAX spec.specs[0].assertions[1] 7:25',
      'SELECTOR_SYNTAX spec.outputs[0].selector 9:28',
      'EXPRESSION_SYNTAX spec.outputs[0].value 9:39',
    ]);
  });
});

describe('parseDefinitions: provisioning streams (SPEC §1.14)', () => {
  it('reads every document and counts lines in the whole stream', () => {
    const results = parseDefinitions(`---
type: Config
spec:
  analyticsEnabled: false
---
type: PollingProfile
spec:
  name: Custom Profile
  strategy: periodic
  default: true
  periodic:
    timeout: 30s
    retryDelay: nope
---
type: DataStore
spec:
  name: Jaeger
  type: jaeger
  jaeger:
    endpoint: jaeger-query:16685
    tls:
      insecure: true
`);
    expect(results.map((r) => r.resource?.type)).toEqual(['Config', undefined, 'DataStore']);
    expect(brief(results[1]!.problems)).toEqual(['error INVALID_VALUE spec.periodic.retryDelay 13:17']);
  });

  it('skips empty documents and returns nothing for an empty stream', () => {
    expect(parseDefinitions('')).toEqual([]);
    expect(parseDefinitions('---\n---\ntype: Config\nspec: {analyticsEnabled: true}\n---\n')).toHaveLength(1);
  });
});
