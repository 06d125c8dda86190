import { type Kysely, type Migration, sql } from 'kysely';

/** Same collation as every id column of 0001: PostgreSQL and PGlite compare ids byte-wise. */
const ID = sql`text collate "C"`;

/**
 * Monitor runs. A scheduled run is unique per (monitor, tick): creating it is how one replica claims
 * the tick (INSERT … ON CONFLICT DO NOTHING), so every tick runs once across all replicas.
 */
export const createMonitorRuns: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('monitor_runs')
      .addColumn('id', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('monitor_id', ID, (column) => column.notNull())
      .addColumn('execution_type', 'text', (column) => column.notNull())
      .addColumn('scheduled_for', 'timestamptz')
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('completed_at', 'timestamptz')
      .addColumn('created_by', 'text', (column) => column.notNull())
      .addColumn('targets', 'jsonb', (column) => column.notNull())
      .addColumn('verdict', 'boolean')
      .addColumn('last_error', 'text')
      .addColumn('alerts_pending', 'boolean', (column) => column.notNull())
      .addColumn('alerts_lease_until', 'timestamptz')
      .addColumn('alerts', 'jsonb', (column) => column.notNull())
      // The claim of a tick; manual runs have no tick (nulls never conflict).
      .addUniqueConstraint('monitor_runs_tick_key', [
        'organization_id',
        'environment_id',
        'monitor_id',
        'scheduled_for',
      ])
      .addForeignKeyConstraint(
        'monitor_runs_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('monitor_runs_monitor_idx')
      .on('monitor_runs')
      .columns(['organization_id', 'environment_id', 'monitor_id', 'id desc'])
      .execute();
    // The scheduler's sweeps: runs still going, and ended runs whose alerts wait for delivery.
    await sql`create index monitor_runs_unfinished_idx on monitor_runs (id)
      where state in ('CREATED', 'EXECUTING')`.execute(db);
    await sql`create index monitor_runs_alerts_pending_idx on monitor_runs (id)
      where alerts_pending`.execute(db);
    // The scheduler reads the monitors of every scope.
    await sql`create index resources_live_monitors_idx on resources (organization_id, environment_id, id)
      where kind = 'Monitor' and deleted_at is null`.execute(db);
  },
};
