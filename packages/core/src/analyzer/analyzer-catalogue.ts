/** Plugin ids of the analyzer (SPEC §8.1), in catalogue order. */
export const ANALYZER_PLUGIN_IDS = ['standards', 'common', 'security'] as const;
export type AnalyzerPluginId = (typeof ANALYZER_PLUGIN_IDS)[number];

/** Rule ids of the analyzer (SPEC §8.1), in catalogue order. */
export const ANALYZER_RULE_IDS = [
  'span-naming',
  'required-attributes',
  'attribute-naming',
  'no-empty-attributes',
  'prefer-dns',
  'secure-https-protocol',
  'no-api-key-leak',
] as const;
export type AnalyzerRuleId = (typeof ANALYZER_RULE_IDS)[number];

/**
 * How a rule counts: `error` rules decide the score and the verdict, `warning` rules are reported
 * only, `disabled` rules evaluate nothing and pass.
 */
export const ANALYZER_ERROR_LEVELS = ['error', 'warning', 'disabled'] as const;
export type AnalyzerErrorLevel = (typeof ANALYZER_ERROR_LEVELS)[number];

/** Read-only description of a rule, shown by the UI and the docs. */
export interface AnalyzerRuleInfo {
  readonly id: AnalyzerRuleId;
  readonly name: string;
  readonly description: string;
  /** Heading of the list of problems when the rule fails on a span. */
  readonly errorDescription: string;
  readonly tips: readonly string[];
  readonly defaultWeight: number;
  readonly defaultLevel: AnalyzerErrorLevel;
}

/** Read-only description of a plugin and its rules, in catalogue order. */
export interface AnalyzerPluginInfo {
  readonly id: AnalyzerPluginId;
  readonly name: string;
  readonly description: string;
  readonly rules: readonly AnalyzerRuleInfo[];
}

/**
 * The analyzer's catalogue (SPEC §8.1): every plugin with its rules, default weights and levels.
 * @example ANALYZER_PLUGINS.find((p) => p.id === 'security')?.rules.map((r) => r.id)
 * // ['secure-https-protocol', 'no-api-key-leak']
 */
export const ANALYZER_PLUGINS: readonly AnalyzerPluginInfo[] = [
  {
    id: 'standards',
    name: 'OTel Semantic Conventions',
    description:
      'Checks that spans are named and described the way the OpenTelemetry semantic conventions ' +
      'ask, so that every tool reading the trace understands it.',
    rules: [
      {
        id: 'span-naming',
        name: 'Span naming',
        description:
          'Span names of HTTP, database, RPC and messaging spans name a class of operations ' +
          '(e.g. "GET /users/{id}"), built from the span attributes, not one particular call.',
        errorDescription: 'These spans are not named after the convention for their type:',
        tips: [
          'A span name should have low cardinality: use the route template ("/users/{id}"), never the ' +
            'concrete URL ("/users/42").',
          'Most instrumentation libraries name spans correctly; a wrong name usually comes from a manual ' +
            'span or a custom name set in code.',
          'The stable conventions are accepted too: "{messaging.operation.name} ' +
            '{messaging.destination.name}" and "{db.operation.name} {db.collection.name}".',
        ],
        defaultWeight: 25,
        defaultLevel: 'error',
      },
      {
        id: 'required-attributes',
        name: 'Required attributes',
        description:
          'Spans of a known type carry the attributes their convention requires, such as the HTTP ' +
          'method of an HTTP span or the database system of a database span.',
        errorDescription: 'These spans lack attributes their type requires:',
        tips: [
          'An attribute may be empty but must be present.',
          'Either the older name (e.g. "http.url") or the stable one (e.g. "url.full") satisfies the rule.',
        ],
        defaultWeight: 25,
        defaultLevel: 'error',
      },
      {
        id: 'attribute-naming',
        name: 'Attribute naming',
        description:
          'Attribute keys are namespaced, lowercase and snake_case ("http.status_code"), and no key is ' +
          'also the namespace of another key on the same span.',
        errorDescription: 'These attribute keys break the naming convention:',
        tips: [
          'Put every key in a namespace ("app.order_id", not "order_id") so it cannot clash with another ' +
            "library's key.",
          'Separate words with "_" and keep keys lowercase: "http.status_code", not "http.statusCode" or ' +
            '"http.status-code".',
          'Do not use a namespace as a key: with "app.user.id" on the span, "app.user" cannot be a key too.',
        ],
        defaultWeight: 25,
        defaultLevel: 'error',
      },
      {
        id: 'no-empty-attributes',
        name: 'No empty attributes',
        description: 'Attribute values are never the empty string.',
        errorDescription: 'These attributes have an empty value:',
        tips: [
          'An empty attribute costs storage and tells nothing: leave the attribute out when there is no value.',
        ],
        defaultWeight: 25,
        defaultLevel: 'error',
      },
    ],
  },
  {
    id: 'common',
    name: 'Common Problems',
    description: 'Finds frequent mistakes in how services reach each other.',
    rules: [
      {
        id: 'prefer-dns',
        name: 'Prefer DNS',
        description: 'Services are addressed by host name rather than by IP address.',
        errorDescription: 'These attributes address a service by IP address:',
        tips: [
          'IP addresses change when a service moves or scales; a DNS name keeps working and says which ' +
            'service is called.',
        ],
        defaultWeight: 100,
        defaultLevel: 'error',
      },
    ],
  },
  {
    id: 'security',
    name: 'Security',
    description: 'Finds insecure transport and credentials that leak into telemetry.',
    rules: [
      {
        id: 'secure-https-protocol',
        name: 'Secure HTTPS protocol',
        description: 'HTTP spans use the https scheme, so traffic is encrypted.',
        errorDescription: 'These HTTP spans use an insecure or unknown scheme:',
        tips: [
          'Serve and call HTTP endpoints over TLS, also inside the cluster.',
          'A span without a scheme or URL attribute fails too: the rule cannot tell that the call was secure.',
        ],
        defaultWeight: 30,
        defaultLevel: 'error',
      },
      {
        id: 'no-api-key-leak',
        name: 'No API key leak',
        description:
          'HTTP spans do not record the Authorization or X-API-Key headers, whose values are credentials.',
        errorDescription: 'These HTTP spans record credential headers:',
        tips: [
          'Whoever can read the traces can replay a recorded credential: remove these headers from the ' +
            'list of captured headers of your instrumentation, or redact them in the collector.',
        ],
        defaultWeight: 70,
        defaultLevel: 'error',
      },
    ],
  },
];
