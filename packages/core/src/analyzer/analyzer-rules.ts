import type { TraceSpan } from '../trace/model';
import type { AnalyzerRuleId } from './analyzer-catalogue';
import { hasConventionAttribute, readConventionAttribute, stableNameOf } from './read-convention-attribute';

/** One problem a rule found on a span. */
export interface AnalyzerError {
  /** What was found: the span name, the attribute key, or the offending attribute value. */
  readonly value: string;
  /** What the rule wanted instead. */
  readonly expected: string;
  readonly description: string;
  readonly suggestions: readonly string[];
}

/** Checks one span; an empty list means the span passes. */
export type SpanCheck = (span: TraceSpan) => readonly AnalyzerError[];

const PASS: readonly AnalyzerError[] = [];

function readText(span: TraceSpan, name: string): string {
  return readConventionAttribute(span.attributes, name)?.value ?? '';
}

/** `"http.url"` or `"http.url" (or "url.full")` for messages. */
function describeName(name: string): string {
  const stable = stableNameOf(name);
  return stable === undefined ? `"${name}"` : `"${name}" (or "${stable}")`;
}

function listMissing(span: TraceSpan, names: readonly string[]): string[] {
  return names.filter((name) => !hasConventionAttribute(span.attributes, name));
}

function namingError(
  span: TraceSpan,
  convention: string,
  expected: string,
  usedAttributes: readonly string[],
  alternative?: string,
): readonly AnalyzerError[] {
  const suggestions = [`Rename the span to "${expected}" (${convention}).`];
  if (alternative !== undefined)
    suggestions.push(`With the stable conventions, "${alternative}" passes too.`);
  const missing = listMissing(span, usedAttributes);
  if (missing.length > 0) {
    suggestions.push(
      `The name is built from attributes the span lacks: set ${missing.map(describeName).join(', ')}.`,
    );
  }
  return [
    {
      value: span.name,
      expected,
      description: `span name "${span.name}" does not follow the naming convention of ${span.type} ${span.kind} spans: expected "${expected}"`,
      suggestions,
    },
  ];
}

/** Passes when both stable attributes are present and the name is `"{first} {second}"`. */
function matchesStableName(span: TraceSpan, first: string, second: string): boolean {
  const a = span.attributes.get(first);
  const b = span.attributes.get(second);
  return a !== undefined && b !== undefined && span.name === `${a} ${b}`;
}

const checkSpanNaming: SpanCheck = (span) => {
  switch (span.type) {
    case 'http': {
      const method = readText(span, 'http.method');
      if (span.kind === 'client') {
        return span.name === method
          ? PASS
          : namingError(span, '"{http.method}" for client spans', method, ['http.method']);
      }
      const expected = `${method} ${span.attributes.get('http.route') ?? ''}`;
      return span.name === expected
        ? PASS
        : namingError(span, '"{http.method} {http.route}"', expected, ['http.method', 'http.route']);
    }
    case 'database': {
      if (matchesStableName(span, 'db.operation.name', 'db.collection.name')) return PASS;
      if (readText(span, 'db.system') === 'redis') {
        const statement = readText(span, 'db.statement');
        if (statement !== '' && statement.toLowerCase().startsWith(span.name.toLowerCase())) return PASS;
        const command = statement.split(/\s/, 1)[0] ?? '';
        return [
          {
            value: span.name,
            expected: command,
            description:
              statement === ''
                ? `redis span "${span.name}" has no ${describeName('db.statement')} to compare its name with`
                : `redis span name "${span.name}" is not the start of its statement "${statement}"`,
            suggestions: [
              statement === ''
                ? `Record the command in ${describeName('db.statement')}.`
                : `Name the span after the redis command, e.g. "${command}".`,
            ],
          },
        ];
      }
      const expected = `${readText(span, 'db.operation')} ${readText(span, 'db.name')}.${readText(span, 'db.sql.table')}`;
      return span.name === expected
        ? PASS
        : namingError(
            span,
            '"{db.operation} {db.name}.{db.sql.table}"',
            expected,
            ['db.operation', 'db.name', 'db.sql.table'],
            '{db.operation.name} {db.collection.name}',
          );
    }
    case 'rpc': {
      const expected = `${span.attributes.get('rpc.service') ?? ''}/${span.attributes.get('rpc.method') ?? ''}`;
      return span.name === expected
        ? PASS
        : namingError(span, '"{rpc.service}/{rpc.method}"', expected, ['rpc.service', 'rpc.method']);
    }
    case 'messaging': {
      if (matchesStableName(span, 'messaging.operation.name', 'messaging.destination.name')) return PASS;
      const expected = `${readText(span, 'messaging.destination')} ${readText(span, 'messaging.operation')}`;
      return span.name === expected
        ? PASS
        : namingError(
            span,
            '"{messaging.destination} {messaging.operation}"',
            expected,
            ['messaging.destination', 'messaging.operation'],
            '{messaging.operation.name} {messaging.destination.name}',
          );
    }
    default:
      return PASS;
  }
};

