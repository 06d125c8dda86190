import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import type { Database } from './database';
import { createKyselyStore } from './kysely-store';
import { migrateStore } from './migrate-store';
import { createPgliteDialect } from './pglite-dialect';
import type { Store, StoreOptions } from './store';

export interface PgliteStoreOptions extends StoreOptions {
  /** Folder of the database files, created when missing; undefined keeps everything in memory. */
  readonly dataDir?: string;
}

/**
 * The embedded store: PostgreSQL compiled to WebAssembly, in this process. One process at a time
 * may open a data folder.
 * @example const store = await createPgliteStore({ dataDir: '.tracecheck/data' })
 */
export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<Store> {
  const pglite = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const db = new Kysely<Database>({ dialect: createPgliteDialect(pglite) });
  try {
    await migrateStore(db, { schema: 'public' });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, { now: options.now ?? (() => new Date()) });
}
