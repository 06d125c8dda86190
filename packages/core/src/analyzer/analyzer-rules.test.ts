import { describe, expect, it } from 'vitest';
import { buildTrace } from '../testing/index';
import type { SpanKind, TraceSpan } from '../trace/model';
import type { AnalyzerRuleId } from './analyzer-catalogue';
import { ANALYZER_RULE_CHECKS, type AnalyzerError } from './analyzer-rules';

/** A one-span trace; the span gets the derived tracetest.* attributes like any other. */
function spanOf(name: string, kind: SpanKind, attributes: Record<string, string>): TraceSpan {
  return buildTrace([{ id: 1, name, kind, startMs: 0, endMs: 10, attributes }]).spans[0]!;
}

function check(rule: AnalyzerRuleId, span: TraceSpan): readonly AnalyzerError[] {
  return ANALYZER_RULE_CHECKS[rule]()(span);
}

type Case = readonly [title: string, name: string, kind: SpanKind, attributes: Record<string, string>];

describe('span-naming', () => {
  it.each<Case>([
    ['http server "{method} {route}"', 'GET /x', 'server', { 'http.method': 'GET', 'http.route': '/x' }],
    ['http server without a route', 'GET ', 'server', { 'http.method': 'GET' }],
    [
      'http internal span follows the server form',
      'GET /x',
      'internal',
      { 'http.method': 'GET', 'http.route': '/x' },
    ],
    ['http client is the method', 'GET', 'client', { 'http.method': 'GET', 'http.route': '/x' }],
    ['http stable method', 'POST /a', 'server', { 'http.request.method': 'POST', 'http.route': '/a' }],
    ['http stable method on a client', 'POST', 'client', { 'http.request.method': 'POST' }],
    [
      'database "{op} {db}.{table}"',
      'SELECT shop.items',
      'client',
      { 'db.system': 'postgresql', 'db.operation': 'SELECT', 'db.name': 'shop', 'db.sql.table': 'items' },
    ],
    [
      'database without a table keeps the dot',
      'SELECT shop.',
      'client',
      { 'db.system': 'postgresql', 'db.operation': 'SELECT', 'db.name': 'shop' },
    ],
    [
      'database with stable names in the old form',
      'SELECT shop.items',
      'client',
      {
        'db.system.name': 'postgresql',
        'db.operation.name': 'SELECT',
        'db.namespace': 'shop',
        'db.collection.name': 'items',
      },
    ],
    [
      'database "{db.operation.name} {db.collection.name}"',
      'SELECT items',
      'client',
      {
        'db.system.name': 'postgresql',
        'db.operation.name': 'SELECT',
        'db.namespace': 'shop',
        'db.collection.name': 'items',
      },
    ],
    [
      'redis name starts the statement',
      'get',
      'client',
      { 'db.system': 'redis', 'db.statement': 'GET stock:7' },
    ],
    [
      'redis with stable names',
      'GET',
      'client',
      { 'db.system.name': 'redis', 'db.query.text': 'GET stock:7' },
    ],
    [
      'rpc "{service}/{method}"',
      'shop.Cart/Add',
      'client',
      { 'rpc.service': 'shop.Cart', 'rpc.method': 'Add' },
    ],
    [
      'messaging "{destination} {operation}"',
      'orders publish',
      'producer',
      { 'messaging.system': 'kafka', 'messaging.destination': 'orders', 'messaging.operation': 'publish' },
    ],
    [
      'messaging stable names in the old form',
      'orders send',
      'producer',
      { 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' },
    ],
    [
      'messaging "{messaging.operation.name} {messaging.destination.name}"',
      'publish orders',
      'producer',
      {
        'messaging.destination.name': 'orders',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'publish',
      },
    ],
    ['faas spans are not checked', 'anything', 'server', { 'faas.trigger': 'http' }],
    ['general spans are not checked', 'anything', 'internal', { 'app.x': '1' }],
  ])('passes: %s', (_title, name, kind, attributes) => {
    expect(check('span-naming', spanOf(name, kind, attributes))).toEqual([]);
  });

  it.each<[...Case, expected: string]>([
    [
      'http server name is the URL',
      'GET /x/1',
      'server',
      { 'http.method': 'GET', 'http.route': '/x/{id}' },
      'GET /x/{id}',
    ],
    ['http server without a route', 'GET', 'server', { 'http.method': 'GET' }, 'GET '],
    ['http client with a route in its name', 'GET /x', 'client', { 'http.method': 'GET' }, 'GET'],
    [
      'the old name wins over the stable one',
      'POST /a',
      'server',
      { 'http.method': 'GET', 'http.request.method': 'POST', 'http.route': '/a' },
      'GET /a',
    ],
    [
      'database name without namespace',
      'SELECT',
      'client',
      { 'db.system': 'postgresql', 'db.operation': 'SELECT', 'db.name': 'shop', 'db.sql.table': 'items' },
      'SELECT shop.items',
    ],
    [
      'database stable short form needs both stable names',
      'SELECT ',
      'client',
      { 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' },
      'SELECT .',
    ],
    [
      'redis name is not the command',
      'SET',
      'client',
      { 'db.system': 'redis', 'db.statement': 'GET stock:7' },
      'GET',
    ],
    ['redis without a statement', 'GET', 'client', { 'db.system': 'redis' }, ''],
    [
      'rpc with a space',
      'shop.Cart Add',
      'client',
      { 'rpc.service': 'shop.Cart', 'rpc.method': 'Add' },
      'shop.Cart/Add',
    ],
    [
      'messaging in the wrong order',
      'publish orders',
      'producer',
      { 'messaging.system': 'kafka', 'messaging.destination': 'orders', 'messaging.operation': 'publish' },
      'orders publish',
    ],
    [
      'messaging stable form with another operation name',
      'receive orders',
      'consumer',
      { 'messaging.destination.name': 'orders', 'messaging.operation.name': 'process' },
      'orders ',
    ],
  ])('fails: %s', (_title, name, kind, attributes, expected) => {
    const errors = check('span-naming', spanOf(name, kind, attributes));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ value: name, expected });
    expect(errors[0]!.suggestions.length).toBeGreaterThan(0);
  });

  it('suggests the stable form and the missing attributes', () => {
    const [error] = check(
      'span-naming',
      spanOf('query', 'client', { 'db.system': 'postgresql', 'db.operation': 'SELECT' }),
    );
    expect(error!.suggestions.join('\n')).toContain('{db.operation.name} {db.collection.name}');
    expect(error!.suggestions.join('\n')).toContain('"db.sql.table" (or "db.collection.name")');
  });
});

