import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, SCOPE } from '../api/api-test-harness';
import { createPostgresStore } from '../store/postgres-store';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
  withTestDatabaseClient as withClient,
} from '../store/testing/postgres-test-database';
import { type AccessControl, createAccessControl, type PrincipalResolver } from './access-control';
import { generateToken } from './tokens';

/**
 * Tokens end to end on PostgreSQL (a schema of its own): created through the API, used, capped by
 * their creator, revoked or expired (refused at once), and their plaintext found nowhere after
 * creation — not in any table, not in the logs, not in any later answer.
 */
const schema = createTestSchemaName('tc_tokens');
const postgresReachable = await checkPostgresForTests('PostgreSQL token');

/** People sign in through the sign-in layer's interface; here a test header names the user. */
const testSessions: PrincipalResolver = async (request) => {
  const userId = request.headers['x-test-user'];
  return typeof userId === 'string' ? { type: 'session', userId } : undefined;
};

/** Every row of every table of the schema, as text. */
async function dumpDatabase(): Promise<string> {
  return withClient(async (client) => {
    const tables = await client.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = $1',
      [schema],
    );
    let text = '';
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`select t::text as row from ${schema}."${table_name}" t`);
      for (const row of rows.rows as { row: string }[]) text += `${row.row}\n`;
    }
    return text;
  });
}

