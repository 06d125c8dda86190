import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Every id column sorts byte-wise (`collate "C"`), so PostgreSQL and PGlite order and compare ids
 * the same whatever the database's default collation.
 */
const ID = sql`text collate "C"`;

/** Tenancy, resources with their versions, runs with events, buffered spans and traces, suite runs. */
export const createTables: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('organizations')
      .addColumn('id', ID, (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('environments')
      .addColumn('organization_id', ID, (column) =>
        column.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('id', ID, (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addPrimaryKeyConstraint('environments_pkey', ['organization_id', 'id'])
      .execute();

    await db.schema
      .createTable('resources')
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('id', ID, (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('name', 'text')
      .addColumn('spec', 'jsonb', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
      .addColumn('deleted_at', 'timestamptz')
      .addPrimaryKeyConstraint('resources_pkey', ['organization_id', 'environment_id', 'kind', 'id'])
      .addForeignKeyConstraint(
        'resources_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    // The list sorts: by name (case-insensitive, byte-wise so both adapters agree), creation, update.
    await sql`create index resources_name_idx on resources
      (organization_id, environment_id, kind, lower(name) collate "C", id)`.execute(db);
    await db.schema
      .createIndex('resources_created_idx')
      .on('resources')
      .columns(['organization_id', 'environment_id', 'kind', 'created_at'])
      .execute();
    await db.schema
      .createIndex('resources_updated_idx')
      .on('resources')
      .columns(['organization_id', 'environment_id', 'kind', 'updated_at'])
      .execute();

    await db.schema
      .createTable('resource_versions')
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('id', ID, (column) => column.notNull())
      .addColumn('version', 'integer', (column) => column.notNull())
      .addColumn('spec', 'jsonb', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addPrimaryKeyConstraint('resource_versions_pkey', [
        'organization_id',
        'environment_id',
        'kind',
        'id',
        'version',
      ])
      .addForeignKeyConstraint(
        'resource_versions_resource_fkey',
        ['organization_id', 'environment_id', 'kind', 'id'],
        'resources',
        ['organization_id', 'environment_id', 'kind', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('test_id', ID, (column) => column.notNull())
      .addColumn('test_version', 'integer', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('trace_id', 'text', (column) => column.notNull())
      .addColumn('span_id', 'text', (column) => column.notNull())
      .addColumn('last_error_state', 'text')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('service_triggered_at', 'timestamptz')
      .addColumn('service_trigger_completed_at', 'timestamptz')
      .addColumn('obtained_trace_at', 'timestamptz')
      .addColumn('completed_at', 'timestamptz')
      .addColumn('variable_set_id', ID)
      .addColumn('variables', 'jsonb', (column) => column.notNull())
      .addColumn('required_gates', 'jsonb')
      .addColumn('metadata', 'jsonb', (column) => column.notNull())
      .addColumn('run_group_id', ID)
      .addColumn('test_suite_id', ID)
      .addColumn('test_suite_run_id', 'bigint')
      .addColumn('source', 'text', (column) => column.notNull())
      .addColumn('branch', 'text')
      .addColumn('resolved_trigger', 'jsonb')
      .addColumn('trigger_result', 'jsonb')
      .addColumn('result', 'jsonb')
      .addColumn('outputs', 'jsonb')
      .addColumn('linter', 'jsonb')
      .addColumn('required_gates_result', 'jsonb')
      .addColumn('passed', 'integer', (column) => column.notNull())
      .addColumn('failed', 'integer', (column) => column.notNull())
      .addColumn('verdict', 'boolean')
      .addColumn('last_event_seq', 'integer', (column) => column.notNull())
      // Target of the scoped foreign keys of events, spans and traces, and the index of the plain
      // "runs of this environment, newest first" list.
      .addUniqueConstraint('runs_scope_id_key', ['organization_id', 'environment_id', 'id'])
      .addForeignKeyConstraint(
        'runs_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    const runFilters: Array<[string, string]> = [
      ['runs_test_idx', 'test_id'],
      ['runs_state_idx', 'state'],
      ['runs_source_idx', 'source'],
      ['runs_branch_idx', 'branch'],
      ['runs_group_idx', 'run_group_id'],
      ['runs_suite_run_idx', 'test_suite_run_id'],
    ];
    for (const [name, column] of runFilters) {
      await db.schema
        .createIndex(name)
        .on('runs')
        .columns(['organization_id', 'environment_id', column, 'id desc'])
        .execute();
    }
    await db.schema
      .createIndex('runs_created_idx')
      .on('runs')
      .columns(['organization_id', 'environment_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('run_events')
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('run_id', 'bigint', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('stage', 'text', (column) => column.notNull())
      .addColumn('title', 'text', (column) => column.notNull())
      .addColumn('description', 'text', (column) => column.notNull())
      .addColumn('data', 'jsonb')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addPrimaryKeyConstraint('run_events_pkey', ['run_id', 'seq'])
      .addForeignKeyConstraint(
        'run_events_run_fkey',
        ['organization_id', 'environment_id', 'run_id'],
        'runs',
        ['organization_id', 'environment_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('run_spans')
      .addColumn('id', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('run_id', 'bigint', (column) => column.notNull())
      .addColumn('chunk', 'bytea', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addForeignKeyConstraint(
        'run_spans_run_fkey',
        ['organization_id', 'environment_id', 'run_id'],
        'runs',
        ['organization_id', 'environment_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('run_spans_run_idx').on('run_spans').columns(['run_id', 'id']).execute();

    await db.schema
      .createTable('run_traces')
      .addColumn('run_id', 'bigint', (column) => column.primaryKey())
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('format', 'text', (column) => column.notNull())
      .addColumn('size_bytes', 'bigint', (column) => column.notNull())
      .addColumn('document', 'bytea', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addForeignKeyConstraint(
        'run_traces_run_fkey',
        ['organization_id', 'environment_id', 'run_id'],
        'runs',
        ['organization_id', 'environment_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    // The document is already compressed: spare TOAST a second, useless compression attempt.
    await sql`alter table run_traces alter column document set storage external`.execute(db);

    await db.schema
      .createTable('suite_runs')
      .addColumn('id', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('suite_id', ID, (column) => column.notNull())
      .addColumn('suite_version', 'integer', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('completed_at', 'timestamptz')
      .addColumn('variable_set_id', ID)
      .addColumn('variables', 'jsonb', (column) => column.notNull())
      .addColumn('required_gates', 'jsonb')
      .addColumn('metadata', 'jsonb', (column) => column.notNull())
      .addColumn('run_group_id', ID)
      .addColumn('step_run_ids', 'jsonb', (column) => column.notNull())
      .addColumn('last_error_state', 'text')
      .addUniqueConstraint('suite_runs_scope_id_key', ['organization_id', 'environment_id', 'id'])
      .addForeignKeyConstraint(
        'suite_runs_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('suite_runs_suite_idx')
      .on('suite_runs')
      .columns(['organization_id', 'environment_id', 'suite_id', 'id desc'])
      .execute();
  },
};
