import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createPostgresStore } from './postgres-store';
import { describeRunGroupStore } from './run-group-store-contract';

/**
 * Needs a PostgreSQL server (TRACECHECK_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * The suite works in a schema of its own, dropped at the end. Without a server it is skipped with a
 * warning, unless TRACECHECK_REQUIRE_SERVICES=1 (CI), where it fails.
 */
const connectionString =
  process.env.TRACECHECK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const servicesRequired = process.env.TRACECHECK_REQUIRE_SERVICES === '1';
const schema = `tc_test_rg_${randomBytes(6).toString('hex')}`;

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
  const advice =
    `PostgreSQL is not reachable at ${connectionString} (${unreachable}). Start one, or point ` +
    'TRACECHECK_TEST_DATABASE_URL at a database the tests may create schemas in.';
  if (servicesRequired) throw new Error(`${advice} TRACECHECK_REQUIRE_SERVICES=1 makes this a failure.`);
  console.warn(`\n⚠ SKIPPING the PostgreSQL run-group store tests: ${advice}\n`);
}

describe.skipIf(unreachable !== undefined)('PostgreSQL run groups', () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  });

  describeRunGroupStore(`PostgreSQL (schema ${schema})`, ({ now }) =>
    createPostgresStore({ connectionString, schema, now }),
  );
});
