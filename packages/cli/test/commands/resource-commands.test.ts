import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  type EmbeddedServer,
  normalize,
  runCli,
  startEmbeddedServer,
  unusedPort,
} from './testing/cli-harness';

// apply / get / list / delete / export (SPEC §9.2) with the real binary against one real embedded server.
describe('resource commands against an embedded server', () => {
  let server: EmbeddedServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startEmbeddedServer('tc-resources-');
  }, 480_000);

  afterAll(async () => {
    await server?.stop();
  });

  const cli = (args: string[], env?: Record<string, string>) =>
    runCli(args, { cwd: server.dir, home: server.home, ...(env ? { env } : {}) });

  function write(name: string, text: string): string {
    const file = path.join(server.dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return name;
  }

  /** The result with generated ids replaced by `<id of NAME>`, ports, times and the temp folder hidden. */
  function show(result: CliResult): string {
    const replacements: Record<string, string> = { [server.dir]: '<dir>' };
    // Same length as the id, so tables stay aligned.
    for (const [name, id] of Object.entries(ids)) replacements[id] = `<${name}>`.padEnd(id.length, '_');
    return normalize(
      `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`,
      replacements,
    );
  }

  const testYaml = (name: string) => `# a comment that must survive the id write-back
type: Test
spec:
  name: ${name}
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://localhost:8080/health
  specs:
    - selector: span[name="GET /health"]
      assertions:
        - attr:http.status_code = 200
`;

  it('applies a test, prints the stored resource as YAML and writes the generated id back', async () => {
    const file = write('health.yaml', testYaml('health'));
    const result = await cli(['apply', 'test', '-f', file]);
    const written = readFileSync(path.join(server.dir, file), 'utf8');
    const id = /^ {2}id: (\S+)$/m.exec(written)?.[1];
    expect(id).toBeDefined();
    ids.health = id!;
    expect(show(result)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ---
      type: Test
      spec:
        id: <health>_
        name: health
        trigger:
          type: http
          httpRequest:
            url: http://localhost:8080/health
            method: GET
        specs:
          - selector: span[name="GET /health"]
            assertions:
              - attr:http.status_code = 200
        version: 1
        createdAt: <time>
      --- stderr
      "
    `);
    expect(normalize(written, { [id!]: '<health>'.padEnd(id!.length, '_') })).toMatchInlineSnapshot(`
      "# a comment that must survive the id write-back
      type: Test
      spec:
        id: <health>_
        name: health
        trigger:
          type: http
          httpRequest:
            method: GET
            url: http://localhost:8080/health
        specs:
          - selector: span[name="GET /health"]
            assertions:
              - attr:http.status_code = 200
      "
    `);
  }, 120_000);

  it('applies files of every kind, several at once, in every output format', async () => {
    write(
      'kinds/variableset.yaml',
      'type: VariableSet\nspec:\n  id: staging\n  name: staging\n  values:\n    - key: HOST\n      value: shop.local\n',
    );
    write(
      'kinds/pollingprofile.yaml',
      'type: PollingProfile\nspec:\n  id: fast\n  name: fast\n  strategy: periodic\n  periodic:\n    retryDelay: 1s\n    timeout: 30s\n',
    );
    write(
      'kinds/datastore.yaml',
      'type: DataStore\nspec:\n  id: otlp\n  name: otlp\n  type: otlp\n  default: true\n',
    );
    write(
      'kinds/analyzer.yaml',
      'type: Analyzer\nspec:\n  name: analyzer\n  enabled: true\n  minimumScore: 60\n',
    );
    write('kinds/config.yaml', 'type: Config\nspec:\n  name: Config\n  analyticsEnabled: false\n');
    write(
      'kinds/demo.yaml',
      'type: Demo\nspec:\n  id: pokeshop\n  name: pokeshop\n  type: pokeshop\n  enabled: false\n',
    );
    write(
      'kinds/testrunner.yaml',
      'type: TestRunner\nspec:\n  name: strict\n  requiredGates: [test-specs, analyzer-score]\n',
    );
    write(
      'kinds/monitor.yaml',
      'type: Monitor\nspec:\n  id: hourly\n  name: hourly smoke\n  enabled: false\n  tests: [checkout]\n  schedule: {cron: "0 * * * *"}\n',
    );
    write(
      'kinds/suite.yaml',
      'type: TestSuite\nspec:\n  id: smoke\n  name: smoke\n  steps:\n    - ./steps/checkout.yaml\n',
    );
    write('kinds/steps/checkout.yaml', testYaml('checkout').replace('spec:\n', 'spec:\n  id: checkout\n'));
    // A directory: every .yaml in it (and below), the suite's step applied first through its file path.
    const pretty = await cli(['apply', '-f', 'kinds', '-o', 'pretty']);
    expect(show(pretty)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      RESOURCE        ID        NAME          FILE
      analyzer        current   analyzer      kinds/analyzer.yaml
      config          current   Config        kinds/config.yaml
      datastore       otlp      otlp          kinds/datastore.yaml
      demo            pokeshop  pokeshop      kinds/demo.yaml
      monitor         hourly    hourly smoke  kinds/monitor.yaml
      pollingprofile  fast      fast          kinds/pollingprofile.yaml
      test            checkout  checkout      kinds/steps/checkout.yaml
      testsuite       smoke     smoke         kinds/suite.yaml
      testrunner      current   strict        kinds/testrunner.yaml
      variableset     staging   staging       kinds/variableset.yaml
      --- stderr
      "
    `);
    const [json, yaml] = await Promise.all([
      cli(['apply', 'datastore', '-f', 'kinds/datastore.yaml', '-o', 'json']),
      cli(['apply', '-f', 'kinds/demo.yaml', 'kinds/config.yaml']),
    ]);
    expect(show(json)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      {
        "type": "DataStore",
        "spec": {
          "id": "otlp",
          "name": "otlp",
          "type": "otlp",
          "default": true
        }
      }
      --- stderr
      "
    `);
    expect(show(yaml)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ---
      type: Demo
      spec:
        id: pokeshop
        name: pokeshop
        type: pokeshop
        enabled: false
      ---
      type: Config
      spec:
        id: current
        name: Config
        analyticsEnabled: false
      --- stderr
      "
    `);
  }, 600_000);

  it('gets a resource as YAML, JSON and a table; an unknown id is a message (exit 0)', async () => {
    const results = await Promise.all([
      cli(['get', 'test', ids.health!]),
      cli(['get', 'tests', '--id', ids.health!, '-o', 'json']),
      cli(['get', 'variableset', 'staging', '-o', 'pretty']),
      cli(['get', 'analyzer']),
      cli(['get', 'testrunner', '-o', 'pretty']),
      cli(['get', 'transaction', 'smoke', '-o', 'pretty']),
      cli(['get', 'test', 'no-such-test']),
    ]);
    expect(results.map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ---
      type: Test
      spec:
        id: <health>_
        name: health
        trigger:
          type: http
          httpRequest:
            url: http://localhost:8080/health
            method: GET
        specs:
          - selector: span[name="GET /health"]
            assertions:
              - attr:http.status_code = 200
        version: 1
        createdAt: <time>
      --- stderr

      exit 0
      --- stdout
      {
        "type": "Test",
        "spec": {
          "id": "<health>_",
          "name": "health",
          "specs": [
            {
              "selector": "span[name=\\"GET /health\\"]",
              "assertions": [
                "attr:http.status_code = 200"
              ]
            }
          ],
          "outputs": [],
          "trigger": {
            "type": "http",
            "httpRequest": {
              "url": "http://localhost:8080/health",
              "body": "",
              "method": "GET",
              "headers": [],
              "sslVerification": false
            }
          },
          "description": "",
          "skipTraceCollection": false,
          "version": 1,
          "createdAt": "<time>",
          "summary": {
            "runs": 0,
            "lastRun": {
              "time": null,
              "passes": 0,
              "fails": 0,
              "analyzerScore": 0
            }
          }
        }
      }
      --- stderr

      exit 0
      --- stdout
      ID       NAME     DESCRIPTION  VALUES
      staging  staging               1
      --- stderr

      exit 0
      --- stdout
      ---
      type: Analyzer
      spec:
        id: current
        name: analyzer
        enabled: true
        minimumScore: 60
      --- stderr

      exit 0
      --- stdout
      ID       NAME    REQUIRED GATES
      current  strict  test-specs, analyzer-score
      --- stderr

      exit 0
      --- stdout
      ID     NAME   VERSION  STEPS  RUNS  LAST RUN TIME  LAST RUN SUCCESSES  LAST RUN FAILURES  URL
      smoke  smoke  1        1      0                    0                   0                  http://127.0.0.1:<port>/testsuite/smoke
      --- stderr

      exit 0
      --- stdout
      Resource test with ID no-such-test not found
      --- stderr
      "
    `);
  }, 600_000);

  it('lists resources as tables with paging and sorting, and as JSON and YAML', async () => {
    const results = await Promise.all([
      cli(['list', 'test', '--sort-by', 'name', '--sort-direction', 'asc']),
      cli(['list', 'tests', '--take', '1', '--sortBy', 'name', '--sortDirection', 'asc']),
      cli(['list', 'test', '--take', '1', '--skip', '1', '--sort-by', 'name', '--all']),
      cli(['list', 'pollingprofiles', '-o', 'json']),
      cli(['list', 'datastore', '-o', 'yaml']),
      cli(['list', 'monitor']),
      cli(['list', 'demo', '--sort-by', 'name']),
      cli(['list', 'config', '-o', 'pretty']),
    ]);
    expect(results.map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ID         NAME      VERSION  TRIGGER TYPE  RUNS  LAST RUN TIME  LAST RUN SUCCESSES  LAST RUN FAILURES  URL
      checkout   checkout  1        http          0                    0                   0                  http://127.0.0.1:<port>/test/checkout
      <health>_  health    1        http          0                    0                   0                  http://127.0.0.1:<port>/test/<health>_
      --- stderr

      exit 0
      --- stdout
      ID        NAME      VERSION  TRIGGER TYPE  RUNS  LAST RUN TIME  LAST RUN SUCCESSES  LAST RUN FAILURES  URL
      checkout  checkout  1        http          0                    0                   0                  http://127.0.0.1:<port>/test/checkout

      1–1 of 2: next page with --skip 1, or every item with --all
      --- stderr

      exit 0
      --- stdout
      ID         NAME      VERSION  TRIGGER TYPE  RUNS  LAST RUN TIME  LAST RUN SUCCESSES  LAST RUN FAILURES  URL
      <health>_  health    1        http          0                    0                   0                  http://127.0.0.1:<port>/test/<health>_
      checkout   checkout  1        http          0                    0                   0                  http://127.0.0.1:<port>/test/checkout
      --- stderr

      exit 0
      --- stdout
      {
        "count": 1,
        "items": [
          {
            "type": "PollingProfile",
            "spec": {
              "id": "fast",
              "name": "fast",
              "default": false,
              "periodic": {
                "timeout": "30s",
                "retryDelay": "1s",
                "selectorMatchRetries": 0
              },
              "strategy": "periodic"
            }
          }
        ]
      }
      --- stderr

      exit 0
      --- stdout
      ---
      type: DataStore
      spec:
        id: otlp
        name: otlp
        type: otlp
        default: true
      --- stderr

      exit 0
      --- stdout
      ID      NAME          ENABLED  SCHEDULE   TESTS  SUITES
      hourly  hourly smoke  false    0 * * * *  1      0
      --- stderr

      exit 0
      --- stdout
      ID        NAME      TYPE      ENABLED
      pokeshop  pokeshop  pokeshop  false
      --- stderr

      exit 0
      --- stdout
      ID       NAME    ANALYTICS ENABLED
      current  Config  false
      --- stderr
      "
    `);
  }, 600_000);

  it('exports a resource to a file and deletes resources', async () => {
    const exported = await cli(['export', 'test', ids.health!, '-f', 'exported/health.yaml']);
    expect(show(exported)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ✔ Test "<health>_" exported to exported/health.yaml
      --- stderr
      "
    `);
    expect(
      normalize(readFileSync(path.join(server.dir, 'exported/health.yaml'), 'utf8'), {
        [ids.health!]: '<health>'.padEnd(ids.health!.length, '_'),
      }),
    ).toMatchInlineSnapshot(`
      "type: Test
      spec:
        id: <health>_
        name: health
        trigger:
          type: http
          httpRequest:
            url: http://localhost:8080/health
            method: GET
        specs:
          - selector: span[name="GET /health"]
            assertions:
              - attr:http.status_code = 200
        version: 1
        createdAt: <time>
      "
    `);
    const [deleted, reset, again] = await Promise.all([
      cli(['delete', 'demo', 'pokeshop']),
      cli(['delete', 'testrunner']),
      cli(['export', 'monitor', '--id', 'hourly']),
    ]);
    expect([deleted, reset, again].map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ✔ Demo "pokeshop" deleted
      --- stderr

      exit 0
      --- stdout
      ✔ TestRunner reset to its default
      --- stderr

      exit 0
      --- stdout
      ✔ Monitor "hourly" exported to resource.yaml
      --- stderr
      "
    `);
    expect(readFileSync(path.join(server.dir, 'resource.yaml'), 'utf8')).toContain('name: hourly smoke');
    const after = await Promise.all([cli(['get', 'demo', 'pokeshop']), cli(['delete', 'demo', 'pokeshop'])]);
    expect(after.map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      Resource demo with ID pokeshop not found
      --- stderr

      exit 1
      --- stdout
      --- stderr
      ✘ Demo "pokeshop" not found: list them with \`tracecheck list demo\`
      "
    `);
  }, 600_000);

  it('keeps the legacy spellings working with a deprecation notice', async () => {
    write(
      'legacy-env.yaml',
      'type: Environment\nspec:\n  id: legacy-env\n  name: legacy\n  values:\n    - key: A\n      value: "1"\n',
    );
    const results = await Promise.all([
      cli(['test', 'list', '--sort-by', 'name']),
      cli(['test', 'export', '--id', 'checkout', '-o', 'legacy-export.yaml']),
      cli(['datastore', 'list']),
      cli(['environment', 'apply', '-f', 'legacy-env.yaml', '-o', 'json']),
    ]);
    expect(results.map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ID         NAME      VERSION  TRIGGER TYPE  RUNS  LAST RUN TIME  LAST RUN SUCCESSES  LAST RUN FAILURES  URL
      <health>_  health    1        http          0                    0                   0                  http://127.0.0.1:<port>/test/<health>_
      checkout   checkout  1        http          0                    0                   0                  http://127.0.0.1:<port>/test/checkout
      --- stderr
      warning: \`tracecheck test list\` is deprecated and will be removed: use \`tracecheck list test\`

      exit 0
      --- stdout
      ✔ Test "checkout" exported to legacy-export.yaml
      --- stderr
      warning: \`tracecheck test export\` is deprecated and will be removed: use \`tracecheck export test\`

      exit 0
      --- stdout
      ID    NAME  TYPE  DEFAULT
      otlp  otlp  otlp  true
      --- stderr
      warning: \`tracecheck datastore list\` is deprecated and will be removed: use \`tracecheck list datastore\`

      exit 0
      --- stdout
      {
        "type": "VariableSet",
        "spec": {
          "id": "legacy-env",
          "name": "legacy",
          "values": [
            {
              "key": "A",
              "type": "raw",
              "value": "1"
            }
          ]
        }
      }
      --- stderr
      warning: \`tracecheck environment apply\` is deprecated and will be removed: use \`tracecheck apply variableset\`
      legacy-env.yaml:1:7: warning: an Environment with values is the legacy name of VariableSet and is read as one; write type: VariableSet
      "
    `);
    expect(readFileSync(path.join(server.dir, 'legacy-export.yaml'), 'utf8')).toContain('id: checkout');
    // `test run -d FILE -w` is `run test -f FILE`: a missing file exits 3 (SPEC §9.4).
    const legacyRun = await cli(['test', 'run', '-d', 'missing-test.yaml', '-w']);
    expect(legacyRun.stderr).toContain(
      '`tracecheck test run` is deprecated and will be removed: use `tracecheck run test`',
    );
    expect(legacyRun.code).toBe(3);
  }, 600_000);

  it('explains every bad input: resource names, files, definitions, flags, kinds', async () => {
    write(
      'broken.yaml',
      'type: Test\nspec:\n  name: broken\n  specs:\n    - selector: span[name=]\n      assertions:\n        - attr:x === 1\n',
    );
    write('a-suite.yaml', 'type: TestSuite\nspec:\n  name: s\n  steps: [checkout]\n');
    const results = await Promise.all([
      cli(['get', 'tset', 'x']),
      cli(['list', 'pollingprofle']),
      cli(['list', 'widgets']),
      cli(['apply', 'test', '-f', 'missing.yaml']),
      cli(['apply', '-f', 'broken.yaml']),
      cli(['apply', 'test', '-f', 'a-suite.yaml']),
      cli(['apply', 'test']),
      cli(['get', 'test']),
      cli(['list', 'test', '--take', 'ten']),
      cli(['list', 'test', '--sort-by', 'size']),
      cli(['list', 'test', '--tkae', '5']),
    ]);
    expect(results.map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      ✘ unknown resource "tset". Did you mean "test"? Resources: test, testsuite, variableset, pollingprofile, datastore, analyzer, config, demo, testrunner, monitor, organization, environment, member, invite, token

      exit 1
      --- stdout
      --- stderr
      ✘ unknown resource "pollingprofle". Did you mean "pollingprofile"? Resources: test, testsuite, variableset, pollingprofile, datastore, analyzer, config, demo, testrunner, monitor, organization, environment, member, invite, token

      exit 1
      --- stdout
      --- stderr
      ✘ unknown resource "widgets". Resources: test, testsuite, variableset, pollingprofile, datastore, analyzer, config, demo, testrunner, monitor, organization, environment, member, invite, token

      exit 3
      --- stdout
      --- stderr
      ✘ cannot read "missing.yaml": no such file or directory (looked in <dir>)

      exit 1
      --- stdout
      --- stderr
      ✘ broken.yaml:2:1: error: missing "trigger": add e.g. trigger: {type: http, httpRequest: {method: GET, url: …}}
      broken.yaml:5:27: error: invalid selector at line 1, column 11: expected a value: a double-quoted string, a number, a duration such as 100ms, true or false after "=", found "]"
      broken.yaml:7:19: error: invalid assertion "attr:x === 1" at column 9: found "==": compare with a single "=" (attr:x = 1)

      exit 1
      --- stdout
      --- stderr
      ✘ cannot apply TestSuite to Test resource: "a-suite.yaml" is a TestSuite; use \`tracecheck apply testsuite -f a-suite.yaml\` or just \`tracecheck apply -f a-suite.yaml\`

      exit 1
      --- stdout
      --- stderr
      ✘ say what to apply: tracecheck apply -f FILE [-f FILE2 …] (or a directory)

      exit 1
      --- stdout
      --- stderr
      ✘ say which test: \`tracecheck get test ID\` (list them with \`tracecheck list test\`)

      exit 1
      --- stdout
      --- stderr
      error: option '--take <n>' argument 'ten' is invalid. --take takes a whole number ≥ 0, got "ten"

      exit 1
      --- stdout
      --- stderr
      error: option '--sort-by <field>' argument 'size' is invalid. Allowed choices are createdAt, created, updatedAt, name, id, last_run.

      exit 1
      --- stdout
      --- stderr
      error: unknown option '--tkae'
      (Did you mean --take?)
      "
    `);
  }, 600_000);

  it('says which server it could not reach and what to try', async () => {
    const port = await unusedPort();
    const elsewhere = path.join(server.dir, 'elsewhere');
    mkdirSync(elsewhere);
    const results = await Promise.all([
      cli(['list', 'test', '--server-url', `http://127.0.0.1:${port}`]),
      cli(['get', 'config'], { TRACECHECK_SERVER_URL: `http://127.0.0.1:${port}` }),
      cli(['list', 'test', '--server-url', 'localhost:11633']),
      runCli(['list', 'test'], { cwd: elsewhere, home: server.home }),
    ]);
    expect(results.map(show).join('\n')).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      ✘ cannot reach the Tracecheck server at http://127.0.0.1:<port>, from --server-url (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url

      exit 1
      --- stdout
      --- stderr
      ✘ cannot reach the Tracecheck server at http://127.0.0.1:<port>, from TRACECHECK_SERVER_URL (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url

      exit 1
      --- stdout
      --- stderr
      ✘ the server URL "localhost:11633" (from --server-url) must start with http:// or https:// and name a host, e.g. http://localhost:11633

      exit 1
      --- stdout
      --- stderr
      ✘ no Tracecheck server configured: start one here with \`tracecheck start\`, give --server-url URL (or TRACECHECK_SERVER_URL), or save one with \`tracecheck configure --server-url URL\`
      "
    `);
  }, 600_000);
});
