import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io';
import { configServerUrl, resolveConnection } from './connection-config';

function setup(files: Record<string, string>, env: Record<string, string> = {}): CliIo {
  const cwd = mkdtempSync(path.join(tmpdir(), 'tc-config-'));
  const home = path.join(cwd, 'home');
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(cwd, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { cwd, env: { HOME: home, ...env }, stdout: { write: () => true }, stderr: { write: () => true } };
}

const EMBEDDED = {
  '.tracecheck/server-url': 'http://127.0.0.1:1111\n',
  '.tracecheck/admin-token': 'tc_admin\n',
};
const GLOBAL = {
  'home/.tracecheck/config.yml': 'serverUrl: http://global:2\ntoken: tc_global\norganizationID: g-org\n',
};
const LOCAL = { 'tracecheck.yml': 'serverUrl: http://local:3\nenvironmentID: l-env\n' };

describe('resolveConnection', () => {
  it('takes each value from the first source that has it', () => {
    const io = setup({ ...EMBEDDED, ...GLOBAL, ...LOCAL }, { TRACECHECK_ORGANIZATION: 'e-org' });
    const c = resolveConnection(io, { token: 'tc_flag' });
    expect(c.serverUrl?.value).toBe('http://local:3');
    expect(c.serverUrl?.source.kind).toBe('local');
    expect(c.token).toMatchObject({ value: 'tc_flag', source: { kind: 'flag', name: '--token' } });
    expect(c.organizationId).toMatchObject({
      value: 'e-org',
      source: { kind: 'env', name: 'TRACECHECK_ORGANIZATION' },
    });
    expect(c.environmentId?.value).toBe('l-env');
  });

  it('prefers flags to environment variables, and TRACECHECK_ to TRACETEST_', () => {
    const io = setup({}, { TRACECHECK_SERVER_URL: 'http://env:1', TRACETEST_SERVER_URL: 'http://tt:1' });
    expect(resolveConnection(io).serverUrl?.value).toBe('http://env:1');
    expect(resolveConnection(io, { serverUrl: 'http://flag:1' }).serverUrl?.value).toBe('http://flag:1');
    expect(resolveConnection(setup({}, { TRACETEST_SERVER_URL: 'http://tt:1' })).serverUrl?.source).toEqual({
      kind: 'env',
      name: 'TRACETEST_SERVER_URL',
    });
  });

  it('uses the embedded admin token only for the embedded server', () => {
    const io = setup(EMBEDDED);
    expect(resolveConnection(io).token?.value).toBe('tc_admin');
    expect(resolveConnection(io, { serverUrl: 'http://127.0.0.1:1111/' }).token?.value).toBe('tc_admin');
    expect(resolveConnection(io, { serverUrl: 'http://elsewhere:1' }).token).toBeUndefined();
  });

  it('reads Tracetest config keys and reports an invalid file with its path', () => {
    expect(configServerUrl({ scheme: 'https', endpoint: 'tc.example:8443', serverPath: '/api' })).toBe(
      'https://tc.example:8443',
    );
    expect(configServerUrl({ endpoint: 'tc.example' })).toBe('http://tc.example');
    const io = setup({ 'tracecheck.yml': 'token: [1, 2]\n' });
    expect(() => resolveConnection(io)).toThrow(/tracecheck\.yml is invalid \(token: /);
    expect(() => resolveConnection(setup({}), { config: 'nope.yml' })).toThrow(
      /given with --config does not exist/,
    );
  });
});
