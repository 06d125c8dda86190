import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io';
import { rewriteLegacyArgs } from './legacy-args';

function rewrite(argv: string[]): { argv: readonly string[]; stderr: string } {
  let stderr = '';
  const io: CliIo = {
    cwd: '/',
    env: {},
    stdout: { write: () => true },
    stderr: { write: (t) => (stderr += t) },
  };
  return { argv: rewriteLegacyArgs(argv, io), stderr };
}

describe('rewriteLegacyArgs (SPEC §9.2 legacy spellings)', () => {
  it.each([
    [
      ['test', 'run', '-d', 't.yaml', '-w'],
      ['run', 'test', '-f', 't.yaml'],
    ],
    [
      ['test', 'run', '--definition=t.yaml', '-e', 'env.yaml'],
      ['run', 'test', '--file=t.yaml', '--vars', 'env.yaml', '-W'],
    ],
    [
      ['-o', 'json', 'test', 'list'],
      ['-o', 'json', 'list', 'test'],
    ],
    [
      ['test', 'export', '--id', 'x', '-o', 'out.yaml'],
      ['export', 'test', '--id', 'x', '-f', 'out.yaml'],
    ],
    [
      ['datastore', 'apply', '-f', 'ds.yaml'],
      ['apply', 'datastore', '-f', 'ds.yaml'],
    ],
    [
      ['datastore', 'list', '-o', 'json'],
      ['list', 'datastore', '-o', 'json'],
    ],
    [
      ['environment', 'apply', '-f', 'env.yaml'],
      ['apply', 'variableset', '-f', 'env.yaml'],
    ],
  ])('%j → %j', (from, to) => {
    const { argv, stderr } = rewrite(from);
    expect(argv).toEqual(to);
    expect(stderr).toMatch(/^warning: `tracecheck \w+ \w+` is deprecated/);
  });

  it('leaves today’s commands alone', () => {
    expect(rewrite(['run', 'test', '-f', 't.yaml'])).toEqual({
      argv: ['run', 'test', '-f', 't.yaml'],
      stderr: '',
    });
    expect(rewrite(['get', 'test', 'x'])).toEqual({ argv: ['get', 'test', 'x'], stderr: '' });
  });
});
