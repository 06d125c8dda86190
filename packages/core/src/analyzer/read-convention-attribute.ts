/**
 * Old semantic-convention names the analyzer reads, each with its stable OpenTelemetry name
 * (Tracecheck decision 5). `http.target` is special: its stable form is `url.path` plus `?url.query`.
 */
const STABLE_NAMES: Readonly<Record<string, string>> = {
  'http.method': 'http.request.method',
  'http.status_code': 'http.response.status_code',
  'http.url': 'url.full',
  'http.scheme': 'url.scheme',
  'http.target': 'url.path',
  'net.peer.name': 'server.address',
  'net.host.name': 'server.address',
  'db.statement': 'db.query.text',
  'db.operation': 'db.operation.name',
  'db.name': 'db.namespace',
  'db.sql.table': 'db.collection.name',
  'db.system': 'db.system.name',
  'messaging.destination': 'messaging.destination.name',
  'messaging.operation': 'messaging.operation.type',
};

/** The stable name that also satisfies an old attribute name, if there is one. */
export function stableNameOf(name: string): string | undefined {
  return STABLE_NAMES[name];
}

/** An attribute as found on a span: the key actually read and its value. */
export interface FoundAttribute {
  readonly key: string;
  readonly value: string;
}

/**
 * Reads an attribute by its old name or, when the old name is absent, by its stable name. The old
 * name wins when both are present, so spans instrumented with the old conventions judge exactly as
 * before.
 * @example readConventionAttribute(new Map([['url.full', 'https://a/x']]), 'http.url')
 * // { key: 'url.full', value: 'https://a/x' }
 */
export function readConventionAttribute(
  attributes: ReadonlyMap<string, string>,
  name: string,
): FoundAttribute | undefined {
  const old = attributes.get(name);
  if (old !== undefined) return { key: name, value: old };
  const stable = STABLE_NAMES[name];
  if (stable === undefined) return undefined;
  const value = attributes.get(stable);
  if (value === undefined) return undefined;
  if (name === 'http.target') {
    const query = attributes.get('url.query');
    return { key: stable, value: query ? `${value}?${query}` : value };
  }
  return { key: stable, value };
}

/** Whether the attribute is present under its old or its stable name (empty values count). */
export function hasConventionAttribute(attributes: ReadonlyMap<string, string>, name: string): boolean {
  if (attributes.has(name)) return true;
  const stable = STABLE_NAMES[name];
  return stable !== undefined && attributes.has(stable);
}
