import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations/index';
import { createPostgresStore } from './postgres-store';
import { describeStore } from './store-contract';
import { newRun } from './testing/new-run';
import {
  checkPostgresForTests,
  TEST_DATABASE_URL as connectionString,
  createTestSchemaName,
  dropTestSchemas,
  withTestDatabaseClient,
} from './testing/postgres-test-database';

/**
 * Needs a PostgreSQL server. Each run works in a schema of its own (`tc_test_<random>`), dropped at
 * the end, so runs in parallel do not collide. Without a server the suite is skipped with a warning,
 * unless TRACECHECK_REQUIRE_SERVICES=1 (CI), where it fails.
 */
const schema = createTestSchemaName();
const postgresReachable = await checkPostgresForTests('PostgreSQL store');

describe.skipIf(!postgresReachable)('PostgreSQL store', () => {
  afterAll(async () => {
    await dropTestSchemas(schema);
  });

  describeStore(`PostgreSQL (schema ${schema})`, ({ now }) =>
    createPostgresStore({ connectionString, schema, now }),
  );

  describe('on the server', () => {
    const startSchema = `${schema}_start`;
    beforeAll(async () => {
      await dropTestSchemas(startSchema);
    });
    afterAll(async () => {
      await dropTestSchemas(startSchema);
    });

    it('survives several processes migrating one fresh schema at once, and restarts', async () => {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => createPostgresStore({ connectionString, schema: startSchema })),
      );
      const scope = { organizationId: 'org', environmentId: 'env' };
      await stores[0]!.upsertOrganization({ id: 'org', name: 'Org' });
      await stores[1]!.upsertEnvironment(scope, 'Env');
      await stores[2]!.upsertResource(scope, 'Test', 't', { name: 'shared' });
      expect((await stores[3]!.getResource(scope, 'Test', 't'))?.spec.name).toBe('shared');
      await Promise.all(stores.map((store) => store.close()));

      const restarted = await createPostgresStore({ connectionString, schema: startSchema });
      try {
        expect((await restarted.getResource(scope, 'Test', 't'))?.spec.name).toBe('shared');
      } finally {
        await restarted.close();
      }
      const applied = await withTestDatabaseClient((client) =>
        client.query<{ name: string }>(`select name from ${startSchema}.kysely_migration order by name`),
      );
      expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS).sort());
    });

    it('stores a trace as one compressed document with its format', async () => {
      const store = await createPostgresStore({ connectionString, schema: startSchema });
      const scope = { organizationId: 'org-trace', environmentId: 'env' };
      try {
        await store.upsertOrganization({ id: scope.organizationId, name: 'Org' });
        await store.upsertEnvironment(scope, 'Env');
        const run = await store.createRun(scope, newRun({ testId: 't' }));
        // Like OTLP protobuf: the same attribute keys and values over and over.
        const trace = new TextEncoder().encode(
          'http.request.method GET service.name checkout '.repeat(20_000),
        );
        await store.saveRunTrace(scope, run.id, trace);
        const stored = await withTestDatabaseClient((client) =>
          client.query(
            `select format, size_bytes::text as size, octet_length(document) as stored
             from ${startSchema}.run_traces where run_id = $1`,
            [run.id],
          ),
        );
        expect(stored.rows).toHaveLength(1);
        expect(stored.rows[0]).toMatchObject({
          format: 'otlp-protobuf+gzip',
          size: String(trace.byteLength),
        });
        expect(stored.rows[0].stored).toBeLessThan(trace.byteLength / 50);
      } finally {
        await store.close();
      }
    });

    it.each([
      ['an unsafe schema name', { connectionString, schema: 'Robert"; drop table x' }, 'CONFIG_INVALID'],
      [
        'an unreachable server',
        { connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: startSchema },
        'SERVER_UNREACHABLE',
      ],
    ])('rejects %s with a clear error', async (_, options, code) => {
      await expect(createPostgresStore(options)).rejects.toMatchObject({ code });
    });
  });
});
