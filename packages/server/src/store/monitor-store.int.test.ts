import { afterAll, describe } from 'vitest';
import { describeMonitorStore } from './monitor-store-contract';
import { createPostgresStore } from './postgres-store';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
} from './testing/postgres-test-database';

/**
 * The monitor store contract on PostgreSQL, in a schema of its own (`tc_monitor_<random>`) dropped at
 * the end. Without a server it is skipped with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const schema = createTestSchemaName('tc_monitor');
const postgresReachable = await checkPostgresForTests('PostgreSQL monitor store');

describe.skipIf(!postgresReachable)('PostgreSQL monitor store', () => {
  afterAll(async () => {
    await dropTestSchemas(schema);
  });

  describeMonitorStore(`PostgreSQL (schema ${schema})`, ({ now }) =>
    createPostgresStore({ connectionString, schema, now }),
  );
});
