import { findHeader, setHeader } from './header-list';
import type { HttpAuth, KeyValue, TriggerContext } from './trigger';
import { failTriggerRequest } from './trigger-error';

/** A request's URL and headers, before auth is applied and after. */
export interface AuthTarget {
  readonly url: URL;
  readonly headers: readonly KeyValue[];
}

/**
 * Applies an HTTP trigger's `auth` (SPEC §2.3): basic → `Authorization: Basic base64(user:password)`;
 * bearer → `Authorization: ⟨token⟩` verbatim (Q17: no `Bearer ` prefix is added); apiKey in a header →
 * that header set (replacing others of that name); apiKey in the query → `key=value` added and the whole
 * query string re-encoded as Go's `url.Values.Encode` does (keys sorted, values percent-encoded).
 * Credentials written in the URL (`http://u:p@host`) become basic auth when no Authorization is set.
 */
export function applyHttpAuth(
  target: AuthTarget,
  auth: HttpAuth | undefined,
  context: TriggerContext,
): AuthTarget {
  const authed = auth ? applyAuth(target, auth, context) : target;
  const { url } = authed;
  if (url.username === '' || findHeader(authed.headers, 'Authorization') !== undefined) return authed;
  const userinfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { url, headers: setHeader(authed.headers, 'Authorization', basicAuthorization(userinfo)) };
}

function applyAuth(target: AuthTarget, auth: HttpAuth, context: TriggerContext): AuthTarget {
  switch (auth.type) {
    case 'basic': {
      const value = basicAuthorization(`${auth.basic.username}:${auth.basic.password}`);
      return { url: target.url, headers: setHeader(target.headers, 'Authorization', value) };
    }
    case 'bearer':
      return { url: target.url, headers: setHeader(target.headers, 'Authorization', auth.bearer.token) };
    case 'apiKey': {
      const { key, value } = auth.apiKey;
      const where = auth.apiKey.in;
      if (where === '' || where === 'header') {
        return { url: target.url, headers: setHeader(target.headers, key, value) };
      }
      if (where === 'query') {
        const url = new URL(target.url);
        url.search = appendGoQuery(url.search.slice(1), key, value);
        return { url, headers: target.headers };
      }
      throw failTriggerRequest(
        `apiKey auth has in: "${where}", expected "header" or "query"`,
        'write in: header to send the key as a header, or in: query to add it to the URL',
        context,
      );
    }
  }
}

function basicAuthorization(userinfo: string): string {
  return `Basic ${Buffer.from(userinfo, 'utf8').toString('base64')}`;
}

/**
 * Adds `key=value` to a raw query string and re-encodes it like Go's `url.Values.Encode` after
 * `ParseQuery`: pairs that do not decode (or contain `;`) are dropped, keys are sorted, each key keeps
 * the order of its values, and everything is query-escaped (space as `+`).
 * @example appendGoQuery('x=1', 'k', 'v') // 'k=v&x=1'
 */
export function appendGoQuery(rawQuery: string, key: string, value: string): string {
  const values = new Map<string, string[]>();
  const add = (k: string, v: string) => {
    const list = values.get(k);
    if (list) list.push(v);
    else values.set(k, [v]);
  };
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const equals = pair.indexOf('=');
    const decodedKey = unescapeGoQuery(equals < 0 ? pair : pair.slice(0, equals));
    const decodedValue = unescapeGoQuery(equals < 0 ? '' : pair.slice(equals + 1));
    if (decodedKey !== undefined && decodedValue !== undefined) add(decodedKey, decodedValue);
  }
  add(key, value);
  return [...values.keys()]
    .sort()
    .flatMap((k) => (values.get(k) ?? []).map((v) => `${escapeGoQuery(k)}=${escapeGoQuery(v)}`))
    .join('&');
}

/** Go's `QueryUnescape`: `+` is a space, `%XX` a byte; a malformed escape makes the text undecodable. */
function unescapeGoQuery(text: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) return undefined;
  const parts = text
    .split(/(%[0-9a-fA-F]{2})/)
    .map((part) =>
      part.startsWith('%')
        ? Buffer.from([Number.parseInt(part.slice(1), 16)])
        : Buffer.from(part.replaceAll('+', ' '), 'utf8'),
    );
  return Buffer.concat(parts).toString('utf8');
}

/** Go's `QueryEscape`: only `A-Z a-z 0-9 - _ . ~` stay as they are, space becomes `+`. */
function escapeGoQuery(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
