import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfigFile, resolveConfiguredSignIn } from '../src/commands/server-config';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/tracecheck.js');

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracecheck-server-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const SSO = `signIn:
  publicUrl: https://tracecheck.example.com
  providers:
    - id: github
      kind: github
      clientId: Iv1.abc
      clientSecret: \${GITHUB_CLIENT_SECRET}
  signUp: { policy: domains, domains: [example.com] }
webhooks:
  allowedNetworks: [10.20.0.0/16]
`;

describe('loadServerConfigFile', () => {
  it('reads the signIn block, with secrets from the environment, and the webhooks block', async () => {
    const file = await configFile('sso.yaml', SSO);
    const config = await loadServerConfigFile(file, { cwd: dir, env: { GITHUB_CLIENT_SECRET: 'gh-$ecret' } });
    expect(config.webhooks).toEqual({ allowedNetworks: ['10.20.0.0/16'] });
    const signIn = resolveConfiguredSignIn(config, undefined);
    expect(signIn?.publicUrl).toBe('https://tracecheck.example.com');
    expect(signIn?.providers).toEqual([
      expect.objectContaining({
        id: 'github',
        kind: 'github',
        clientId: 'Iv1.abc',
        clientSecret: 'gh-$ecret',
      }),
    ]);
    expect(signIn?.signUp).toEqual({ policy: 'domains', domains: ['example.com'] });
    // --public-url / TRACECHECK_PUBLIC_URL wins over the file.
    expect(resolveConfiguredSignIn(config, 'https://other.example.com')?.publicUrl).toBe(
      'https://other.example.com',
    );
    expect(resolveConfiguredSignIn(undefined, undefined)).toBeUndefined();
  });

  it('writes $${ as a literal ${', async () => {
    const file = await configFile(
      'literal.yaml',
      'signIn:\n  publicUrl: https://t.example.com\n  providers:\n    - { id: g, kind: google, clientId: a, clientSecret: "x$${y}" }\n',
    );
    const signIn = resolveConfiguredSignIn(
      await loadServerConfigFile(file, { cwd: dir, env: {} }),
      undefined,
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ is what is tested
    expect(signIn?.providers[0]?.clientSecret).toBe('x${y}');
  });

  it.each([
    [
      'sso-missing.yaml',
      SSO,
      /sso-missing\.yaml: signIn\.providers\.0\.clientSecret refers to \$\{GITHUB_CLIENT_SECRET\}, which is not set/,
    ],
    ['bad-yaml.yaml', 'signIn: [unclosed', /bad-yaml\.yaml: not valid YAML/],
    ['unknown-block.yaml', 'sigIn: {}\n', /unknown-block\.yaml: .*sigIn/],
    [
      'wrong-type.yaml',
      'webhooks: { allowPrivateNetworks: yes-please }\n',
      /wrong-type\.yaml: webhooks\.allowPrivateNetworks/,
    ],
  ])('says which file and what is wrong (%s)', async (name, text, message) => {
    const file = await configFile(name, text);
    await expect(loadServerConfigFile(file, { cwd: dir, env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(message),
    });
  });

  it('names the file of an invalid signIn block, and a file that cannot be read', async () => {
    const file = await configFile(
      'http.yaml',
      'signIn:\n  publicUrl: http://tracecheck.example.com\n  providers: []\n',
    );
    const config = await loadServerConfigFile(file, { cwd: dir, env: {} });
    expect(() => resolveConfiguredSignIn(config, undefined)).toThrow(
      /http\.yaml: invalid sign-in configuration: signIn\.publicUrl .* must use https/,
    );
    await expect(loadServerConfigFile('nope.yaml', { cwd: dir, env: {} })).rejects.toMatchObject({
      message: expect.stringMatching(
        /^nope\.yaml: cannot read the configuration file \(ENOENT\): check the --config path/,
      ),
    });
  });
});

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the binary until it exits, or until stdout matches `until` (then stops it with SIGTERM). */
function runBin(args: readonly string[], env: Record<string, string>, until?: RegExp): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tracecheck start on a non-loopback address', () => {
  it('refuses without single sign-on, saying what to configure', async () => {
    const result = await runBin(['start', '--host', '0.0.0.0', '--port', '0', '--data-dir', 'refused'], {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address/);
    expect(result.stderr).toMatch(/--config FILE with a signIn block/);
  }, 60_000);

  it('refuses a config whose signIn block has no provider', async () => {
    const file = await configFile(
      'links-only.yaml',
      'signIn:\n  publicUrl: https://t.example.com\n  providers: []\n',
    );
    const result = await runBin(
      ['start', '--host', '0.0.0.0', '--port', '0', '--data-dir', 'refused', '--config', file],
      {},
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/at least one provider/);
  }, 60_000);

  it('starts with an SSO provider and a public URL, and offers the provider', async () => {
    const file = await configFile('start-sso.yaml', SSO);
    const child = spawn(
      process.execPath,
      [
        bin,
        'start',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--otlp-grpc-port',
        '0',
        '--otlp-http-port',
        '0',
        '--data-dir',
        'sso-data',
        '--config',
        file,
        '-l',
        'warn',
      ],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1', GITHUB_CLIENT_SECRET: 'gh-secret' } },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /API +http:\/\/\S*:(\d+)\/api/.exec(stdout);
          if (match?.[1] && stdout.includes('sign in')) resolve(match[1]);
        });
        void exit.then((code) => reject(new Error(`start exited with ${code}: ${stdout}${stderr}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/api/auth/providers`);
      const body = (await response.json()) as { providers: { id: string; loginUrl: string }[] };
      expect(body.providers.map((provider) => provider.id)).toEqual(['github']);
      expect(JSON.stringify(body)).not.toContain('gh-secret');
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  }, 120_000);
});

describe('tracecheck server --config', () => {
  it('stops on a bad file before connecting, naming the file', async () => {
    const file = await configFile(
      'server-bad.yaml',
      'signIn:\n  publicUrl: https://t.example.com\n  providers: [{ id: g }]\n',
    );
    const result = await runBin(
      [
        'server',
        '--database-url',
        'postgres://127.0.0.1:1/none',
        '--nats-url',
        'nats://127.0.0.1:1',
        '--config',
        file,
      ],
      {},
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/server-bad\.yaml: invalid sign-in configuration: signIn\.providers\.0\./);
  }, 60_000);
});
