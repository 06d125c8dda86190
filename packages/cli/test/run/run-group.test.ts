import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real binary against a real embedded server (`tracecheck start`) and the OpenTelemetry-instrumented
// service of the e2e tests: nothing of ours is faked.
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../../bin/tracecheck.js');
const service = path.resolve(here, '../e2e/instrumented-service.mjs');

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

function startProcess(args: string[], env: Record<string, string>, ready: RegExp, cwd: string) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, NO_COLOR: '1' } });
  let out = '';
  const match = new Promise<RegExpExecArray>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
  return { child, match };
}

describe('tracecheck run: many files as one run group, live progress, reports', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-run-group-'));
  let server: ChildProcess;
  let serviceProcess: ChildProcess;
  let servicePort = '';

  beforeAll(async () => {
    const started = startProcess(
      [bin, 'start', '--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '-l', 'warn'],
      { HOME: dir },
      /OTLP\/HTTP {2}(\S+)/,
      dir,
    );
    server = started.child;
    const [, tracesUrl] = await started.match;
    // No late consumer span here: these tests are about the CLI, not about waiting for late spans.
    const svc = startProcess(
      [service],
      {
        OTLP_TRACES_URL: tracesUrl!,
        CONSUMER_DELAY_MS: '0',
        // 20 runs at once: batch the spans, and let a slow (shared, busy) machine take its time to
        // accept an export instead of dropping the spans after the default 10 s.
        SPAN_PROCESSOR: 'batch',
        OTEL_EXPORTER_OTLP_TIMEOUT: '120000',
      },
      /listening on (\d+)/,
      here,
    );
    serviceProcess = svc.child;
    servicePort = (await svc.match)[1]!;
  }, 180_000);

  afterAll(() => {
    serviceProcess?.kill('SIGTERM');
    server?.kill('SIGTERM');
  });

  function run(args: string[], env: Record<string, string> = {}): Promise<Result> {
    const startedAt = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'run', ...args], {
        cwd: dir,
        // ${SERVICE_PORT} in the files is substituted from the environment by the CLI (SPEC §2.2).
        env: { ...process.env, HOME: dir, NO_COLOR: '1', SERVICE_PORT: servicePort, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, wallMs: performance.now() - startedAt });
      });
    });
  }

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return name;
  }

  const testYaml = (
    name: string,
    assertion: string,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the CLI fills ${NAME} from the environment
    url = 'http://127.0.0.1:${SERVICE_PORT}/orders',
  ) => `type: Test
spec:
  name: ${name}
  trigger:
    type: http
    httpRequest:
      method: POST
      url: ${url}
  specs:
    - selector: span[name="POST /orders"]
      assertions:
        - ${assertion}
`;

  /** Ids, times, ports and trace/span ids vary from run to run: snapshots see placeholders. */
  function normalize(text: string): string {
    const group = /run group (\S+?)\)?$/m.exec(text)?.[1] ?? /"?runGroupId"?: "?([\w-]+)"?/.exec(text)?.[1];
    let out = text;
    if (group) out = out.split(group).join('GROUP_ID');
    return out
      .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://SERVER')
      .replace(/\/test\/[\w-]+\/run\/\d+/g, '/test/TEST_ID/run/RUN_ID')
      .replace(/\b[0-9a-f]{32}\b/g, 'TRACE_ID')
      .replace(/\b[0-9a-f]{16}\b/g, 'SPAN_ID')
      .replace(/"durationMs": \d+/g, '"durationMs": 0')
      .replace(/durationMs: \d+/g, 'durationMs: 0')
      .replace(/(\d+ m )?\d+(\.\d+)? (ms|s)\b/g, 'DURATION');
  }

  it('runs a directory of 20 tests in parallel, far faster than one after the other', async () => {
    write('single/one.yaml', testYaml('single order', 'attr:http.status_code = 201'));
    for (let i = 1; i <= 20; i++) {
      write(
        `many/order-${String(i).padStart(2, '0')}.yaml`,
        testYaml(`order ${i}`, 'attr:http.status_code = 201'),
      );
    }
    write(
      'many/variables.yaml',
      'type: VariableSet\nspec:\n  name: vars\n  values:\n    - key: A\n      value: "1"\n',
    );
    write('many/compose.yml', 'services:\n  db:\n    image: postgres\n');

    // A warm-up run, so that the single run measured below is not slowed by first-use costs.
    const warm = await run(['test', '-f', 'single/one.yaml']);
    expect(warm.code, warm.stderr).toBe(0);
    const single = await run(['test', '-f', 'single/one.yaml']);
    expect(single.code, single.stderr).toBe(0);

    const group = await run(['test', '-f', 'many', '--junit', 'many.xml', '--markdown', 'many.md']);
    expect(group.stderr).toContain(
      'skipped many/compose.yml: not a Tracecheck definition (no top-level "type:")',
    );
    expect(group.stderr).toContain('skipped many/variables.yaml: a VariableSet: only Test files run');
    expect(group.stderr).toMatch(
      /^Running 20 tests in parallel as run group \S+ on http:\/\/127\.0\.0\.1:\d+$/m,
    );
    // Not a terminal: one plain line per state change, fed by the server's live events.
    for (let i = 1; i <= 20; i++) {
      expect(group.stderr).toContain(`many/order-${String(i).padStart(2, '0')}.yaml: FINISHED ✔ passed`);
    }
    expect(group.stdout).toMatch(
      /✔ 20 passed, 0 failed, 0 errors of 20 runs in [\d. ms]+ \(run group \S+\)\n$/,
    );
    expect(group.code, group.stderr).toBe(0);
    // Run one after the other, 20 tests take 20× one test. In parallel they take a few times one test
    // (each waits for its trace to settle while the others run). 10× is far from both: it fails only if
    // the runs were serialised, whatever the speed of this shared machine. Not a benchmark.
    expect(group.wallMs, `group ${group.wallMs} ms, one test ${single.wallMs} ms`).toBeLessThan(
      10 * single.wallMs,
    );

    const xml = readFileSync(path.join(dir, 'many.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(
      xml,
    ) as {
      testsuites: {
        tests: string;
        failures: string;
        errors: string;
        testsuite: { name: string; file: string }[];
      };
    };
    expect(doc.testsuites).toMatchObject({ tests: '20', failures: '0', errors: '0' });
    expect(doc.testsuites.testsuite).toHaveLength(20);
    expect(doc.testsuites.testsuite[0]).toMatchObject({
      name: 'order 1 › span[name="POST /orders"]',
      file: 'many/order-01.yaml',
    });

    const markdown = readFileSync(path.join(dir, 'many.md'), 'utf8');
    expect(markdown).toMatch(/^## ✅ Tracecheck: 20 of 20 passed\n/);
    const rows = markdown.split('\n').filter((line) => line.startsWith('| ✅ |'));
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatch(
      /^\| ✅ \| order 1 \(`many\/order-01\.yaml`\) \| passed \| [\d. ms]+ \| \[run \d+\]\(http:\/\/127\.0\.0\.1:\d+\/test\/[\w-]+\/run\/\d+\/test\) \|$/,
    );
    expect(markdown).toContain('2 file(s) skipped');
  }, 600_000);

  it('reports a mixed group: the pretty, json and yaml outputs', async () => {
    write('mixed/a-pass.yaml', testYaml('create order', 'attr:http.status_code = 201'));
    write('mixed/b-fail.yaml', testYaml('status must be 200', 'attr:http.status_code = 200'));
    write('mixed/c-vars.yaml', 'type: VariableSet\nspec:\n  name: vars\n');
    const pretty = await run(['test', '-f', 'mixed']);
    expect(pretty.code, pretty.stderr).toBe(2);
    expect(normalize(pretty.stdout)).toMatchSnapshot('pretty');
    // Every failed assertion: the observed value and a deep link into the dashboard's run page.
    expect(pretty.stdout).toMatch(
      /✘ attr:http\.status_code = 200 \(201\) \(http:\/\/127\.0\.0\.1:\d+\/test\/[\w-]+\/run\/\d+\/test\?selectedAssertion=0&selectedSpan=[0-9a-f]{16}\)/,
    );
    const json = await run(['test', '-f', 'mixed', '-o', 'json']);
    expect(json.code, json.stderr).toBe(2);
    const parsed = JSON.parse(json.stdout) as { passed: boolean; runs: { verdict: string }[] };
    expect(parsed.runs.map((r) => r.verdict)).toEqual(['passed', 'failed']);
    expect(normalize(json.stdout)).toMatchSnapshot('json');
    const yaml = await run(['test', '-f', 'mixed', '-o', 'yaml']);
    expect(yaml.code, yaml.stderr).toBe(2);
    expect(normalize(yaml.stdout)).toMatchSnapshot('yaml');
  }, 600_000);

  it('explains a run that ended in an error state, exits 1 for the group and writes JUnit and Markdown', async () => {
    write('broken/ok.yaml', testYaml('create order', 'attr:http.status_code = 201'));
    write('broken/fail.yaml', testYaml('status must be 200', 'attr:http.status_code = 200'));
    write(
      'broken/down.yaml',
      testYaml('service down', 'attr:http.status_code = 201', 'http://127.0.0.1:9/orders'),
    );
    const r = await run(['test', '-f', 'broken', '--junit', 'broken.xml', '--markdown', 'broken.md']);
    // SPEC §0: a group in which a run ended in an error state exits 1.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /✘ service down \(http:\/\/127\.0\.0\.1:\d+\/test\/[\w-]+\/run\/\d+\/test\)\n\tReason: .*127\.0\.0\.1:9.*\n\tWhy: .*127\.0\.0\.1:9.*\n\tCheck: the trigger could not reach the system under test.*\n\tEvents: http:\/\/127\.0\.0\.1:\d+\/test\/[\w-]+\/run\/\d+\/events\n/,
    );
    expect(r.stdout).toMatch(/✘ 1 passed, 1 failed, 1 error of 3 runs/);

    const xml = readFileSync(path.join(dir, 'broken.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(
      xml,
    ) as {
      testsuites: {
        tests: string;
        failures: string;
        errors: string;
        testsuite: {
          name: string;
          testcase: { error?: { type: string }; failure?: { message: string; '#text': string } };
        }[];
      };
    };
    expect(doc.testsuites).toMatchObject({ tests: '3', failures: '1', errors: '1' });
    const byName = new Map(doc.testsuites.testsuite.map((s) => [s.name, s.testcase]));
    expect(byName.get('service down')?.error?.type).toBe('TRIGGER_FAILED');
    const failure = byName.get('status must be 200 › span[name="POST /orders"]')?.failure;
    expect(failure?.message).toBe('201');
    expect(failure?.['#text']).toMatch(/selectedAssertion=0&selectedSpan=[0-9a-f]{16}/);

    const markdown = readFileSync(path.join(dir, 'broken.md'), 'utf8');
    expect(markdown).toMatch(/^## ❌ Tracecheck: 1 of 3 passed\n/);
    expect(markdown).toMatch(
      /^\| ⚠️ \| service down \(`broken\/down\.yaml`\) \| error \| .* \| \[run \d+\]\(.*\/test\) \|$/m,
    );
    expect(markdown).toMatch(/^\| ❌ \| status must be 200 \(`broken\/fail\.yaml`\) \| failed \|/m);
    expect(markdown).toMatch(
      /^- `span\[name="POST \/orders"\]`: `attr:http\.status_code = 200` observed `201` on span `[0-9a-f]{16}` — \[open\]\(http:\/\/127\.0\.0\.1:\d+\/test\/[\w-]+\/run\/\d+\/test\?selectedAssertion=0&selectedSpan=[0-9a-f]{16}\)$/m,
    );
    expect(markdown).toMatch(
      /^Ended `TRIGGER_FAILED`\.\n- .*127\.0\.0\.1:9.*\n- Check: .*\n- \[Run events\]\(.*\/events\)$/m,
    );
  }, 600_000);

  it('exits 2 for one test that failed or ended in an error state, and 3 for a missing file', async () => {
    const failed = await run(['test', '-f', 'broken/fail.yaml']);
    expect(failed.code, failed.stderr).toBe(2);
    const down = await run(['test', '-f', 'broken/down.yaml', '--junit', 'down.xml']);
    expect(down.stdout).toMatch(/\tCheck: the trigger could not reach/);
    // SPEC §9.4: one run that ended in an error state exits 2 (a group exits 1, see above).
    expect(down.code, down.stderr).toBe(2);
    const downXml = readFileSync(path.join(dir, 'down.xml'), 'utf8');
    expect(XMLValidator.validate(downXml)).toBe(true);
    expect(downXml).toMatch(/<error type="TRIGGER_FAILED" message="[^"]*127\.0\.0\.1:9/);
    const missing = await run(['test', '-f', 'broken/ok.yaml', 'nope.yaml']);
    expect(missing.stderr).toContain(
      'Invalid definition file found, stopping execution: cannot read "nope.yaml": no such file or directory',
    );
    expect(missing.code, missing.stderr).toBe(3);
    const empty = await run(['testsuite', '-f', 'single']);
    expect(empty.stderr).toContain(
      'skipped single/one.yaml: a Test, not a TestSuite (use `tracecheck run test` for it)',
    );
    expect(empty.stderr).toContain('✘ no TestSuite definition to run in single');
    expect(empty.code, empty.stderr).toBe(1);
  }, 600_000);

  it('runs a suite directory, with one JUnit document for the suite steps', async () => {
    write('suite/steps/create.yaml', testYaml('create', 'attr:http.status_code = 201'));
    write('suite/steps/check.yaml', testYaml('check status', 'attr:http.status_code = 200'));
    write(
      'suite/flow.yaml',
      'type: TestSuite\nspec:\n  name: order flow\n  steps:\n    - ./steps/create.yaml\n    - ./steps/check.yaml\n',
    );
    const r = await run(['testsuite', '-f', 'suite', '--junit', 'suite.xml']);
    expect(r.stderr).toContain('skipped suite/steps/create.yaml: a Test, not a TestSuite');
    expect(r.stdout).toMatch(
      /^✘ order flow \(http:\/\/127\.0\.0\.1:\d+\/testsuite\/[\w-]+\/run\/\d+\)\n\t✔ create /,
    );
    expect(r.stdout).toContain('\t✘ check status');
    expect(r.code, r.stderr).toBe(2);
    const xml = readFileSync(path.join(dir, 'suite.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true }).parse(
      xml,
    ) as {
      testsuites: { tests: string; failures: string; testsuite: { name: string }[] };
    };
    expect(doc.testsuites).toMatchObject({ tests: '2', failures: '1' });
    expect(doc.testsuites.testsuite.map((s) => s.name)).toEqual([
      'order flow › create › span[name="POST /orders"]',
      'order flow › check status › span[name="POST /orders"]',
    ]);
  }, 600_000);

  it('runs a stored test by --id, and refuses a version the test is not at', async () => {
    const id = /^ {2}id: (\S+)$/m.exec(readFileSync(path.join(dir, 'single/one.yaml'), 'utf8'))?.[1];
    expect(id).toBeDefined();
    const r = await run(['test', '--id', id!, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ testName: 'single order', verdict: 'passed', passed: true });
    const wrong = await run(['test', '--id', id!, '--resource-version', '99']);
    expect(wrong.stderr).toMatch(/no version 99/);
    expect(wrong.code, wrong.stderr).toBe(1);
    const unknown = await run(['test', '--id', 'no-such-test']);
    expect(unknown.stderr).toMatch(/no-such-test/);
    expect(unknown.code, unknown.stderr).toBe(1);
  }, 600_000);

  it('colours only when asked: FORCE_COLOR on a pipe, never with NO_COLOR', async () => {
    const coloured = await run(['test', '-f', 'single/one.yaml'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(coloured.stdout).toContain('\u001b[32m✔ single order');
    const plain = await run(['test', '-f', 'single/one.yaml'], { NO_COLOR: '1', FORCE_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.code, plain.stderr).toBe(0);
  }, 600_000);
});