describe('required-attributes', () => {
  it.each<Case>([
    [
      'http client',
      'GET',
      'client',
      { 'http.method': 'GET', 'http.url': 'https://a/x', 'net.peer.name': 'a' },
    ],
    [
      'http client, stable names',
      'GET',
      'client',
      { 'http.request.method': 'GET', 'url.full': 'https://a/x', 'server.address': 'a' },
    ],
    [
      'http server, empty values count as present',
      'GET /x',
      'server',
      { 'http.method': '', 'http.target': '', 'http.scheme': '', 'net.host.name': '' },
    ],
    [
      'http server, stable names',
      'GET /x',
      'server',
      { 'http.request.method': 'GET', 'url.path': '/x', 'url.scheme': 'https', 'server.address': 'a' },
    ],
    ['http internal needs only the method', 'GET', 'internal', { 'http.method': 'GET' }],
    ['database', 'q', 'client', { 'db.system': 'postgresql' }],
    ['database, stable name', 'q', 'client', { 'db.system.name': 'postgresql' }],
    ['rpc', 'a/b', 'client', { 'rpc.system': 'grpc', 'net.peer.name': 'cart' }],
    ['rpc, stable peer', 'a/b', 'client', { 'rpc.system': 'grpc', 'server.address': 'cart' }],
    ['messaging', 'x', 'producer', { 'messaging.system': 'kafka', 'messaging.operation': 'publish' }],
    [
      'messaging, stable operation',
      'x',
      'producer',
      { 'messaging.system': 'kafka', 'messaging.operation.type': 'send' },
    ],
    ['faas client', 'f', 'client', { 'faas.invoked_name': 'f', 'faas.invoked_provider': 'aws' }],
    ['faas server', 'f', 'server', { 'faas.trigger': 'http' }],
    ['faas internal', 'f', 'internal', { 'faas.coldstart': 'true' }],
    ['general', 'x', 'internal', {}],
  ])('passes: %s', (_title, name, kind, attributes) => {
    expect(check('required-attributes', spanOf(name, kind, attributes))).toEqual([]);
  });

  it.each<[...Case, missing: string[]]>([
    ['http client', 'GET', 'client', { 'http.method': 'GET' }, ['http.url', 'net.peer.name']],
    [
      'http server',
      'GET /x',
      'server',
      { 'http.request.method': 'GET', 'url.query': 'a=1' },
      ['http.target', 'http.scheme', 'net.host.name'],
    ],
    ['http without a method', 'x', 'internal', { 'http.route': '/x' }, ['http.method']],
    ['database', 'q', 'client', { 'db.statement': 'SELECT 1' }, ['db.system']],
    ['rpc', 'a/b', 'client', { 'rpc.system': 'grpc' }, ['net.peer.name']],
    [
      'messaging',
      'x',
      'producer',
      { 'messaging.destination': 'q' },
      ['messaging.system', 'messaging.operation'],
    ],
    ['faas client', 'f', 'client', { 'faas.invoked_name': 'f' }, ['faas.invoked_provider']],
    ['faas server', 'f', 'server', { 'faas.invoked_name': 'f' }, ['faas.trigger']],
  ])('fails: %s', (_title, name, kind, attributes, missing) => {
    const errors = check('required-attributes', spanOf(name, kind, attributes));
    expect(errors.map((e) => e.value)).toEqual(missing);
  });

  it('names the stable alternative in its error', () => {
    const [error] = check(
      'required-attributes',
      spanOf('GET', 'client', { 'http.method': 'GET', 'net.peer.name': 'a' }),
    );
    expect(error).toMatchObject({ value: 'http.url', expected: '"http.url" or "url.full" present' });
    expect(error!.suggestions[0]).toContain('url.full');
  });
});

