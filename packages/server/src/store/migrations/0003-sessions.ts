import { type Kysely, type Migration, sql } from 'kysely';

const ID = sql`text collate "C"`;

/**
 * Sign-in state (identity/sso): server-side sessions (browser cookies and CLI tokens), sign-in
 * attempts in flight (state, nonce, PKCE verifier) and one-time codes (login links, CLI login codes).
 * Every secret is stored as its SHA-256 hash (hex), never in plaintext.
 */
export const createSessionTables: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('auth_sessions')
      .addColumn('id_hash', ID, (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('user_id', ID, (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('last_seen_at', 'timestamptz', (column) => column.notNull())
      .addColumn('idle_timeout_ms', 'bigint', (column) => column.notNull())
      .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema.createIndex('auth_sessions_user_idx').on('auth_sessions').column('user_id').execute();
    await db.schema
      .createIndex('auth_sessions_expires_idx')
      .on('auth_sessions')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('auth_sign_in_attempts')
      .addColumn('state_hash', ID, (column) => column.primaryKey())
      .addColumn('provider_id', 'text', (column) => column.notNull())
      .addColumn('nonce', 'text', (column) => column.notNull())
      .addColumn('code_verifier', 'text', (column) => column.notNull())
      .addColumn('return_to', 'text', (column) => column.notNull())
      .addColumn('invite_code', 'text')
      .addColumn('cli_redirect_uri', 'text')
      .addColumn('cli_code_challenge', 'text')
      .addColumn('cli_state', 'text')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('auth_sign_in_attempts_expires_idx')
      .on('auth_sign_in_attempts')
      .column('expires_at')
      .execute();

    await db.schema
      .createTable('auth_one_time_codes')
      .addColumn('code_hash', ID, (column) => column.primaryKey())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('user_id', ID, (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('redirect_uri', 'text')
      .addColumn('code_challenge', 'text')
      .addColumn('created_at', 'timestamptz', (column) => column.notNull())
      .addColumn('expires_at', 'timestamptz', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('auth_one_time_codes_expires_idx')
      .on('auth_one_time_codes')
      .column('expires_at')
      .execute();
  },
};