const PASS_NAMES: readonly string[] = [];

function requiredAttributesOf(span: TraceSpan): readonly string[] {
  switch (span.type) {
    case 'http':
      if (span.kind === 'client') return ['http.method', 'http.url', 'net.peer.name'];
      if (span.kind === 'server') return ['http.method', 'http.target', 'http.scheme', 'net.host.name'];
      return ['http.method'];
    case 'database':
      return ['db.system'];
    case 'rpc':
      return ['rpc.system', 'net.peer.name'];
    case 'messaging':
      return ['messaging.system', 'messaging.operation'];
    case 'faas':
      if (span.kind === 'client') return ['faas.invoked_name', 'faas.invoked_provider'];
      if (span.kind === 'server') return ['faas.trigger'];
      return PASS_NAMES;
    default:
      return PASS_NAMES;
  }
}

const checkRequiredAttributes: SpanCheck = (span) => {
  const missing = listMissing(span, requiredAttributesOf(span));
  if (missing.length === 0) return PASS;
  return missing.map((name) => {
    const stable = stableNameOf(name);
    return {
      value: name,
      expected: stable === undefined ? `"${name}" present` : `"${name}" or "${stable}" present`,
      description: `attribute ${describeName(name)} is required on ${span.type} ${span.kind} spans but missing`,
      suggestions: [
        stable === undefined
          ? `Record "${name}" on the span (an empty value is allowed).`
          : `Record "${stable}" (stable conventions) or "${name}" on the span (an empty value is allowed).`,
      ],
    };
  });
};

const KEY_SYNTAX = 'lowercase a-z, 0-9 and _ segments joined by dots, with at least one dot';

/** Same as `^([a-z0-9_]+\.)+[a-z0-9_]+$`, in one pass. */
function isValidAttributeKey(key: string): boolean {
  let segmentLength = 0;
  let dots = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 46) {
      if (segmentLength === 0) return false;
      dots++;
      segmentLength = 0;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95) segmentLength++;
    else return false;
  }
  return dots > 0 && segmentLength > 0;
}

/** A close key that follows the convention, e.g. `http.statusCode` → `http.status_code`. */
function suggestAttributeKey(key: string): string {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_.]/g, '_')
    .split('.')
    .filter((segment) => segment !== '')
    .join('.');
  if (snake === '') return 'app.attribute';
  return snake.includes('.') ? snake : `app.${snake}`;
}

function createAttributeNamingCheck(): SpanCheck {
  // Spans of a trace share most keys: check each distinct key once. The value is the key's
  // namespace (the key up to its last dot), or null when the key is invalid.
  const namespaceOfKey = new Map<string, string | null>();
  const namespaceOf = (key: string): string | null => {
    let namespace = namespaceOfKey.get(key);
    if (namespace === undefined) {
      namespace = isValidAttributeKey(key) ? key.slice(0, key.lastIndexOf('.')) : null;
      namespaceOfKey.set(key, namespace);
    }
    return namespace;
  };
  return (span) => {
    const errors: AnalyzerError[] = [];
    // Clashing key → one key inside its namespace, for the message. Rare: allocated on demand.
    let clashes: Map<string, string> | undefined;
    for (const key of span.attributes.keys()) {
      const namespace = namespaceOf(key);
      if (namespace !== null) {
        if (span.attributes.has(namespace) && !clashes?.has(namespace)) {
          clashes = clashes ?? new Map();
          clashes.set(namespace, key);
        }
        continue;
      }
      errors.push({
        value: key,
        expected: KEY_SYNTAX,
        description: `attribute key "${key}" does not follow the naming convention (${KEY_SYNTAX})`,
        suggestions: [`Rename it, e.g. to "${suggestAttributeKey(key)}".`],
      });
    }
    if (clashes === undefined) return errors;
    // Reported in key order, after the syntax errors.
    for (const key of span.attributes.keys()) {
      const inside = clashes.get(key);
      if (inside === undefined) continue;
      errors.push({
        value: key,
        expected: `a key that is not the namespace of "${inside}"`,
        description: `attribute key "${key}" is also the namespace of "${inside}" on the same span`,
        suggestions: [
          `Move the value into the namespace, e.g. "${key}.value", or drop "${key}" if "${inside}" already says it.`,
        ],
      });
    }
    return errors;
  };
}

