import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL database the integration tests use: `TRACECHECK_TEST_DATABASE_URL`, or a local one. */
export const TEST_DATABASE_URL =
  process.env.TRACECHECK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the PostgreSQL integration tests of `what` can run. Without a server they are skipped with a
 * loud warning, unless TRACECHECK_REQUIRE_SERVICES=1 (CI), where a missing server fails the suite.
 * @example const postgresReachable = await checkPostgresForTests('PostgreSQL store'); describe.skipIf(!postgresReachable)(…)
 */
export async function checkPostgresForTests(what: string): Promise<boolean> {
  let problem: string | undefined;
  try {
    await withTestDatabaseClient((client) => client.query('select 1'));
  } catch (error) {
    problem = error instanceof Error ? error.message || error.name : String(error);
  }
  if (problem === undefined) return true;
  const advice =
    `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${problem}). Start one, e.g. ` +
    '`docker run --rm -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16`, ' +
    'or point TRACECHECK_TEST_DATABASE_URL at a database the tests may create schemas in.';
  if (process.env.TRACECHECK_REQUIRE_SERVICES === '1') {
    throw new Error(`${advice} TRACECHECK_REQUIRE_SERVICES=1 makes this a failure.`);
  }
  console.warn(`\n⚠ SKIPPING the ${what} tests: ${advice}\n`);
  return false;
}

/** A fresh schema name (`<prefix>_<random>`), so test files running in parallel never share one. */
export function createTestSchemaName(prefix = 'tc_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Runs `work` with a client connected to the test database, closing it afterwards. */
export async function withTestDatabaseClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the given test schemas (and everything in them), if they exist. */
export async function dropTestSchemas(...names: string[]): Promise<void> {
  await withTestDatabaseClient(async (client) => {
    for (const name of names) await client.query(`drop schema if exists ${name} cascade`);
  });
}
