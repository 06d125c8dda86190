import { type PGlite, types } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { createMutex } from './mutex';

/**
 * PGlite's own bytea conversion goes through one JS string per byte; Buffer's hex codec does the
 * same work natively, which matters for trace documents of several megabytes.
 */
const BYTEA_SERIALIZERS = {
  [types.BYTEA]: (value: unknown) => {
    if (!(value instanceof Uint8Array)) {
      throw new TypeError(`a bytea parameter must be a Uint8Array, got ${typeof value}`);
    }
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  },
};
const BYTEA_PARSERS = {
  [types.BYTEA]: (text: string) => {
    const bytes = Buffer.from(text.slice(2), 'hex');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};

/**
 * A Kysely dialect over one PGlite instance. PGlite has a single connection, so the driver hands it
 * to one user at a time (a transaction holds it from BEGIN to COMMIT); others wait in turn.
 * `close()` of the Kysely instance waits for the current user and then closes PGlite.
 * @example new Kysely<Database>({ dialect: createPgliteDialect(await PGlite.create()) })
 */
export function createPgliteDialect(pglite: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => createPgliteDriver(pglite),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

function createPgliteDriver(pglite: PGlite): Driver {
  const mutex = createMutex();
  let release: (() => void) | undefined;
  const connection: DatabaseConnection = {
    async executeQuery<Row>(query: CompiledQuery): Promise<QueryResult<Row>> {
      const result = await pglite.query<Row>(query.sql, [...query.parameters], {
        rowMode: 'object',
        serializers: BYTEA_SERIALIZERS,
        parsers: BYTEA_PARSERS,
      });
      return result.affectedRows === undefined
        ? { rows: result.rows }
        : { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) };
    },
    async *streamQuery<Row>(query: CompiledQuery): AsyncIterableIterator<QueryResult<Row>> {
      // PGlite runs in this process and returns whole results: one chunk is the stream.
      yield await connection.executeQuery<Row>(query);
    },
  };
  const execute = (sqlText: string) => connection.executeQuery(CompiledQuery.raw(sqlText));
  return {
    async init() {},
    async acquireConnection() {
      release = await mutex.lock();
      return connection;
    },
    async beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings) {
      const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
      const access = settings.accessMode ? ` ${settings.accessMode}` : '';
      await execute(`start transaction${isolation}${access}`);
    },
    async commitTransaction() {
      await execute('commit');
    },
    async rollbackTransaction() {
      await execute('rollback');
    },
    async releaseConnection() {
      const releaseLock = release;
      release = undefined;
      releaseLock?.();
    },
    async destroy() {
      const releaseLock = await mutex.lock();
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        releaseLock();
      }
    },
  };
}
