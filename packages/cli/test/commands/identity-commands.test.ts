import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, runCli, startEmbeddedServer } from './testing/cli-harness';

// Organizations, environments, tokens and members through get/list/delete/apply, with the real binary
// against a real `tracecheck start` (its admin token, found in .tracecheck/admin-token, is the owner's).
describe('identity resources against an embedded server', () => {
  let server: EmbeddedServer;
  let organization: string;
  let tokenId: string;

  beforeAll(async () => {
    server = await startEmbeddedServer('tc-identity-');
  }, 480_000);

  afterAll(async () => {
    await server?.stop();
  });

  const cli = (args: string[], env?: Record<string, string>) =>
    runCli(args, { cwd: server.dir, home: server.home, ...(env ? { env } : {}) });

  it('lists the organizations of the token, as a table and as JSON', async () => {
    const json = await cli(['list', 'organizations', '-o', 'json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const page = JSON.parse(json.stdout) as {
      count: number;
      items: { type: string; spec: { id: string } }[];
    };
    expect(page.count).toBeGreaterThanOrEqual(1);
    expect(page.items[0]?.type).toBe('Organization');
    organization = page.items[0]!.spec.id;

    const table = await cli(['list', 'orgs']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+PERSONAL\s+ROLE$/);
    expect(table.stdout).toContain(organization);
  }, 240_000);

  it('says "did you mean" for a misspelled identity resource', async () => {
    const result = await cli(['list', 'enviroments']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown resource "enviroments". Did you mean "environment"?');
  }, 240_000);

  it('creates an environment from a type: Environment file and gets it', async () => {
    writeFileSync(
      path.join(server.dir, 'staging.yaml'),
      'type: Environment\nspec:\n  id: staging\n  name: Staging\n',
    );
    const applied = await cli(['apply', '-f', 'staging.yaml', '-o', 'pretty']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(
      /^RESOURCE\s+ID\s+NAME\s+FILE\nenvironment\s+staging\s+Staging\s+staging\.yaml\n$/,
    );

    const got = await cli(['get', 'environment', 'staging']);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain(
      `---\ntype: Environment\nspec:\n  id: staging\n  organizationId: ${organization}\n  name: Staging\n`,
    );

    const listed = await cli(['list', 'environments']);
    expect(listed.stdout).toMatch(/^staging\s+Staging\s+\S+$/m);

    const missing = await cli(['get', 'environment', 'nope']);
    expect(missing.stdout).toBe('Resource environment with ID nope not found\n');
  }, 240_000);

  it('creates an environment token, printing its plaintext once with a warning', async () => {
    writeFileSync(
      path.join(server.dir, 'ci-token.yaml'),
      'type: EnvironmentToken\nspec:\n  name: ci\n  role: runners\n',
    );
    const created = await cli(['apply', '-f', 'ci-token.yaml', '-o', 'json'], {
      TRACECHECK_ENVIRONMENT: 'staging',
    });
    expect(created.code).toBe(0);
    const answer = JSON.parse(created.stdout) as {
      type: string;
      spec: { id: string; name: string; role: string; environmentId: string };
      plaintext: string;
    };
    expect(answer).toMatchObject({
      type: 'EnvironmentToken',
      spec: { name: 'ci', role: 'runner', environmentId: 'staging' },
    });
    expect(answer.plaintext).toMatch(/^tc_env_/);
    expect(created.stderr).toBe(
      '⚠ store the token (`plaintext:` above) now: it is shown only this once and cannot be read again\n',
    );
    tokenId = answer.spec.id;

    // The new token works: it lists the tests of its environment.
    const withToken = await cli(['list', 'tests', '-o', 'json'], { TRACECHECK_TOKEN: answer.plaintext });
    expect(withToken.stderr).toBe('');
    expect(withToken.code).toBe(0);

    // Listed (all the organization's tokens, and those of one environment) without the plaintext.
    for (const env of [{}, { TRACECHECK_ENVIRONMENT: 'staging' }] as Record<string, string>[]) {
      const listed = await cli(['list', 'tokens', '-o', 'pretty'], env);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^${tokenId}\\s+ci\\s+env\\s+runner\\s+staging\\s+tc_env_`, 'm'),
      );
      expect(listed.stdout).not.toContain(answer.plaintext);
      const json = await cli(['list', 'tokens', '-o', 'json'], env);
      expect(json.stdout).not.toContain(answer.plaintext);
    }
  }, 240_000);

  it('prints the plaintext on stdout in the pretty answer too', async () => {
    const created = await cli(['apply', 'token', '-f', 'ci-token.yaml', '-o', 'pretty'], {
      TRACECHECK_ENVIRONMENT: 'staging',
    });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/\nEnvironmentToken token: tc_env_\S+\n$/);
    expect(created.stderr).toBe(
      '⚠ store the token now: it is shown only this once and cannot be read again\n',
    );
  }, 240_000);

  it('revokes the token, which then shows its revocation time', async () => {
    const deleted = await cli(['delete', 'token', tokenId]);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`✔ EnvironmentToken "${tokenId}" revoked\n`);

    const got = await cli(['get', 'token', tokenId, '-o', 'json']);
    const view = JSON.parse(got.stdout) as { spec: { revokedAt: string | null } };
    expect(view.spec.revokedAt).not.toBeNull();
  }, 240_000);

  it('lists the members with their roles', async () => {
    const listed = await cli(['list', 'members']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^USER ID\s+EMAIL\s+NAME\s+ROLE\s+ENVIRONMENT ROLES$/);
    expect(listed.stdout).toMatch(/\sowner(\s|$)/m);

    const yaml = await cli(['list', 'members', '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^---\ntype: Member\nspec:\n {2}userId: /);
  }, 240_000);

  it('deletes the environment', async () => {
    const deleted = await cli(['delete', 'environment', 'staging']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('✔ Environment "staging" deleted\n');
    const listed = await cli(['list', 'environments']);
    expect(listed.stdout).not.toMatch(/^staging\s/m);
  }, 240_000);
});
