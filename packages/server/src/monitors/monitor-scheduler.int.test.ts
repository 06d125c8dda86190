import { afterAll, describe } from 'vitest';
import { createPostgresStore } from '../store/postgres-store';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
} from '../store/testing/postgres-test-database';
import { describeMonitorScheduling } from './monitor-scheduling-contract';

/**
 * Monitor scheduling on PostgreSQL: two replicas, each with its own store (connection pool) on one
 * schema of its own (`tc_monitor_sched_<random>`, dropped at the end). Without a server it is skipped
 * with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const schema = createTestSchemaName('tc_monitor_sched');
const postgresReachable = await checkPostgresForTests('PostgreSQL monitor scheduling');

describe.skipIf(!postgresReachable)('PostgreSQL monitor scheduling', () => {
  afterAll(async () => {
    await dropTestSchemas(schema);
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
