import { afterAll, describe } from 'vitest';
import { createPostgresStore } from './postgres-store';
import { describeRunGroupStore } from './run-group-store-contract';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
} from './testing/postgres-test-database';

/**
 * Needs a PostgreSQL server (TRACECHECK_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * The suite works in a schema of its own, dropped at the end. Without a server it is skipped with a
 * warning, unless TRACECHECK_REQUIRE_SERVICES=1 (CI), where it fails.
 */
const schema = createTestSchemaName('tc_test_rg');
const postgresReachable = await checkPostgresForTests('PostgreSQL run-group store');

describe.skipIf(!postgresReachable)('PostgreSQL run groups', () => {
  afterAll(async () => {
    await dropTestSchemas(schema);
  });

  describeRunGroupStore(`PostgreSQL (schema ${schema})`, ({ now }) =>
    createPostgresStore({ connectionString, schema, now }),
  );
});
