import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../store/postgres-store';
import { bootstrapAdminToken } from './bootstrap';
import { describeIdentityStore } from './identity-store-contract';

/**
 * The identity store on PostgreSQL, in a schema of its own dropped at the end. Without a server
 * the suite is skipped with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const connectionString =
  process.env.TRACECHECK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const servicesRequired = process.env.TRACECHECK_REQUIRE_SERVICES === '1';
const schema = `tc_identity_${randomBytes(6).toString('hex')}`;

async function checkDatabase(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await checkDatabase();
if (unreachable !== undefined) {
  const advice = `PostgreSQL is not reachable at ${connectionString} (${unreachable}); set TRACECHECK_TEST_DATABASE_URL.`;
  if (servicesRequired) throw new Error(`${advice} TRACECHECK_REQUIRE_SERVICES=1 makes this a failure.`);
  console.warn(`\n⚠ SKIPPING the PostgreSQL identity store tests: ${advice}\n`);
}

async function dropSchemas(...names: string[]): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    for (const name of names) await client.query(`drop schema if exists ${name} cascade`);
  } finally {
    await client.end();
  }
}

describe.skipIf(unreachable !== undefined)('PostgreSQL identity store', () => {
  afterAll(async () => {
    await dropSchemas(schema, `${schema}_boot`);
  });

  describeIdentityStore(`PostgreSQL (schema ${schema})`, ({ now }) =>
    createPostgresStore({ connectionString, schema, now }),
  );

  it('bootstraps exactly once when several processes start together on an empty database', async () => {
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => createPostgresStore({ connectionString, schema: `${schema}_boot` })),
    );
    try {
      const outcomes = await Promise.all(
        stores.map((store) =>
          bootstrapAdminToken(store, {
            scope: { organizationId: 'default', environmentId: 'default' },
            organizationName: 'Default',
            environmentName: 'default',
          }),
        ),
      );
      const made = outcomes.filter((outcome) => outcome !== undefined);
      expect(made).toHaveLength(1);
      const tokens = await stores[0]!.identity.listTokens('default');
      expect(tokens.map((token) => [token.kind, token.role, token.createdBy])).toEqual([
        ['org', 'admin', null],
      ]);
      expect(made[0]?.token).toMatch(/^tc_org_/);
      // A later start finds someone can get in.
      expect(
        await bootstrapAdminToken(stores[1]!, {
          scope: { organizationId: 'default', environmentId: 'default' },
          organizationName: 'Default',
          environmentName: 'default',
        }),
      ).toBeUndefined();
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
