import { TracecheckError } from '@tracecheck/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';
import { createKyselyStore } from './kysely-store';
import { migrateStore } from './migrate-store';
import type { Store, StoreOptions } from './store';

export interface PostgresStoreOptions extends StoreOptions {
  /** e.g. `postgres://user:password@host:5432/database`. */
  readonly connectionString: string;
  /** Schema holding the tables, created when missing; default `public`. */
  readonly schema?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The distributed store on PostgreSQL. Runs the migrations on start (several processes may start at
 * once) and rejects with `SERVER_UNREACHABLE` when the database cannot be reached.
 * @example const store = await createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1/tracecheck' })
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `database schema "${schema}" is not a plain lower-case SQL name: use letters a-z, digits and _ ` +
        '(not first), at most 63 characters',
    );
  }
  // Every connection resolves table names in the configured schema only.
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    options: `-c search_path=${schema}`,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateStore(db, { schema });
  } catch (error) {
    await db.destroy();
    throw isConnectionError(error)
      ? new TracecheckError(
          'SERVER_UNREACHABLE',
          `cannot connect to PostgreSQL at ${describeTarget(options.connectionString)}: ` +
            `${error instanceof Error ? error.message : String(error)}; start the database or fix the connection string`,
          undefined,
          { cause: error },
        )
      : error;
  }
  return createKyselyStore(db, { now: options.now ?? (() => new Date()) });
}

/** Errors of the socket or of the login, as opposed to errors of a statement. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return false;
  // Node socket errors (ECONNREFUSED, ENOTFOUND…) and PostgreSQL classes 08 (connection) and 28
  // (authorization), plus 3D000 (database does not exist).
  return /^E[A-Z]+$/.test(error.code) || /^(08|28)/.test(error.code) || error.code === '3D000';
}

/** The connection string without its password, to quote in messages. */
function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.password = '';
    return url.toString();
  } catch {
    return '(an unparseable connection string)';
  }
}
