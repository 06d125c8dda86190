/**
 * Valid definitions of every kind (the minimal and rich examples of SPEC §1 and §2) with the resource
 * each one reads to. Shared by the parser and printer tests.
 */
import type { Resource } from './resource';

export interface ValidExample {
  readonly name: string;
  readonly yaml: string;
  readonly resource: Resource;
}

const httpTest = (trigger: string) => `type: Test
spec:
  name: t
  trigger:
${trigger}`;

export const VALID_EXAMPLES: readonly ValidExample[] = [
  {
    name: 'minimal Test',
    yaml: `type: Test
spec:
  name: ping
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://api.local/health
`,
    resource: {
      type: 'Test',
      spec: {
        name: 'ping',
        description: '',
        trigger: {
          type: 'http',
          httpRequest: {
            url: 'http://api.local/health',
            method: 'GET',
            headers: [],
            body: '',
            sslVerification: false,
          },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'rich Test',
    yaml: `type: Test
spec:
  id: create-order
  name: Create an order
  description: POST /orders must persist the order and publish an event
  pollingProfile: ./profiles/slow.yaml
  skipTraceCollection: false
  trigger:
    type: http
    httpRequest:
      method: POST
      url: \${var:BASE_URL}/orders
      headers:
        - key: Content-Type
          value: application/json
        - key: X-Request-Id
          value: \${uuid()}
      auth:
        type: bearer
        bearer:
          token: Bearer \${var:TOKEN}
      body: '{"sku": "\${var:SKU}", "qty": 2}'
      sslVerification: true
  specs:
    - name: HTTP entry point answers 201 quickly
      selector: span[tracetest.span.type="general" name="Tracetest trigger"]
      assertions:
        - attr:tracetest.response.status = 201
        - attr:tracetest.span.duration < 800ms
        - attr:tracetest.response.body | json_path '$.sku' = var:SKU
    - selector: span[tracetest.span.type="database" db.system="postgresql"]
      assertions:
        - attr:db.statement contains "INSERT"
        - attr:tracetest.selected_spans.count = 1
    - name: last retry of the stock call succeeds
      selector: span[name="orders process"] span[name="GET /stock"]:last
      assertions:
        - attr:http.status_code = 200
  outputs:
    - name: ORDER_ID
      selector: span[tracetest.span.type="general" name="Tracetest trigger"]
      value: attr:tracetest.response.body | json_path '$.id'
    - name: ORDER_LABEL
      selector: span[name="POST /orders"]
      value: '"order-\${attr:http.status_code}"'
`,
    resource: {
      type: 'Test',
      spec: {
        id: 'create-order',
        name: 'Create an order',
        description: 'POST /orders must persist the order and publish an event',
        trigger: {
          type: 'http',
          httpRequest: {
            url: '${var:BASE_URL}/orders',
            method: 'POST',
            headers: [
              { key: 'Content-Type', value: 'application/json' },
              { key: 'X-Request-Id', value: '${uuid()}' },
            ],
            body: '{"sku": "${var:SKU}", "qty": 2}',
            auth: { type: 'bearer', bearer: { token: 'Bearer ${var:TOKEN}' } },
            sslVerification: true,
          },
        },
        specs: [
          {
            selector: 'span[tracetest.span.type="general" name="Tracetest trigger"]',
            name: 'HTTP entry point answers 201 quickly',
            assertions: [
              'attr:tracetest.response.status = 201',
              'attr:tracetest.span.duration < 800ms',
              "attr:tracetest.response.body | json_path '$.sku' = var:SKU",
            ],
          },
          {
            selector: 'span[tracetest.span.type="database" db.system="postgresql"]',
            assertions: ['attr:db.statement contains "INSERT"', 'attr:tracetest.selected_spans.count = 1'],
          },
          {
            selector: 'span[name="orders process"] span[name="GET /stock"]:last',
            name: 'last retry of the stock call succeeds',
            assertions: ['attr:http.status_code = 200'],
          },
        ],
        outputs: [
          {
            name: 'ORDER_ID',
            selector: 'span[tracetest.span.type="general" name="Tracetest trigger"]',
            value: "attr:tracetest.response.body | json_path '$.id'",
          },
          {
            name: 'ORDER_LABEL',
            selector: 'span[name="POST /orders"]',
            value: '"order-${attr:http.status_code}"',
          },
        ],
        skipTraceCollection: false,
        pollingProfile: './profiles/slow.yaml',
      },
    },
  },
  {
    name: 'rich http trigger with apiKey auth and lower-case method',
    yaml: httpTest(`    type: http
    httpRequest:
      method: post
      url: https://\${var:HOST}/api/items?src=tt
      headers:
        - {key: Content-Type, value: application/json}
        - {key: Host, value: items.internal}
      auth:
        type: apiKey
        apiKey: {key: X-Api-Key, value: "\${var:API_KEY}", in: header}
      body: ./bodies/item.json
      sslVerification: true
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'http',
          httpRequest: {
            url: 'https://${var:HOST}/api/items?src=tt',
            method: 'POST',
            headers: [
              { key: 'Content-Type', value: 'application/json' },
              { key: 'Host', value: 'items.internal' },
            ],
            body: './bodies/item.json',
            auth: { type: 'apiKey', apiKey: { key: 'X-Api-Key', value: '${var:API_KEY}', in: 'header' } },
            sslVerification: true,
          },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'http trigger with basic auth',
    yaml: httpTest(`    type: http
    httpRequest:
      method: GET
      url: shop.local/health
      auth: {type: basic, basic: {username: u, password: p}}
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'http',
          httpRequest: {
            url: 'shop.local/health',
            method: 'GET',
            headers: [],
            body: '',
            auth: { type: 'basic', basic: { username: 'u', password: 'p' } },
            sslVerification: false,
          },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'minimal grpc trigger',
    yaml: httpTest(`    type: grpc
    grpc:
      protobufFile: ./api.proto
      address: rpc.local:8082
      method: shop.Orders.Create
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'grpc',
          grpc: { protobufFile: './api.proto', address: 'rpc.local:8082', method: 'shop.Orders.Create' },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'rich grpc trigger',
    yaml: httpTest(`    type: grpc
    grpc:
      protobufFile: |
        syntax = "proto3";
        package shop;
        service Orders { rpc Create (Req) returns (Res); }
      address: \${var:RPC_ADDR}
      method: shop.Orders.Create
      metadata:
        - {key: x-tenant, value: acme}
      request: |-
        {"sku": "\${var:SKU}", "qty": 2}
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'grpc',
          grpc: {
            protobufFile:
              'syntax = "proto3";\npackage shop;\nservice Orders { rpc Create (Req) returns (Res); }\n',
            address: '${var:RPC_ADDR}',
            method: 'shop.Orders.Create',
            request: '{"sku": "${var:SKU}", "qty": 2}',
            metadata: [{ key: 'x-tenant', value: 'acme' }],
          },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'rich kafka trigger',
    yaml: httpTest(`    type: kafka
    kafka:
      brokerUrls:
        - \${var:KAFKA_BROKER}
      topic: orders
      messageKey: order-\${uuid()}
      messageValue: '{"sku": "abc", "qty": 1}'
      headers:
        - {key: source, value: tracetest}
      authentication:
        type: plain
        plain: {username: "\${var:KAFKA_USER}", password: "\${var:KAFKA_PASS}"}
      sslVerification: true
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'kafka',
          kafka: {
            brokerUrls: ['${var:KAFKA_BROKER}'],
            topic: 'orders',
            messageKey: 'order-${uuid()}',
            messageValue: '{"sku": "abc", "qty": 1}',
            headers: [{ key: 'source', value: 'tracetest' }],
            authentication: {
              type: 'plain',
              plain: { username: '${var:KAFKA_USER}', password: '${var:KAFKA_PASS}' },
            },
            sslVerification: true,
          },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'traceid trigger',
    yaml: httpTest(`    type: traceid
    traceid:
      id: \${var:TRACE_ID}
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: { type: 'traceid', traceid: { id: '${var:TRACE_ID}' } },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'integration trigger k6',
    yaml: httpTest(`    type: k6
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: { type: 'k6' },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'rich graphql trigger',
    yaml: httpTest(`    type: graphql
    graphql:
      url: https://api.local/graphql
      headers: [{key: Content-Type, value: application/json}]
      body:
        query: 'query Q($id: ID!) { order(id: $id) { id total } }'
        variables: {id: "7"}
        operationName: Q
      schema: ./schema.graphql
      sslVerification: false
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'graphql',
          graphql: {
            url: 'https://api.local/graphql',
            headers: [{ key: 'Content-Type', value: 'application/json' }],
            body: {
              query: 'query Q($id: ID!) { order(id: $id) { id total } }',
              variables: { id: '7' },
              operationName: 'Q',
            },
            sslVerification: false,
            schema: './schema.graphql',
          },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'playwrightengine trigger',
    yaml: httpTest(`    type: playwrightengine
    playwrightEngine:
      target: \${var:TARGET_URL}
      script: ./script.js
      method: importPokemon
`),
    resource: {
      type: 'Test',
      spec: {
        name: 't',
        description: '',
        trigger: {
          type: 'playwrightengine',
          playwrightEngine: { target: '${var:TARGET_URL}', script: './script.js', method: 'importPokemon' },
        },
        specs: [],
        outputs: [],
        skipTraceCollection: false,
      },
    },
  },
  {
    name: 'minimal TestSuite',
    yaml: 'type: TestSuite\nspec:\n  name: smoke\n  steps:\n    - ping-test-id\n',
    resource: { type: 'TestSuite', spec: { name: 'smoke', steps: ['ping-test-id'] } },
  },
  {
    name: 'rich TestSuite',
    yaml: `type: TestSuite
spec:
  id: checkout-flow
  name: Checkout flow
  description: create, pay, ship
  steps:
    - ./tests/create-order.yaml
    - ../shared/pay.yaml
    - ship-order          # an already-applied test id
`,
    resource: {
      type: 'TestSuite',
      spec: {
        id: 'checkout-flow',
        name: 'Checkout flow',
        description: 'create, pay, ship',
        steps: ['./tests/create-order.yaml', '../shared/pay.yaml', 'ship-order'],
      },
    },
  },
  {
    name: 'minimal VariableSet',
    yaml: 'type: VariableSet\nspec:\n  name: local\n',
    resource: { type: 'VariableSet', spec: { name: 'local' } },
  },
  {
    name: 'rich VariableSet',
    yaml: `type: VariableSet
spec:
  id: staging
  name: staging
  description: staging endpoints
  values:
    - key: BASE_URL
      value: https://staging.shop.example
    - key: SKU
      value: 42
    - key: TOKEN
      value: s3cr3t
      type: secret
`,
    resource: {
      type: 'VariableSet',
      spec: {
        id: 'staging',
        name: 'staging',
        description: 'staging endpoints',
        values: [
          { key: 'BASE_URL', value: 'https://staging.shop.example', type: 'raw' },
          { key: 'SKU', value: '42', type: 'raw' },
          { key: 'TOKEN', value: 's3cr3t', type: 'secret' },
        ],
      },
    },
  },
  {
    name: 'minimal PollingProfile',
    yaml: `type: PollingProfile
spec:
  name: default
  strategy: periodic
  periodic:
    retryDelay: 5s
    timeout: 1m
`,
    resource: {
      type: 'PollingProfile',
      spec: {
        name: 'default',
        default: false,
        strategy: 'periodic',
        periodic: { retryDelay: '5s', timeout: '1m', selectorMatchRetries: 0 },
      },
    },
  },
  {
    name: 'rich PollingProfile',
    yaml: `type: PollingProfile
spec:
  id: current
  name: slow-backends
  default: true
  strategy: periodic
  periodic:
    retryDelay: 2s
    timeout: 3m
    selectorMatchRetries: 5
`,
    resource: {
      type: 'PollingProfile',
      spec: {
        id: 'current',
        name: 'slow-backends',
        default: true,
        strategy: 'periodic',
        periodic: { retryDelay: '2s', timeout: '3m', selectorMatchRetries: 5 },
      },
    },
  },
  {
    name: 'no-polling PollingProfile',
    yaml: 'type: PollingProfile\nspec:\n  name: none\n  strategy: no-polling\n',
    resource: { type: 'PollingProfile', spec: { name: 'none', default: false, strategy: 'no-polling' } },
  },
  {
    name: 'minimal DataStore',
    yaml: 'type: DataStore\nspec:\n  name: otlp\n  type: otlp\n  default: true\n',
    resource: { type: 'DataStore', spec: { name: 'otlp', type: 'otlp', default: true } },
  },
  {
    name: 'rich DataStore',
    yaml: `type: DataStore
spec:
  id: tempo-cloud
  name: Grafana Tempo
  type: tempo
  default: true
  tempo:
    type: http
    http:
      url: https://tempo.example/tempo
      headers:
        authorization: Basic dXNlcjpwYXNz
      tls:
        insecureSkipVerify: true
`,
    resource: {
      type: 'DataStore',
      spec: {
        id: 'tempo-cloud',
        name: 'Grafana Tempo',
        type: 'tempo',
        default: true,
        tempo: {
          type: 'http',
          http: {
            url: 'https://tempo.example/tempo',
            headers: { authorization: 'Basic dXNlcjpwYXNz' },
            tls: { insecureSkipVerify: true },
          },
        },
      },
    },
  },
  {
    name: 'jaeger DataStore with every gRPC client setting',
    yaml: `type: DataStore
spec:
  name: jaeger
  type: jaeger
  createdAt: 2023-10-16T19:39:35.345567Z
  jaeger:
    endpoint: jaeger:16685
    readBufferSize: 1024
    writeBufferSize: 2048
    waitForReady: true
    headers: {"": ""}
    balancerName: round_robin
    compression: gzip
    tls:
      insecure: false
      serverName: jaeger
      settings: {cAFile: /ca.pem, certFile: /c.pem, keyFile: /k.pem, minVersion: "1.2", maxVersion: "1.3"}
    auth: {type: bearer, bearer: {token: t}}
`,
    resource: {
      type: 'DataStore',
      spec: {
        name: 'jaeger',
        type: 'jaeger',
        createdAt: '2023-10-16T19:39:35.345567Z',
        jaeger: {
          endpoint: 'jaeger:16685',
          readBufferSize: 1024,
          writeBufferSize: 2048,
          waitForReady: true,
          headers: { '': '' },
          balancerName: 'round_robin',
          compression: 'gzip',
          tls: {
            insecure: false,
            serverName: 'jaeger',
            settings: {
              cAFile: '/ca.pem',
              certFile: '/c.pem',
              keyFile: '/k.pem',
              minVersion: '1.2',
              maxVersion: '1.3',
            },
          },
          auth: { type: 'bearer', bearer: { token: 't' } },
        },
      },
    },
  },
  {
    name: 'opensearch DataStore',
    yaml: `type: DataStore
spec:
  name: os
  type: opensearch
  opensearch:
    addresses: [http://os:9200]
    username: admin
    password: admin
    index: traces
    certificate: ""
    insecureSkipVerify: true
`,
    resource: {
      type: 'DataStore',
      spec: {
        name: 'os',
        type: 'opensearch',
        opensearch: {
          addresses: ['http://os:9200'],
          username: 'admin',
          password: 'admin',
          index: 'traces',
          certificate: '',
          insecureSkipVerify: true,
        },
      },
    },
  },
  {
    name: 'awsxray DataStore',
    yaml: `type: DataStore
spec:
  name: xray
  type: awsxray
  awsxray: {region: us-east-1, accessKeyId: a, secretAccessKey: s, sessionToken: t, useDefaultAuth: false}
`,
    resource: {
      type: 'DataStore',
      spec: {
        name: 'xray',
        type: 'awsxray',
        awsxray: {
          region: 'us-east-1',
          accessKeyId: 'a',
          secretAccessKey: 's',
          sessionToken: 't',
          useDefaultAuth: false,
        },
      },
    },
  },
  {
    name: 'azureappinsights DataStore',
    yaml: `type: DataStore
spec:
  name: azure
  type: azureappinsights
  azureappinsights: {useAzureActiveDirectoryAuth: true, accessToken: x, resourceArmId: r, connectionType: direct}
`,
    resource: {
      type: 'DataStore',
      spec: {
        name: 'azure',
        type: 'azureappinsights',
        azureappinsights: {
          useAzureActiveDirectoryAuth: true,
          accessToken: 'x',
          resourceArmId: 'r',
          connectionType: 'direct',
        },
      },
    },
  },
  {
    name: 'sumologic DataStore',
    yaml: `type: DataStore
spec:
  name: sumo
  type: sumologic
  sumologic: {url: https://api.sumologic.com, accessID: id, accessKey: key}
`,
    resource: {
      type: 'DataStore',
      spec: {
        name: 'sumo',
        type: 'sumologic',
        sumologic: { url: 'https://api.sumologic.com', accessID: 'id', accessKey: 'key' },
      },
    },
  },
  {
    name: 'minimal Analyzer',
    yaml: 'type: Analyzer\nspec:\n  name: analyzer\n  enabled: false\n',
    resource: { type: 'Analyzer', spec: { name: 'analyzer', enabled: false, minimumScore: 0 } },
  },
  {
    name: 'rich Analyzer',
    yaml: `type: Analyzer
spec:
  id: current
  name: analyzer
  enabled: true
  minimumScore: 80
  plugins:
    - id: standards
      enabled: true
      rules:
        - {id: span-naming, weight: 25, errorLevel: warning}
        - {id: required-attributes, weight: 25, errorLevel: error}
        - {id: attribute-naming, weight: 25, errorLevel: error}
        - {id: no-empty-attributes, weight: 25, errorLevel: disabled}
    - id: common
      enabled: true
      rules:
        - {id: prefer-dns, weight: 100, errorLevel: error}
    - id: security
      enabled: false
      rules:
        - {id: secure-https-protocol, weight: 30, errorLevel: error}
        - {id: no-api-key-leak, weight: 70, errorLevel: error}
`,
    resource: {
      type: 'Analyzer',
      spec: {
        id: 'current',
        name: 'analyzer',
        enabled: true,
        minimumScore: 80,
        plugins: [
          {
            id: 'standards',
            enabled: true,
            rules: [
              { id: 'span-naming', weight: 25, errorLevel: 'warning' },
              { id: 'required-attributes', weight: 25, errorLevel: 'error' },
              { id: 'attribute-naming', weight: 25, errorLevel: 'error' },
              { id: 'no-empty-attributes', weight: 25, errorLevel: 'disabled' },
            ],
          },
          { id: 'common', enabled: true, rules: [{ id: 'prefer-dns', weight: 100, errorLevel: 'error' }] },
          {
            id: 'security',
            enabled: false,
            rules: [
              { id: 'secure-https-protocol', weight: 30, errorLevel: 'error' },
              { id: 'no-api-key-leak', weight: 70, errorLevel: 'error' },
            ],
          },
        ],
      },
    },
  },
  {
    name: 'minimal Config',
    yaml: 'type: Config\nspec:\n  analyticsEnabled: false\n',
    resource: { type: 'Config', spec: { analyticsEnabled: false } },
  },
  {
    name: 'rich Config',
    yaml: 'type: Config\nspec:\n  id: current\n  name: Config\n  analyticsEnabled: true\n',
    resource: { type: 'Config', spec: { id: 'current', name: 'Config', analyticsEnabled: true } },
  },
  {
    name: 'minimal Demo',
    yaml: 'type: Demo\nspec:\n  name: pokeshop\n  type: pokeshop\n  enabled: false\n',
    resource: { type: 'Demo', spec: { name: 'pokeshop', type: 'pokeshop', enabled: false } },
  },
  {
    name: 'rich Demo',
    yaml: `type: Demo
spec:
  id: otel-demo
  name: OpenTelemetry Shop
  type: otelstore
  enabled: true
  opentelemetryStore:
    frontendEndpoint: http://frontend:8084
    productCatalogEndpoint: productcatalogservice:3550
    cartEndpoint: cartservice:7070
    checkoutEndpoint: checkoutservice:5050
  pokeshop: {}
`,
    resource: {
      type: 'Demo',
      spec: {
        id: 'otel-demo',
        name: 'OpenTelemetry Shop',
        type: 'otelstore',
        enabled: true,
        pokeshop: {},
        opentelemetryStore: {
          frontendEndpoint: 'http://frontend:8084',
          productCatalogEndpoint: 'productcatalogservice:3550',
          cartEndpoint: 'cartservice:7070',
          checkoutEndpoint: 'checkoutservice:5050',
        },
      },
    },
  },
  {
    name: 'minimal TestRunner',
    yaml: 'type: TestRunner\nspec:\n  name: default\n  requiredGates: [test-specs]\n',
    resource: { type: 'TestRunner', spec: { name: 'default', requiredGates: ['test-specs'] } },
  },
  {
    name: 'rich TestRunner',
    yaml: `type: TestRunner
spec:
  id: current
  name: strict
  requiredGates:
    - analyzer-score
    - analyzer-rules
    - test-specs
`,
    resource: {
      type: 'TestRunner',
      spec: {
        id: 'current',
        name: 'strict',
        requiredGates: ['analyzer-score', 'analyzer-rules', 'test-specs'],
      },
    },
  },
  {
    name: 'minimal Monitor',
    yaml: `type: Monitor
spec:
  name: hourly smoke
  enabled: true
  tests: [ping-test-id]
  schedule: {cron: "0 * * * *"}
`,
    resource: {
      type: 'Monitor',
      spec: { name: 'hourly smoke', enabled: true, tests: ['ping-test-id'], schedule: { cron: '0 * * * *' } },
    },
  },
  {
    name: 'rich Monitor',
    yaml: `type: Monitor
spec:
  id: checkout-monitor
  name: Checkout every 15 minutes
  enabled: true
  variableSetId: staging
  tests:
    - ./tests/create-order.yaml
    - ping-test-id
  testSuites:
    - ./suites/checkout.yaml
  schedule:
    cron: "*/15 * * * *"
    timeZone: Europe/Madrid
  alerts:
    - type: webhook
      webhook:
        url: https://hooks.example/alert
        method: POST
        headers: [{key: Content-Type, value: application/json}]
        body: '{"text": "Monitor {{ .Monitor.name }} failed"}'
      events: [FAILED]
`,
    resource: {
      type: 'Monitor',
      spec: {
        id: 'checkout-monitor',
        name: 'Checkout every 15 minutes',
        enabled: true,
        variableSetId: 'staging',
        tests: ['./tests/create-order.yaml', 'ping-test-id'],
        testSuites: ['./suites/checkout.yaml'],
        schedule: { cron: '*/15 * * * *', timeZone: 'Europe/Madrid' },
        alerts: [
          {
            type: 'webhook',
            webhook: {
              url: 'https://hooks.example/alert',
              method: 'POST',
              body: '{"text": "Monitor {{ .Monitor.name }} failed"}',
              headers: [{ key: 'Content-Type', value: 'application/json' }],
            },
            events: ['FAILED'],
          },
        ],
      },
    },
  },
  {
    name: 'EnvironmentToken',
    yaml: `type: EnvironmentToken
spec:
  id: GI1su-PIg
  name: my-engineers-token
  role: engineers
  isRevoked: false
  userID: u1
  duration: 1440
  issuedAt: 2024-01-01T00:00:00Z
  expiresAt: 2024-01-02T00:00:00+01:00
  updatedAt: 2024-01-01T00:00:00.5Z
`,
    resource: {
      type: 'EnvironmentToken',
      spec: {
        id: 'GI1su-PIg',
        name: 'my-engineers-token',
        role: 'engineers',
        isRevoked: false,
        userID: 'u1',
        duration: 1440,
        issuedAt: '2024-01-01T00:00:00Z',
        expiresAt: '2024-01-02T00:00:00+01:00',
        updatedAt: '2024-01-01T00:00:00.5Z',
      },
    },
  },
  {
    name: 'Invite',
    yaml: `type: Invite
spec:
  id: pqx2w0PSR
  to: someone@example.com
  role: engineers
  type: email
  status: pending
  createdAt: 2024-01-01T00:00:00Z
  sentAt: 2024-01-01T00:00:01Z
  returnTo: https://app.example/
  environments:
    - {id: env1, role: runners}
`,
    resource: {
      type: 'Invite',
      spec: {
        id: 'pqx2w0PSR',
        to: 'someone@example.com',
        role: 'engineers',
        type: 'email',
        status: 'pending',
        createdAt: '2024-01-01T00:00:00Z',
        sentAt: '2024-01-01T00:00:01Z',
        returnTo: 'https://app.example/',
        environments: [{ id: 'env1', role: 'runners' }],
      },
    },
  },
  {
    name: 'Environment (workspace)',
    yaml: `type: Environment
spec:
  id: ttenv_dd3bb7e26a187dc1
  name: my-demo-environment
  description: My environment description
  labels: {team: shop}
  isLocal: false
  resources: ./resources
  agentConfiguration:
    serverless: true
`,
    resource: {
      type: 'Environment',
      spec: {
        id: 'ttenv_dd3bb7e26a187dc1',
        name: 'my-demo-environment',
        description: 'My environment description',
        labels: { team: 'shop' },
        isLocal: false,
        resources: './resources',
        agentConfiguration: { serverless: true },
      },
    },
  },
];
