import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDialect } from './pglite-dialect';

interface Tables {
  items: { id: string; bytes: Uint8Array | null; amount: string | number | bigint };
}

describe('createPgliteDialect', () => {
  let pglite: PGlite;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<Tables>({ dialect: createPgliteDialect(pglite) });
    await sql`create table items (id text primary key, bytes bytea, amount bigint not null)`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('gives the single connection to one transaction at a time: others wait for its commit', async () => {
    let insideTransaction: () => void = () => {};
    const entered = new Promise<void>((resolve) => {
      insideTransaction = resolve;
    });
    let finishTransaction: () => void = () => {};
    const mayFinish = new Promise<void>((resolve) => {
      finishTransaction = resolve;
    });
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 'tx', bytes: null, amount: 1 }).execute();
      insideTransaction();
      await mayFinish;
      await trx.insertInto('items').values({ id: 'tx-2', bytes: null, amount: 2 }).execute();
    });
    await entered;
    // Issued while the transaction is open: it must see both rows, i.e. run after the commit.
    const outside = db.selectFrom('items').select('id').where('id', 'like', 'tx%').orderBy('id').execute();
    finishTransaction();
    await transaction;
    expect((await outside).map((row) => row.id)).toEqual(['tx', 'tx-2']);
  });

  it('rolls a failed transaction back and keeps serving queries', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 'rolled-back', bytes: null, amount: 1 }).execute();
        await trx.insertInto('items').values({ id: 'rolled-back', bytes: null, amount: 1 }).execute();
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.selectFrom('items').select('id').where('id', '=', 'rolled-back').execute()).toEqual([]);
  });

  it('reports affected rows and round-trips bytea and bigint values', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    await db.insertInto('items').values({ id: 'bytes', bytes, amount: '9007199254740993' }).execute();
    const row = await db.selectFrom('items').selectAll().where('id', '=', 'bytes').executeTakeFirstOrThrow();
    expect(row.bytes).toEqual(bytes);
    expect(String(row.amount)).toBe('9007199254740993');
    const updated = await db
      .updateTable('items')
      .set({ amount: 5 })
      .where('id', 'like', 'tx%')
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
  });

  it('streams a query as one chunk', async () => {
    const chunks = [];
    for await (const row of db.selectFrom('items').select('id').orderBy('id').stream()) chunks.push(row.id);
    expect(chunks).toEqual(['bytes', 'tx', 'tx-2']);
  });
});
