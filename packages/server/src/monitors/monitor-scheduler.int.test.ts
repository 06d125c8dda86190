import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { createPostgresStore } from '../store/postgres-store';
import { describeMonitorScheduling } from './monitor-scheduling-contract';

/**
 * Monitor scheduling on PostgreSQL: two replicas, each with its own store (connection pool) on one
 * schema of its own (`tc_monitor_sched_<random>`, dropped at the end). Without a server it is skipped
 * with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const connectionString =
  process.env.TRACECHECK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `tc_monitor_sched_${randomBytes(6).toString('hex')}`;

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
  console.warn(`\n⚠ SKIPPING the PostgreSQL monitor scheduling tests: ${advice}\n`);
}

describe.skipIf(unreachable !== undefined)('PostgreSQL monitor scheduling', () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
  });

  describeMonitorScheduling(`two replicas on PostgreSQL (schema ${schema})`, async (now) => {
    const first = await createPostgresStore({ connectionString, schema, now });
    const second = await createPostgresStore({ connectionString, schema, now });
    return {
      first,
      second,
      close: async () => {
        await Promise.all([first.close(), second.close()]);
      },
    };
  });
});
