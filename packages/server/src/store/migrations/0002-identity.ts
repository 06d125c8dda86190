import { type Kysely, type Migration, sql } from 'kysely';

/** Byte-wise ids, as in 0001 (both adapters compare and sort them the same). */
const ID = sql`text collate "C"`;

/**
 * Identity and access: users and their sign-in identities, memberships with organization roles,
 * environment roles, invites, tokens (hashes only), access requests and the audit log.
 */
export const createIdentityTables: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('organizations').addColumn('personal_user_id', ID).execute();

    await db.schema
      .createTable('users')
      .addColumn('id', ID, (column) => column.primaryKey())
      .addColumn('email', 'text')
      .addColumn('name', 'text')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .execute();

    await db.schema
      .createTable('identities')
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('subject', 'text', (column) => column.notNull())
      .addColumn('user_id', ID, (column) => column.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('last_sign_in_at', 'timestamptz', (column) => column.notNull())
      .addPrimaryKeyConstraint('identities_pkey', ['provider', 'subject'])
      .execute();
    await db.schema.createIndex('identities_user_idx').on('identities').column('user_id').execute();

    await db.schema
      .createTable('memberships')
      .addColumn('organization_id', ID, (column) =>
        column.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('user_id', ID, (column) => column.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addPrimaryKeyConstraint('memberships_pkey', ['organization_id', 'user_id'])
      .addCheckConstraint('memberships_role_check', sql`role in ('owner', 'admin', 'member', 'biller')`)
      .execute();
    await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

    await db.schema
      .createTable('environment_roles')
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('user_id', ID, (column) => column.notNull())
      .addColumn('role', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('environment_roles_pkey', ['organization_id', 'environment_id', 'user_id'])
      .addCheckConstraint('environment_roles_role_check', sql`role in ('admin', 'engineer', 'runner')`)
      .addForeignKeyConstraint(
        'environment_roles_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .addForeignKeyConstraint(
        'environment_roles_membership_fkey',
        ['organization_id', 'user_id'],
        'memberships',
        ['organization_id', 'user_id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();

    await db.schema
      .createTable('invites')
      .addColumn('id', ID, (column) => column.primaryKey())
      .addColumn('organization_id', ID, (column) =>
        column.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('email', 'text')
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('environment_grants', 'jsonb', (column) => column.notNull())
      .addColumn('code_hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_by', ID)
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('sent_at', 'timestamptz', (column) => column.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (column) => column.notNull())
      .addColumn('revoked_at', 'timestamptz')
      .addCheckConstraint('invites_kind_check', sql`kind in ('email', 'link')`)
      .execute();
    await db.schema.createIndex('invites_organization_idx').on('invites').column('organization_id').execute();
    await db.schema.createIndex('invites_email_idx').on('invites').column('email').execute();

    await db.schema
      .createTable('tokens')
      .addColumn('id', ID, (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('organization_id', ID, (column) =>
        column.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('environment_id', ID)
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('display_prefix', 'text', (column) => column.notNull())
      .addColumn('hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_by', ID)
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('expires_at', 'timestamptz')
      .addColumn('revoked_at', 'timestamptz')
      .addColumn('last_used_at', 'timestamptz')
      .addCheckConstraint('tokens_kind_check', sql`kind in ('org', 'env', 'agent')`)
      .addCheckConstraint('tokens_scope_check', sql`(kind = 'org') = (environment_id is null)`)
      // MATCH SIMPLE: organization tokens (no environment) are not checked against environments.
      .addForeignKeyConstraint(
        'tokens_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    await db.schema.createIndex('tokens_organization_idx').on('tokens').column('organization_id').execute();

    await db.schema
      .createTable('access_requests')
      .addColumn('id', ID, (column) => column.primaryKey())
      .addColumn('organization_id', ID, (column) => column.notNull())
      .addColumn('environment_id', ID, (column) => column.notNull())
      .addColumn('user_id', ID, (column) => column.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('message', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('decided_by', ID)
      .addColumn('decided_at', 'timestamptz')
      .addForeignKeyConstraint(
        'access_requests_environment_fkey',
        ['organization_id', 'environment_id'],
        'environments',
        ['organization_id', 'id'],
        (constraint) => constraint.onDelete('cascade'),
      )
      .execute();
    await db.schema
      .createIndex('access_requests_organization_idx')
      .on('access_requests')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'bigint', (column) => column.generatedAlwaysAsIdentity().primaryKey())
      .addColumn('organization_id', ID, (column) =>
        column.notNull().references('organizations.id').onDelete('cascade'),
      )
      .addColumn('environment_id', ID)
      .addColumn('actor_type', 'text', (column) => column.notNull())
      .addColumn('actor_id', 'text', (column) => column.notNull())
      .addColumn('actor_display', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('resource_type', 'text', (column) => column.notNull())
      .addColumn('resource_id', 'text', (column) => column.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('at', 'timestamptz', (column) => column.notNull())
      .addColumn('details', 'jsonb', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('audit_log_organization_idx')
      .on('audit_log')
      .columns(['organization_id', 'id desc'])
      .execute();
  },
};
