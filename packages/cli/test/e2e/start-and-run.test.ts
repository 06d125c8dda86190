import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../commands/testing/cli-harness';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../../bin/tracecheck.js');

function startProcess(args: string[], env: Record<string, string>, ready: RegExp, cwd: string) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, NO_COLOR: '1' } });
  let out = '';
  const match = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
  return { child, match, output: () => out };
}

describe('tracecheck start, then run against it (embedded mode end to end)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-e2e-'));
  let server: ChildProcess;
  let service: ChildProcess;
  let servicePort: string;

  beforeAll(async () => {
    const started = startProcess(
      [bin, 'start', '--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '-l', 'warn'],
      {},
      /OTLP\/HTTP {2}(\S+)/,
      dir,
    );
    server = started.child;
    const [, tracesUrl] = await started.match;
    const svc = startProcess(
      [path.join(here, 'instrumented-service.mjs')],
      { OTLP_TRACES_URL: tracesUrl! },
      /listening on (\d+)/,
      here,
    );
    service = svc.child;
    servicePort = (await svc.match)[1]!;
  }, 120_000);

  afterAll(() => {
    service?.kill('SIGTERM');
    server?.kill('SIGTERM');
  });

  function write(name: string, text: string): string {
    writeFileSync(path.join(dir, name), text);
    return name;
  }

  /** The real binary, run asynchronously so the test worker keeps answering Vitest meanwhile. */
  function run(args: string[]): Promise<CliResult> {
    return runCli(['run', ...args], {
      cwd: dir,
      home: dir,
      // ${SERVICE_PORT} in the files is substituted from the environment by the CLI (SPEC §2.2).
      env: { SERVICE_PORT: servicePort },
    });
  }

  const testYaml = (name: string, specs: string, extra = '') => `type: Test
spec:
  name: ${name}
  trigger:
    type: http
    httpRequest:
      method: POST
      url: http://127.0.0.1:\${SERVICE_PORT}/orders${extra}
  specs:
${specs}`;

  it('passes a Tracetest-format test, waiting for the span that arrives a second after the response', async () => {
    const file = write(
      'create-order.yaml',
      testYaml(
        'create order',
        `    - selector: span[tracetest.span.type="general" name="Tracetest trigger"]
      assertions:
        - attr:tracetest.response.status = 201
        - attr:tracetest.response.body | json_path '$.id' = 7
    - selector: span[name="POST /orders"] span[tracetest.span.type="database"]
      assertions:
        - attr:db.statement contains "INSERT"
    - selector: span[name="orders process"]
      assertions:
        - attr:messaging.system = "kafka"
`,
      ),
    );
    const r = await run(['test', '-f', file]);
    // stderr carries the live progress (one line per state change); no error in it.
    expect(r.stderr).toContain('create-order.yaml: FINISHED ✔ passed');
    expect(r.stdout).toMatch(
      /^✔ create order \(http:\/\/127\.0\.0\.1:\d+\/test\/[\w-]+\/run\/\d+\/test\) - trace id: [0-9a-f]{32}\n/,
    );
    expect(r.stdout).toContain('\t✔ span[name="orders process"]');
    expect(r.code).toBe(0);
    // The generated id was written back into the file (SPEC §1.3).
    expect(readFileSync(path.join(dir, file), 'utf8')).toMatch(
      /^spec:\n {2}id: [\w-]+\n {2}name: create order/m,
    );
  });

  it('fails a failing spec with exit code 2 and the observed value', async () => {
    const file = write(
      'slow-order.yaml',
      testYaml(
        'status must be 200',
        `    - selector: span[name="POST /orders"]
      assertions:
        - attr:http.status_code = 200
`,
      ),
    );
    const r = await run(['test', '-f', file]);
    expect(r.stdout).toContain('✘ attr:http.status_code = 200 (201)');
    expect(r.code).toBe(2);
  });

  it('chains outputs through a suite', async () => {
    const first = write(
      'step-create.yaml',
      `${testYaml(
        'create',
        `    - selector: span[name="POST /orders"]
      assertions:
        - attr:http.status_code = 201
`,
      )}  outputs:
    - name: ORDER_ID
      selector: span[name="Tracetest trigger"]
      value: attr:tracetest.response.body | json_path '$.id'
`,
    );
    const second = write(
      'step-read.yaml',
      testYaml(
        'read',
        `    - selector: span[name="POST /orders"]
      assertions:
        - attr:http.target = "/orders/7"
`,
        '/${var:ORDER_ID}',
      ),
    );
    const suite = write(
      'suite.yaml',
      `type: TestSuite
spec:
  name: order flow
  steps:
    - ./${first}
    - ./${second}
`,
    );
    const r = await run(['testsuite', '-f', suite]);
    expect(r.stdout).toMatch(/^✔ order flow/);
    expect(r.code).toBe(0);
  });

  it('ends TRIGGER_FAILED with the reason when the target is down', async () => {
    const file = write(
      'down.yaml',
      `type: Test
spec:
  name: down
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://127.0.0.1:9/nothing
`,
    );
    const r = await run(['test', '-f', file]);
    expect(r.stdout).toMatch(/✘ down .*\n\tReason: .*127\.0\.0\.1:9/);
    expect(r.code).toBe(2);
  });
});