describe.skipIf(!postgresReachable)('tokens on PostgreSQL', () => {
  let harness: ApiHarness;
  let access: AccessControl;
  const logs: string[] = [];
  const answers: string[] = [];
  let adminUserId = '';
  let runnerUserId = '';

  beforeAll(async () => {
    harness = await createApiHarness({
      openStore: (now) => createPostgresStore({ connectionString, schema, now }),
      logger: pino({ level: 'trace' }, { write: (line: string) => logs.push(line) }),
      access: (store, now) => {
        access = createAccessControl({ store, defaultScope: SCOPE, now, principalResolvers: [testSessions] });
        return access;
      },
    });
    const identity = harness.store.identity;
    adminUserId = (
      await identity.findOrCreateUser({ provider: 't', subject: 'admin', email: 'a@x.io', name: 'A' })
    ).user.id;
    runnerUserId = (
      await identity.findOrCreateUser({ provider: 't', subject: 'runner', email: 'r@x.io', name: 'R' })
    ).user.id;
    await identity.setMemberRole('org1', adminUserId, 'admin');
    await identity.setMemberRole('org1', runnerUserId, 'member');
    await identity.setEnvironmentRole(SCOPE, runnerUserId, 'runner');
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    await dropTestSchemas(schema);
  });

  async function request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: unknown,
  ) {
    const response = await harness.app.inject({
      method,
      url,
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    answers.push(response.body);
    return response;
  }

  const asAdmin = () => ({ 'x-test-user': adminUserId });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('creates a token shown once, stores only its hash, and never logs or answers it again', async () => {
    const created = await request('POST', '/api/organizations/org1/tokens', asAdmin(), {
      name: 'ci',
      role: 'admin',
    });
    expect(created.statusCode).toBe(201);
    const { plaintext, token } = created.json() as {
      plaintext: string;
      token: { id: string; displayPrefix: string };
    };
    expect(plaintext).toMatch(/^tc_org_[0-9A-Za-z]{36}$/);
    expect(plaintext.startsWith(token.displayPrefix)).toBe(true);
    answers.length = 0; // Only answers after creation count.

    const used = await request('GET', '/api/tests', bearer(plaintext));
    expect(used.statusCode).toBe(200);
    const listed = await request('GET', '/api/organizations/org1/tokens', bearer(plaintext));
    expect(
      (listed.json() as { id: string; lastUsedAt: string | null }[]).find((t) => t.id === token.id)
        ?.lastUsedAt,
    ).not.toBeNull();
    const audit = await request('GET', '/api/organizations/org1/audit?action=token.', asAdmin());
    expect(
      (audit.json() as { items: { action: string; resourceId: string; ip: string | null }[] }).items,
    ).toContainEqual(expect.objectContaining({ action: 'token.created', resourceId: token.id }));
    await request('GET', '/api/me', asAdmin());

    const randomPart = plaintext.slice('tc_org_'.length);
    const database = await dumpDatabase();
    expect(database).toContain(token.id);
    expect(database).not.toContain(randomPart);
    expect(answers.join('\n')).not.toContain(randomPart);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(randomPart);
  });

  it('refuses a revoked token at once, and an expired one as soon as it expires', async () => {
    const created = (
      await request('POST', '/api/organizations/org1/tokens', asAdmin(), { name: 'short', role: 'admin' })
    ).json() as {
      plaintext: string;
      token: { id: string };
    };
    expect((await request('GET', '/api/tests', bearer(created.plaintext))).statusCode).toBe(200);
    expect(
      (await request('DELETE', `/api/organizations/org1/tokens/${created.token.id}`, asAdmin())).statusCode,
    ).toBe(200);
    const refused = await request('GET', '/api/tests', bearer(created.plaintext));
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'AUTH_INVALID_TOKEN' });
    expect(await access.authenticateAgent(created.plaintext)).toBeUndefined();

    const expiresAt = new Date(harness.clock.now().getTime() + 3_600_000).toISOString();
    const expiring = (
      await request('POST', '/api/organizations/org1/tokens', asAdmin(), {
        name: 'hour',
        role: 'admin',
        expiresAt,
      })
    ).json() as {
      plaintext: string;
    };
    expect((await request('GET', '/api/tests', bearer(expiring.plaintext))).statusCode).toBe(200);
    harness.clock.advance(3_600_000);
    expect((await request('GET', '/api/tests', bearer(expiring.plaintext))).statusCode).toBe(401);
  });

  it('never gives a token more than its creator holds, now or later', async () => {
    const runner = { 'x-test-user': runnerUserId };
    // A runner cannot manage tokens at all.
    expect(
      (
        await request('POST', '/api/organizations/org1/environments/env1/tokens', runner, {
          name: 'x',
          role: 'runner',
        })
      ).statusCode,
    ).toBe(403);
    // An environment admin may not mint an organization admin token: the admin makes one, then is demoted.
    const made = (
      await request('POST', '/api/organizations/org1/tokens', asAdmin(), { name: 'mine', role: 'admin' })
    ).json() as { plaintext: string };
    expect((await request('GET', '/api/organizations/org1/members', bearer(made.plaintext))).statusCode).toBe(
      200,
    );
    await harness.store.identity.setMemberRole('org1', adminUserId, 'member');
    await harness.store.identity.setEnvironmentRole(SCOPE, adminUserId, 'engineer');
    const after = await request('GET', '/api/organizations/org1/tokens', bearer(made.plaintext));
    expect(after.statusCode).toBe(403);
    expect((await request('GET', '/api/tests', bearer(made.plaintext))).statusCode).toBe(200);
    expect(
      (await request('PUT', '/api/configs/current', bearer(made.plaintext), { type: 'Config', spec: {} }))
        .statusCode,
    ).toBe(403);
    // An engineer creating an environment token: runner and engineer yes, admin no.
    const engineer = { 'x-test-user': adminUserId };
    await harness.store.identity.setEnvironmentRole(SCOPE, adminUserId, 'admin');
    expect(
      (
        await request('POST', '/api/organizations/org1/environments/env1/tokens', engineer, {
          name: 'r',
          role: 'runner',
        })
      ).statusCode,
    ).toBe(201);
    await harness.store.identity.setMemberRole('org1', adminUserId, 'admin');
  });

  it('authenticates agents with agent keys and organization tokens of role agent', async () => {
    const key = (
      await request('POST', '/api/organizations/org1/environments/env1/agent-keys', asAdmin(), {
        name: 'agent',
      })
    ).json() as {
      plaintext: string;
      token: { id: string };
    };
    expect(key.plaintext).toMatch(/^tc_agent_/);
    expect(await access.authenticateAgent(key.plaintext)).toEqual(SCOPE);
    const agentToken = (
      await request('POST', '/api/organizations/org1/tokens', asAdmin(), { name: 'agents', role: 'agent' })
    ).json() as {
      plaintext: string;
    };
    expect(await access.authenticateAgent(agentToken.plaintext)).toEqual(SCOPE);
    // An agent token reads nothing.
    expect((await request('GET', '/api/tests', bearer(agentToken.plaintext))).statusCode).toBe(403);
    await request('DELETE', `/api/organizations/org1/environments/env1/tokens/${key.token.id}`, asAdmin());
    expect(await access.authenticateAgent(key.plaintext)).toBeUndefined();
    // A well-formed token nobody made, and a string with a wrong checksum.
    expect(await access.authenticateAgent(generateToken('agent').plaintext)).toBeUndefined();
    expect(await access.authenticateAgent(`${key.plaintext.slice(0, -1)}x`)).toBeUndefined();
  });
});
