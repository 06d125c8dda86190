/**
 * Reads the requests of a Postman collection (format v2.1, also v2.0) so one of them can become the
 * HTTP trigger of a test. Folders are flattened; each request keeps its folder path in its name.
 */

export interface PostmanRequest {
  /** `Folder / Request name`. */
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  readonly body: string;
  readonly auth?:
    | { readonly type: 'basic'; readonly username: string; readonly password: string }
    | { readonly type: 'bearer'; readonly token: string }
    | {
        readonly type: 'apiKey';
        readonly key: string;
        readonly value: string;
        readonly in: 'header' | 'query';
      };
}

export type ParsePostmanResult =
  | { readonly ok: true; readonly name: string; readonly requests: readonly PostmanRequest[] }
  | { readonly ok: false; readonly error: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** `[{key, value}]` lists of Postman's auth objects, as a map. */
function authFields(list: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (Array.isArray(list))
    for (const entry of list)
      if (isObject(entry)) fields.set(text(entry.key), text(entry.value));
      else if (isObject(list)) for (const [key, value] of Object.entries(list)) fields.set(key, text(value));
  return fields;
}

function readAuth(auth: unknown): PostmanRequest['auth'] {
  if (!isObject(auth)) return undefined;
  const fields = authFields(auth[text(auth.type)]);
  switch (auth.type) {
    case 'basic':
      return {
        type: 'basic',
        username: fields.get('username') ?? '',
        password: fields.get('password') ?? '',
      };
    case 'bearer':
      // Tracetest sends the token verbatim as the Authorization header: keep Postman's meaning.
      return { type: 'bearer', token: `Bearer ${fields.get('token') ?? ''}` };
    case 'apikey':
      return {
        type: 'apiKey',
        key: fields.get('key') ?? '',
        value: fields.get('value') ?? '',
        in: fields.get('in') === 'query' ? 'query' : 'header',
      };
    default:
      return undefined;
  }
}

function readUrl(url: unknown): string {
  if (typeof url === 'string') return url;
  if (!isObject(url)) return '';
  if (typeof url.raw === 'string') return url.raw;
  const host = Array.isArray(url.host) ? url.host.map(text).join('.') : text(url.host);
  const path = Array.isArray(url.path) ? url.path.map(text).join('/') : text(url.path);
  const protocol = typeof url.protocol === 'string' ? `${url.protocol}://` : '';
  return `${protocol}${host}${path ? `/${path}` : ''}`;
}

function readBody(body: unknown): string {
  if (!isObject(body)) return '';
  switch (body.mode) {
    case 'raw':
      return text(body.raw);
    case 'urlencoded':
      return Array.isArray(body.urlencoded)
        ? body.urlencoded
            .filter(isObject)
            .filter((entry) => entry.disabled !== true)
            .map((entry) => `${encodeURIComponent(text(entry.key))}=${encodeURIComponent(text(entry.value))}`)
            .join('&')
        : '';
    case 'graphql':
      return isObject(body.graphql) ? JSON.stringify(body.graphql) : '';
    default:
      return '';
  }
}

function readRequest(name: string, request: unknown, inheritedAuth: unknown): PostmanRequest {
  if (typeof request === 'string') return { name, method: 'GET', url: request, headers: [], body: '' };
  const req = isObject(request) ? request : {};
  const headers = Array.isArray(req.header)
    ? req.header
        .filter(isObject)
        .filter((entry) => entry.disabled !== true)
        .map((entry) => ({ key: text(entry.key), value: text(entry.value) }))
    : [];
  const auth = readAuth(req.auth ?? inheritedAuth);
  return {
    name,
    method: text(req.method || 'GET').toUpperCase(),
    url: readUrl(req.url),
    headers,
    body: readBody(req.body),
    ...(auth ? { auth } : {}),
  };
}

function collect(items: unknown, prefix: string, inheritedAuth: unknown, into: PostmanRequest[]): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (!isObject(item)) continue;
    const name = prefix === '' ? text(item.name) : `${prefix} / ${text(item.name)}`;
    const auth = item.auth ?? inheritedAuth;
    if (Array.isArray(item.item)) collect(item.item, name, auth, into);
    else if (item.request !== undefined) into.push(readRequest(name, item.request, auth));
  }
}

/**
 * Parses the JSON of an exported Postman collection.
 * @example parsePostmanCollection(fileText) // { ok: true, name: 'Shop', requests: [{ name: 'Orders / Create', … }] }
 */
export function parsePostmanCollection(json: string): ParsePostmanResult {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    return {
      ok: false,
      error: `the file is not JSON (${error instanceof Error ? error.message : String(error)}): export the collection from Postman as "Collection v2.1"`,
    };
  }
  if (!isObject(document) || !isObject(document.info) || !Array.isArray(document.item)) {
    return {
      ok: false,
      error:
        'this JSON is not a Postman collection (it has no "info" and "item"): export it from Postman as "Collection v2.1"',
    };
  }
  const requests: PostmanRequest[] = [];
  collect(document.item, '', document.auth, requests);
  if (requests.length === 0) return { ok: false, error: 'the collection holds no request' };
  return { ok: true, name: text(document.info.name), requests };
}