const checkNoEmptyAttributes: SpanCheck = (span) => {
  const errors: AnalyzerError[] = [];
  for (const [key, value] of span.attributes) {
    if (value !== '') continue;
    errors.push({
      value: key,
      expected: 'a non-empty value',
      description: `attribute "${key}" is empty`,
      suggestions: [`Leave "${key}" out when there is no value to record.`],
    });
  }
  return errors;
};

const IPV4 = /(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)(\.(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)){3}/;

const checkPreferDns: SpanCheck = (span) => {
  const checked = ['http.url', 'db.connection_string'];
  if (span.kind === 'client') checked.push('net.peer.name');
  const errors: AnalyzerError[] = [];
  for (const name of checked) {
    const found = readConventionAttribute(span.attributes, name);
    const ip = found === undefined ? null : IPV4.exec(found.value);
    if (found === undefined || ip === null) continue;
    errors.push({
      value: found.value,
      expected: 'a host name instead of an IP address',
      description: `attribute "${found.key}" addresses a service by the IP address ${ip[0]}`,
      suggestions: [`Call the service through its DNS name instead of ${ip[0]}.`],
    });
  }
  return errors;
};

const checkSecureHttpsProtocol: SpanCheck = (span) => {
  if (span.type !== 'http') return PASS;
  const errors: AnalyzerError[] = [];
  for (const name of ['http.scheme', 'http.url']) {
    const found = readConventionAttribute(span.attributes, name);
    if (found?.value.startsWith('https')) continue;
    errors.push(
      found === undefined
        ? {
            value: '',
            expected: 'https',
            description: `http span has no ${describeName(name)}, so it cannot show that the call used https`,
            suggestions: [`Record ${describeName(name)} on the span.`],
          }
        : {
            value: found.value,
            expected: 'https',
            description: `attribute "${found.key}" is "${found.value}", which is not https`,
            suggestions: ['Serve and call this endpoint over https.'],
          },
    );
  }
  return errors;
};

const CREDENTIAL_HEADERS = [
  'http.request.header.authorization',
  'http.request.header.x-api-key',
  'http.response.header.authorization',
  'http.response.header.x-api-key',
];

const checkNoApiKeyLeak: SpanCheck = (span) => {
  if (span.type !== 'http') return PASS;
  const errors: AnalyzerError[] = [];
  for (const key of CREDENTIAL_HEADERS) {
    const value = span.attributes.get(key);
    if (value === undefined || value === '') continue;
    // The value is a credential: quote only the key, never the value.
    errors.push({
      value: key,
      expected: 'no recorded credential',
      description: `attribute "${key}" records a credential header`,
      suggestions: [
        `Stop capturing the header "${key.slice(key.lastIndexOf('.') + 1)}" or redact it before export.`,
      ],
    });
  }
  return errors;
};

/** A fresh check per rule for one analysis (some checks keep a per-trace cache). */
export const ANALYZER_RULE_CHECKS: Readonly<Record<AnalyzerRuleId, () => SpanCheck>> = {
  'span-naming': () => checkSpanNaming,
  'required-attributes': () => checkRequiredAttributes,
  'attribute-naming': createAttributeNamingCheck,
  'no-empty-attributes': () => checkNoEmptyAttributes,
  'prefer-dns': () => checkPreferDns,
  'secure-https-protocol': () => checkSecureHttpsProtocol,
  'no-api-key-leak': () => checkNoApiKeyLeak,
};
