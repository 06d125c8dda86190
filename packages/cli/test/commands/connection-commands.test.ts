import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

// configure, the connection precedence every server command uses, version and dashboard: the real
// binary against one real embedded server.
describe('configure, connection precedence, version and dashboard', () => {
  let server: EmbeddedServer;
  let deadUrl: string;

  beforeAll(async () => {
    server = await startEmbeddedServer('tc-connection-');
    deadUrl = `http://127.0.0.1:${await unusedPort()}`;
  }, 480_000);

  afterAll(async () => {
    await server?.stop();
  });

  /** A fresh working folder (and HOME) inside the server's temp folder. */
  function folder(name: string): { cwd: string; home: string } {
    const cwd = path.join(server.dir, name);
    const home = path.join(cwd, 'home');
    mkdirSync(home, { recursive: true });
    return { cwd, home };
  }

  function show(result: CliResult, where?: { cwd: string }): string {
    const text = `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
    return normalize(text.replace(/\/api\/auth\/link\/[\w-]+/g, '/api/auth/link/<code>'), {
      ...(where ? { [where.cwd]: '<cwd>' } : {}),
      [server.dir]: '<dir>',
      [deadUrl]: '<dead-url>',
    });
  }

  it('saves a local tracecheck.yml (0600 with a token) and a global ~/.tracecheck/config.yml', async () => {
    const where = folder('configure');
    const [local, global] = await Promise.all([
      runCli(
        [
          'configure',
          '--server-url',
          server.url,
          '--organization',
          'acme',
          '--environment',
          'prod',
          '--token',
          'tc_secret_token_value',
        ],
        where,
      ),
      runCli(['configure', '--global', '-e', 'http://tracecheck.example:11633/'], where),
    ]);
    expect(show(local, where)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ✔ saved to tracecheck.yml (mode 0600: it holds a token)
        serverUrl       http://127.0.0.1:<port>
        organizationID  acme
        environmentID   prod
        token           tc_secre… (hidden)
      --- stderr
      warning: tracecheck.yml holds a token: keep it out of version control (add it to .gitignore), or save the token with --global
      "
    `);
    expect(show(global, where)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      ✔ saved to home/.tracecheck/config.yml
        serverUrl       http://tracecheck.example:11633
      --- stderr
      warning: -e/--endpoint is deprecated, use --server-url
      "
    `);
    const localFile = path.join(where.cwd, 'tracecheck.yml');
    expect(normalize(readFileSync(localFile, 'utf8'))).toMatchInlineSnapshot(`
      "serverUrl: http://127.0.0.1:<port>
      organizationID: acme
      environmentID: prod
      token: tc_secret_token_value
      "
    `);
    expect(statSync(localFile).mode & 0o777).toBe(0o600);
    const globalFile = path.join(where.home, '.tracecheck', 'config.yml');
    expect(readFileSync(globalFile, 'utf8')).toMatchInlineSnapshot(`
      "serverUrl: http://tracecheck.example:11633
      "
    `);
    // Saving again merges: the other keys stay.
    const again = await runCli(['configure', '--environment', 'staging'], where);
    expect(again.code).toBe(0);
    expect(normalize(readFileSync(localFile, 'utf8'))).toContain('environmentID: staging');
    expect(readFileSync(localFile, 'utf8')).toContain('token: tc_secret_token_value');
  }, 600_000);

  it('refuses what it cannot save, saying why', async () => {
    const where = folder('configure-bad');
    const results = await Promise.all([
      runCli(['configure'], where),
      runCli(['configure', '--server-url', 'localhost:11633'], where),
      runCli(['configure', '--login', '--ci'], where),
      runCli(['configure', '--login', '--server-url', server.url], where),
    ]);
    expect(results.map((r) => show(r, where)).join('\n')).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- stderr
      ✘ nothing to configure: give --server-url URL, --organization ID, --environment ID and/or --token TOKEN (there is no terminal to ask on)

      exit 1
      --- stdout
      --- stderr
      ✘ the server URL "localhost:11633" (given to configure) must start with http:// or https:// and name a host, e.g. http://localhost:11633

      exit 1
      --- stdout
      --- stderr
      ✘ --login opens a browser and --ci forbids it: give --token TOKEN

      exit 1
      --- stdout
      --- stderr
      ✘ the server at http://127.0.0.1:<port> offers no browser sign-in (no SSO provider configured): create a token in the dashboard and run \`tracecheck configure --token TOKEN\`
      "
    `);
  }, 600_000);

  it('resolves the server: flag > TRACECHECK_* > tracecheck.yml > ~/.tracecheck/config.yml > tracecheck start', async () => {
    const where = folder('precedence');
    // What `tracecheck start` leaves in the folder it runs in.
    mkdirSync(path.join(where.cwd, '.tracecheck'));
    writeFileSync(path.join(where.cwd, '.tracecheck', 'server-url'), `${server.url}\n`);
    const embedded = await runCli(['version'], where);

    mkdirSync(path.join(where.home, '.tracecheck'));
    writeFileSync(path.join(where.home, '.tracecheck', 'config.yml'), `serverUrl: ${deadUrl}\n`);
    const global = await runCli(['version'], where);

    // A Tracetest-style config (scheme + endpoint + serverPath) is read too.
    const endpoint = server.url.replace('http://', '');
    writeFileSync(
      path.join(where.cwd, 'tracecheck.yml'),
      `scheme: http\nendpoint: ${endpoint}\nserverPath: /api\n`,
    );
    const [local, env, flag, environmentVariable] = await Promise.all([
      runCli(['version'], where),
      runCli(['version'], { ...where, env: { TRACECHECK_SERVER_URL: deadUrl } }),
      runCli(['version', '--server-url', server.url], { ...where, env: { TRACECHECK_SERVER_URL: deadUrl } }),
      // TRACETEST_* is read when TRACECHECK_* is unset (SPEC decision 4).
      runCli(['version', '-o', 'json'], { ...where, env: { TRACETEST_SERVER_URL: deadUrl } }),
    ]);
    expect(
      [embedded, global, local, env, flag, environmentVariable].map((r) => show(r, where)).join('\n'),
    ).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         0.1.0 (http://127.0.0.1:<port>)
      --- stderr

      exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         not reached at <dead-url>: cannot reach the Tracecheck server at <dead-url>, from home/.tracecheck/config.yml (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url
      --- stderr

      exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         0.1.0 (http://127.0.0.1:<port>)
      --- stderr

      exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         not reached at <dead-url>: cannot reach the Tracecheck server at <dead-url>, from TRACECHECK_SERVER_URL (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url
      --- stderr

      exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         0.1.0 (http://127.0.0.1:<port>)
      --- stderr

      exit 0
      --- stdout
      {
        "cli": "0.1.0",
        "server": {
          "reached": false,
          "url": "<dead-url>",
          "reason": "cannot reach the Tracecheck server at <dead-url>, from TRACETEST_SERVER_URL (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url"
        }
      }
      --- stderr
      "
    `);
  }, 600_000);

  it('sends the organization and environment of the config as the scope of its requests', async () => {
    const where = folder('scope');
    const token = server.token ? ['--token', server.token] : [];
    await runCli(['configure', '--server-url', server.url, '--environment', 'other-env', ...token], where);
    const [inOther, inDefault] = await Promise.all([
      runCli(['list', 'test', '-o', 'json'], where),
      runCli(['list', 'test', '-o', 'json'], { ...where, env: { TRACECHECK_ENVIRONMENT: 'default' } }),
    ]);
    // The server resolves the scope from x-environment-id: an environment that does not exist is refused.
    expect(inOther.stderr).toContain('environment "other-env"');
    expect(inOther.code).toBe(1);
    expect(inDefault.stderr).toBe('');
    expect(JSON.parse(inDefault.stdout)).toHaveProperty('items');
    expect(inDefault.code).toBe(0);
  }, 600_000);

  it('says how to get a token on 401 and which permission is missing on 403', async () => {
    expect(server.token).toBeDefined();
    const where = folder('auth');
    writeFileSync(
      path.join(where.cwd, 'ds.yaml'),
      'type: DataStore\nspec:\n  id: otlp\n  name: otlp\n  type: otlp\n',
    );
    const created = await fetch(`${server.url}/api/organizations/local/environments/default/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', role: 'runner' }),
    });
    const runnerToken = ((await created.json()) as { plaintext: string }).plaintext;
    const [missing, bogus, forbidden, allowed] = await Promise.all([
      runCli(['list', 'test', '--server-url', server.url], where),
      runCli(['list', 'test', '--server-url', server.url, '--token', 'tc_env_bogus'], where),
      runCli(['apply', '-f', 'ds.yaml', '--server-url', server.url], {
        ...where,
        env: { TRACECHECK_TOKEN: runnerToken },
      }),
      runCli(['list', 'test', '--server-url', server.url, '-o', 'json'], {
        ...where,
        env: { TRACECHECK_TOKEN: runnerToken },
      }),
    ]);
    expect(missing.code).toBe(1);
    expect(show(missing, where)).toContain(
      'the server at http://127.0.0.1:<port> needs a valid token and no token was given; give one with --token TOKEN, TRACECHECK_TOKEN, or save it with `tracecheck configure --token TOKEN`',
    );
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('the token (from --token) was refused: it may be expired or revoked');
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/✘ .*lacks the permission "[\w.]+"/);
    expect(allowed.code).toBe(0);
  }, 600_000);

  it('prints the CLI and server versions, and only the CLI version when the server is not reached', async () => {
    const where = { cwd: server.dir, home: server.home };
    const results = await Promise.all([
      runCli(['version'], where),
      runCli(['version', '-o', 'yaml'], where),
      runCli(['version', '--server-url', deadUrl], where),
      runCli(['--version'], where),
    ]);
    expect(results.map((r) => show(r)).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         0.1.0 (http://127.0.0.1:<port>)
      --- stderr

      exit 0
      --- stdout
      cli: 0.1.0
      server:
        reached: true
        url: http://127.0.0.1:<port>
        version: 0.1.0
      --- stderr

      exit 0
      --- stdout
      tracecheck CLI 0.1.0
      server         not reached at <dead-url>: cannot reach the Tracecheck server at <dead-url>, from --server-url (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url
      --- stderr

      exit 0
      --- stdout
      0.1.0
      --- stderr
      "
    `);
  }, 600_000);

  it('opens the dashboard with $BROWSER, or prints its URL', async () => {
    const where = { cwd: server.dir, home: server.home };
    const opened = path.join(server.dir, 'opened-url.txt');
    const browser = path.join(server.dir, 'fake-browser.sh');
    writeFileSync(browser, `#!/bin/sh\necho "$1" > "${opened}"\n`, { mode: 0o755 });
    const results = await Promise.all([
      runCli(['dashboard', '--print'], where),
      runCli(['dashboard'], { ...where, env: { BROWSER: browser } }),
      runCli(['dashboard'], { ...where, env: { BROWSER: '/bin/false' } }),
      runCli(['dashboard', '--print', '--server-url', deadUrl], where),
    ]);
    expect(results.map((r) => show(r)).join('\n')).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      http://127.0.0.1:<port>/api/auth/link/<code>
      --- stderr

      exit 0
      --- stdout
      Opened the dashboard in your browser: http://127.0.0.1:<port>/
      --- stderr

      exit 0
      --- stdout
      Could not open a browser; open this URL:
        http://127.0.0.1:<port>/api/auth/link/<code>
      --- stderr

      exit 1
      --- stdout
      --- stderr
      ✘ cannot reach the Tracecheck server at <dead-url>, from --server-url (connect ECONNREFUSED 127.0.0.1:<port>): start it with \`tracecheck start\`, or give its URL with --server-url
      "
    `);
    // The browser got a one-time login link, so the dashboard opens signed in.
    expect(normalize(readFileSync(opened, 'utf8'))).toMatch(
      /^http:\/\/127\.0\.0\.1:<port>\/api\/auth\/link\/[\w-]+\n$/,
    );
  }, 600_000);
});
