import { TracecheckError } from '@tracecheck/core';
import { type Kysely, Migrator, sql } from 'kysely';
import type { Database } from './database';
import { MIGRATIONS } from './migrations/index';

/**
 * Key of the session advisory lock held while migrating, so processes starting together against one
 * database migrate one after the other (the later ones find nothing left to do). Any constant works
 * that differs from the key Kysely's Migrator takes inside (3853314791062309107).
 */
const MIGRATION_LOCK_KEY = 7_463_204_318_250_211n;

interface MigrateStoreOptions {
  /** Schema of the tables and of Kysely's migration bookkeeping; it is created when missing. */
  readonly schema: string;
}

/**
 * Brings the database to the latest migration. Idempotent: run it at every start. The whole step
 * (schema creation included) runs on one connection under a PostgreSQL advisory lock.
 */
export async function migrateStore(db: Kysely<Database>, options: MigrateStoreOptions): Promise<void> {
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    try {
      await sql`create schema if not exists ${sql.id(options.schema)}`.execute(connection);
      const migrator = new Migrator({
        db: connection,
        provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
        migrationTableSchema: options.schema,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'none';
        throw new TracecheckError(
          'INTERNAL',
          `migrating the database schema "${options.schema}" failed (migration: ${failed}): ` +
            `${error instanceof Error ? error.message : String(error)}; the schema was left at the last ` +
            'successful migration, fix the cause and start again',
          undefined,
          { cause: error },
        );
      }
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    }
  });
}
