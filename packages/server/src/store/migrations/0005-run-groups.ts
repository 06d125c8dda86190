import { type Kysely, type Migration, sql } from 'kysely';

/** Same collation as every id column of 0001: PostgreSQL and PGlite compare ids byte-wise. */
const ID = sql`text collate "C"`;

/**
 * Run groups as stored objects: one row per group with its summary as of the last refresh (counts of
 * its test runs and suite runs by outcome, one verdict, the group's state), and the index that finds
 * the suite runs of a group (the runs of a group already have `runs_group_idx`).
 */
export const createRunGroups: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('run_groups')
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('id', ID, (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
      .addColumn('finished_at', 'timestamptz')
      .addColumn('metadata', 'jsonb', (column) => column.notNull())
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('running', 'integer', (column) => column.notNull())
      .addColumn('passed', 'integer', (column) => column.notNull())
      .addColumn('failed', 'integer', (column) => column.notNull())
      .addColumn('verdict', 'boolean')
      .addPrimaryKeyConstraint('run_groups_pkey', ['organization_id', 'environment_id', 'id'])
      .addForeignKeyConstraint(
        'run_groups_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('run_groups_created_idx')
      .on('run_groups')
      .columns(['organization_id', 'environment_id', 'created_at desc', 'id desc'])
      .execute();
    await db.schema
      .createIndex('run_groups_state_idx')
      .on('run_groups')
      .columns(['organization_id', 'environment_id', 'state', 'created_at desc'])
      .execute();
    await db.schema
      .createIndex('suite_runs_group_idx')
      .on('suite_runs')
      .columns(['organization_id', 'environment_id', 'run_group_id', 'id desc'])
      .execute();
  },
};
