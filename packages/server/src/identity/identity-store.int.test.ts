import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../store/postgres-store';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
} from '../store/testing/postgres-test-database';
import { bootstrapAdminToken } from './bootstrap';
import { describeIdentityStore } from './identity-store-contract';

/**
 * The identity store on PostgreSQL, in a schema of its own dropped at the end. Without a server
 * the suite is skipped with a warning, unless TRACECHECK_REQUIRE_SERVICES=1.
 */
const schema = createTestSchemaName('tc_identity');
const postgresReachable = await checkPostgresForTests('PostgreSQL identity store');

describe.skipIf(!postgresReachable)('PostgreSQL identity store', () => {
  afterAll(async () => {
    await dropTestSchemas(schema, `${schema}_boot`);
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
