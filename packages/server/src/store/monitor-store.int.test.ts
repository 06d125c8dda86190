import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { describeMonitorStore } from './monitor-store-contract';
import { createPostgresStore } from './postgres-store';

/**
 * The monitor store contract on PostgreSQL, in a schema of its own (`tc_monitor_<random>`) dropped at
 * the end. Without a server it is skipped with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const connectionString =
  process.env.TRACECHECK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `tc_monitor_${randomBytes(6).toString('hex')}`;

async function checkDatabase(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
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
  if (process.env.TRACECHECK_REQUIRE_SERVICES === '1') throw new Error(advice);
  console.warn(`\n⚠ SKIPPING the PostgreSQL monitor store tests: ${advice}\n`);
}

describe.skipIf(unreachable !== undefined)('PostgreSQL monitor store', () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
  });

  describeMonitorStore(`PostgreSQL (schema ${schema})`, ({ now }) =>
    createPostgresStore({ connectionString, schema, now }),
  );
});
