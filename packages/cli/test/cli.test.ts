import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type CliResult, runCli } from './commands/testing/cli-harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const _bin = path.resolve(here, '../bin/tracecheck.js');
const fixtures = path.join(here, 'fixtures');
const corpus = path.resolve(here, '../../../../shared/corpus/tracetest');

/** The real binary, run asynchronously so the test worker keeps answering Vitest meanwhile. */
function tracecheck(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return runCli(args, { cwd: options.cwd ?? fixtures, home: tmpdir() });
}

describe('tracecheck validate', () => {
  it('accepts a valid test and prints a summary', async () => {
    const r = await tracecheck(['validate', 'orders-pass.yaml']);
    expect(r.stdout).toBe('✔ 1 file valid (0 errors, 0 warnings)\n');
    expect(r.code).toBe(0);
  });

  it('reports every problem with file:line:column and exits 1', async () => {
    const r = await tracecheck(['validate', 'orders-invalid.yaml', 'orders-pass.yaml']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^orders-invalid\.yaml:6:5: error: missing "method"/);
    expect(lines[1]).toMatch(/^orders-invalid\.yaml:9:27: error: invalid selector .*column 11/);
    expect(lines[2]).toMatch(/^orders-invalid\.yaml:11:34: error: invalid assertion .*"=="/);
    expect(lines.at(-1)).toBe('✘ 1 of 2 files invalid (3 errors, 0 warnings)');
  });

  it('says which file is missing', async () => {
    const r = await tracecheck(['validate', 'nope.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read "nope.yaml": no such file or directory/);
  });

  it.runIf(process.env.TRACECHECK_CORPUS !== 'skip')(
    'reads all of the Tracetest corpus without an error',
    async () => {
      const r = await tracecheck(['validate', '-q', corpus]);
      if (r.stderr.includes('no such file or directory')) {
        console.warn(`!!! SKIPPED: the Tracetest corpus is not at ${corpus}`);
        return;
      }
      expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^✔ 313 files valid \(0 errors, \d+ warnings\)$/);
      expect(r.code).toBe(0);
    },
  );
});

describe('tracecheck run test --trace (offline)', () => {
  it('passes and exits 0', async () => {
    const r = await tracecheck(['run', 'test', '-f', 'orders-pass.yaml', '--trace', 'orders-trace.json']);
    expect(r.stdout).toBe(
      [
        '✔ Create an order - trace id: 4bf92f3577b34da6a3ce929d0e0e4736',
        '\t✔ the order is stored',
        '\t✔ span[name="POST /orders"]',
        '',
        '\t✔ Required gates',
        '\t\t✔ test-specs',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
  });

  it('fails with observed values and exits 2, writing a JUnit file that parses', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tc-junit-'));
    const junit = path.join(dir, 'out.xml');
    const r = await tracecheck([
      'run',
      'test',
      '-f',
      'orders-fail.yaml',
      '--trace',
      'orders-trace.json',
      '--junit',
      junit,
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('\t\t\t✘ attr:http.status_code = 200 (201)');
    expect(r.stdout).toContain('\t\t\t✘ attr:tracetest.span.duration < 10ms (890ms)');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<testsuites name="Create an order fast" tests="2" failures="2" errors="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
  });

  it('prints json and yaml with outputs and spec names', async () => {
    const json = JSON.parse(
      (
        await tracecheck([
          'run',
          'test',
          '-f',
          'orders-pass.yaml',
          '--trace',
          'orders-trace.json',
          '-o',
          'json',
        ])
      ).stdout,
    );
    expect(json.passed).toBe(true);
    expect(json.results.allPassed).toBe(true);
    expect(json.results.results[0].name).toBe('the order is stored');
    expect(json.outputs).toEqual([{ name: 'ROUTE', value: '/orders', spanId: '00f067aa0ba902b7' }]);
    const yaml = parseYaml(
      (
        await tracecheck([
          'run',
          'test',
          '-f',
          'orders-pass.yaml',
          '--trace',
          'orders-trace.json',
          '-o',
          'yaml',
        ])
      ).stdout,
    );
    expect(yaml).toEqual(json);
  });

  it('exits 3 for a missing definition file', async () => {
    const r = await tracecheck(['run', 'test', '-f', 'missing.yaml', '--trace', 'orders-trace.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Invalid definition file found, stopping execution');
  });

  it('exits 1 with positions for an invalid definition', async () => {
    const r = await tracecheck(['run', 'test', '-f', 'orders-invalid.yaml', '--trace', 'orders-trace.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('orders-invalid.yaml:9:27: error: invalid selector');
  });

  it('rejects an unknown gate with the valid ones', async () => {
    const r = await tracecheck([
      'run',
      'test',
      '-f',
      'orders-pass.yaml',
      '--trace',
      'orders-trace.json',
      '--required-gates',
      'speed',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/speed/);
    expect(r.stderr).toMatch(/test-specs/);
  });

  it('fails the analyzer gate when required', async () => {
    const r = await tracecheck([
      'run',
      'test',
      '-f',
      'orders-pass.yaml',
      '--trace',
      'orders-trace.json',
      '--required-gates',
      'analyzer-rules,test-specs',
    ]);
    expect(r.stdout).toContain('✘ analyzer-rules');
    expect(r.code).toBe(2);
  });

  it('explains an unknown flag', async () => {
    const r = await tracecheck(['run', 'test', '--fiel', 'x.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown option '--fiel'/);
  });
});