describe('attribute-naming', () => {
  it('passes namespaced snake_case keys, including every derived key', () => {
    const span = spanOf('x', 'internal', {
      'app.order_id': '1',
      'http.status_code': '200',
      'a1.b_2.c3': 'x',
    });
    expect(check('attribute-naming', span)).toEqual([]);
  });

  it.each([
    ['http.statusCode', 'http.status_code'],
    ['order_id', 'app.order_id'],
    ['http.request.header.x-request-id', 'http.request.header.x_request_id'],
    ['App.Name', 'app.name'],
    ['a..b', 'a.b'],
    ['.a.b', 'a.b'],
    ['a.b.', 'a.b'],
    ['a.b c', 'a.b_c'],
  ])('fails %j and suggests %j', (key, suggestion) => {
    const errors = check('attribute-naming', spanOf('x', 'internal', { [key]: 'v' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.value).toBe(key);
    expect(errors[0]!.suggestions[0]).toContain(`"${suggestion}"`);
  });

  it.each([
    [{ 'a.b': '1', 'a.b.c': '2' }, ['a.b']],
    [{ 'messaging.destination': 'q', 'messaging.destination.name': 'q' }, ['messaging.destination']],
    [{ 'a.b.c': '1', 'a.b.d': '2', 'a.b': '3', 'a.b.c.d': '4' }, ['a.b.c', 'a.b']],
  ])('fails a key that is the namespace of another key: %j', (attributes, keys) => {
    const errors = check('attribute-naming', spanOf('x', 'internal', attributes));
    expect(errors.map((e) => e.value)).toEqual(keys);
    expect(errors[0]!.description).toContain('namespace');
  });

  it('reports a bare namespace key both for its syntax and for the clash', () => {
    const errors = check('attribute-naming', spanOf('x', 'internal', { app: '1', 'app.id': '2' }));
    expect(errors.map((e) => e.value)).toEqual(['app', 'app']);
  });
});

describe('no-empty-attributes', () => {
  it('passes when every value is set', () => {
    expect(check('no-empty-attributes', spanOf('x', 'internal', { 'app.a': ' ' }))).toEqual([]);
  });
  it('fails every empty value, naming the key', () => {
    const errors = check(
      'no-empty-attributes',
      spanOf('x', 'internal', { 'app.a': '', 'app.b': 'x', 'app.c': '' }),
    );
    expect(errors.map((e) => e.value)).toEqual(['app.a', 'app.c']);
  });
});

describe('prefer-dns', () => {
  it.each<Case>([
    ['host names', 'GET', 'client', { 'http.url': 'https://api.shop/x', 'net.peer.name': 'api.shop' }],
    [
      'an IP in net.peer.name of a server span',
      'GET /',
      'server',
      { 'http.method': 'GET', 'net.peer.name': '10.0.0.1' },
    ],
    ['an IP in server.address of a server span', 'GET /', 'server', { 'server.address': '10.0.0.1' }],
    [
      'the old url wins over an IP in url.full',
      'GET',
      'client',
      { 'http.url': 'https://api/x', 'url.full': 'http://10.0.0.1/x' },
    ],
    ['not four numbers', 'GET', 'client', { 'http.url': 'https://v1.2.3/x' }],
  ])('passes: %s', (_title, name, kind, attributes) => {
    expect(check('prefer-dns', spanOf(name, kind, attributes))).toEqual([]);
  });

  it.each<[...Case, keys: string[]]>([
    ['an IP in http.url', 'GET', 'server', { 'http.url': 'http://10.0.0.1:8080/x' }, ['http.url']],
    ['an IP in url.full', 'GET', 'client', { 'url.full': 'http://192.168.1.20/x' }, ['url.full']],
    [
      'an IP in db.connection_string',
      'q',
      'client',
      { 'db.system': 'postgresql', 'db.connection_string': 'postgres://u@172.16.0.3:5432/shop' },
      ['db.connection_string'],
    ],
    [
      'an IP in net.peer.name of a client span',
      'GET',
      'client',
      { 'net.peer.name': '10.1.2.3' },
      ['net.peer.name'],
    ],
    [
      'an IP in server.address of a client span',
      'GET',
      'client',
      { 'server.address': '10.1.2.3' },
      ['server.address'],
    ],
    [
      'several attributes',
      'GET',
      'client',
      { 'http.url': 'http://10.0.0.1/x', 'net.peer.name': '10.0.0.1' },
      ['http.url', 'net.peer.name'],
    ],
  ])('fails: %s', (_title, name, kind, attributes, keys) => {
    const errors = check('prefer-dns', spanOf(name, kind, attributes));
    expect(errors.map((e) => e.description.match(/"([^"]+)"/)?.[1])).toEqual(keys);
    for (const error of errors) expect(error.value).toBe(attributes[keys[errors.indexOf(error)]!]);
  });
});

describe('secure-https-protocol', () => {
  it.each<Case>([
    ['https server span', 'GET /x', 'server', { 'http.scheme': 'https', 'http.url': 'https://a/x' }],
    ['https client span', 'GET', 'client', { 'http.scheme': 'https', 'http.url': 'https://a/x' }],
    [
      'stable names',
      'GET',
      'client',
      { 'http.request.method': 'GET', 'url.scheme': 'https', 'url.full': 'https://a/x' },
    ],
    ['a non-http span', 'q', 'client', { 'db.system': 'postgresql' }],
    ['a span typed general despite url.full', 'x', 'internal', { 'url.full': 'http://a/x' }],
  ])('passes: %s', (_title, name, kind, attributes) => {
    expect(check('secure-https-protocol', spanOf(name, kind, attributes))).toEqual([]);
  });

  it.each<[...Case, values: string[]]>([
    ['http scheme', 'GET /x', 'server', { 'http.scheme': 'http', 'http.url': 'https://a/x' }, ['http']],
    ['http url', 'GET', 'client', { 'http.scheme': 'https', 'http.url': 'http://a/x' }, ['http://a/x']],
    ['missing both', 'GET', 'internal', { 'http.method': 'GET' }, ['', '']],
    [
      'stable insecure url',
      'GET',
      'client',
      { 'url.scheme': 'https', 'url.full': 'http://a/x', 'http.request.method': 'GET' },
      ['http://a/x'],
    ],
    ['upper case scheme', 'GET', 'client', { 'http.scheme': 'HTTPS', 'http.url': 'https://a' }, ['HTTPS']],
  ])('fails: %s', (_title, name, kind, attributes, values) => {
    expect(check('secure-https-protocol', spanOf(name, kind, attributes)).map((e) => e.value)).toEqual(
      values,
    );
  });
});

describe('no-api-key-leak', () => {
  it.each<Case>([
    ['no credential header', 'GET', 'client', { 'http.method': 'GET', 'http.request.header.accept': 'x' }],
    [
      'empty credential headers',
      'GET',
      'client',
      { 'http.request.header.authorization': '', 'http.response.header.x-api-key': '' },
    ],
  ])('passes: %s', (_title, name, kind, attributes) => {
    expect(check('no-api-key-leak', spanOf(name, kind, attributes))).toEqual([]);
  });

  it.each([
    'http.request.header.authorization',
    'http.request.header.x-api-key',
    'http.response.header.authorization',
    'http.response.header.x-api-key',
  ])('fails on %s without quoting the credential', (key) => {
    const errors = check(
      'no-api-key-leak',
      spanOf('GET', 'server', { 'http.method': 'GET', [key]: 's3cr3t' }),
    );
    expect(errors.map((e) => e.value)).toEqual([key]);
    expect(JSON.stringify(errors)).not.toContain('s3cr3t');
  });
});
