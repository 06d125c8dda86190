import { readFileSync } from 'node:fs';
import { TracecheckError } from '@tracecheck/core';
import type { HttpAuth, TlsSettings } from './data-store-config';

/** TLS options in the form `node:tls` takes them. */
export interface ResolvedTls {
  readonly rejectUnauthorized: boolean;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly servername?: string;
  readonly minVersion?: TlsVersion;
  readonly maxVersion?: TlsVersion;
}

type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

const TLS_VERSIONS: Readonly<Record<string, TlsVersion>> = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
};

function readPemFile(file: string, path: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${path}: cannot read "${file}" (${(error as Error).message}): give the path of a PEM file the agent can read`,
      undefined,
      { cause: error },
    );
  }
}

function parseTlsVersion(text: string | undefined, path: string): TlsVersion | undefined {
  if (text === undefined || text === '') return undefined;
  const version = TLS_VERSIONS[text.trim()];
  if (!version) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `${path}: "${text}" is not a TLS version: write one of 1.0, 1.1, 1.2, 1.3`,
    );
  }
  return version;
}

/**
 * Resolves TLS settings (reading the files they name) into `node:tls` options. `path` is the settings'
 * place in the DataStore document, quoted in errors.
 */
export function resolveTls(tls: TlsSettings | undefined, path: string): ResolvedTls {
  const files = tls?.settings;
  return {
    rejectUnauthorized: tls?.insecureSkipVerify !== true,
    ...(files?.cAFile ? { ca: readPemFile(files.cAFile, `${path}.settings.cAFile`) } : {}),
    ...(files?.certFile ? { cert: readPemFile(files.certFile, `${path}.settings.certFile`) } : {}),
    ...(files?.keyFile ? { key: readPemFile(files.keyFile, `${path}.settings.keyFile`) } : {}),
    ...(tls?.serverName ? { servername: tls.serverName } : {}),
    ...optional('minVersion', parseTlsVersion(files?.minVersion, `${path}.settings.minVersion`)),
    ...optional('maxVersion', parseTlsVersion(files?.maxVersion, `${path}.settings.maxVersion`)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Credentials as request headers and query parameters. */
export interface ResolvedAuth {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/** `Authorization: Basic …` for a user name and password. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Resolves HTTPAuth into headers or query parameters. */
export function resolveAuth(auth: HttpAuth | undefined): ResolvedAuth {
  switch (auth?.type) {
    case 'basic':
      return {
        headers: {
          authorization: basicAuthorization(auth.basic?.username ?? '', auth.basic?.password ?? ''),
        },
        query: {},
      };
    case 'bearer':
      return { headers: { authorization: `Bearer ${auth.bearer?.token ?? ''}` }, query: {} };
    case 'apiKey': {
      const key = auth.apiKey?.key ?? '';
      if (key === '') return { headers: {}, query: {} };
      const value = auth.apiKey?.value ?? '';
      return auth.apiKey?.in === 'query'
        ? { headers: {}, query: { [key]: value } }
        : { headers: { [key.toLowerCase()]: value }, query: {} };
    }
    default:
      return { headers: {}, query: {} };
  }
}

/** Header names lowercased, entries with an empty name dropped (Tracetest writes `"": ""`). */
export function cleanHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.trim() !== '') out[name.trim().toLowerCase()] = String(value);
  }
  return out;
}
