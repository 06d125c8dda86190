import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuthSessionsTable, Database } from '../../store/database';

/** `browser`: the session cookie of the dashboard. `cli`: an API token from the CLI browser login. */
export type SessionKind = 'browser' | 'cli';

export interface SessionRecord {
  /** SHA-256 (hex) of the session secret. */
  readonly idHash: string;
  readonly kind: SessionKind;
  readonly userId: string;
  /** The sign-in provider id (`github`, `google`, an OIDC id, `link` for a one-time link). */
  readonly provider: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly idleTimeoutMs: number;
  /** Absolute expiry, whatever the activity. */
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type NewSession = Omit<SessionRecord, 'lastSeenAt'>;

/** A sign-in between the redirect to the provider and its callback. */
export interface SignInAttemptRecord {
  readonly stateHash: string;
  readonly providerId: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** A path of this server to land on after sign-in (`/`), never another origin. */
  readonly returnTo: string;
  /** An invite code presented with the sign-in (sign-up by invite link). */
  readonly inviteCode: string | null;
  /** Set when the CLI started the sign-in: where to send the one-time code, and its PKCE challenge. */
  readonly cli: {
    readonly redirectUri: string;
    readonly codeChallenge: string;
    readonly state: string | null;
  } | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export type OneTimeCodeKind = 'login_link' | 'cli';

export interface OneTimeCodeRecord {
  readonly codeHash: string;
  readonly kind: OneTimeCodeKind;
  readonly userId: string;
  readonly provider: string;
  /** CLI codes: the loopback redirect URI and the PKCE challenge the exchange must match. */
  readonly redirectUri: string | null;
  readonly codeChallenge: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/**
 * Storage of sign-in state, in the control plane's database (migration `0003-sessions`). Consuming
 * methods delete what they return in one statement, so a state or code is used at most once even
 * across API replicas.
 */
export interface SessionStore {
  createSession(session: NewSession): Promise<SessionRecord>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  /** Records activity (idle expiry counts from it). */
  touchSession(idHash: string, at: Date): Promise<void>;
  deleteSession(idHash: string): Promise<boolean>;
  /** Ends every session of a user (removed from an install, signed out everywhere). */
  deleteSessionsOfUser(userId: string): Promise<number>;

  createSignInAttempt(attempt: SignInAttemptRecord): Promise<void>;
  /** Returns and deletes the attempt: a state is good for one callback. */
  consumeSignInAttempt(stateHash: string): Promise<SignInAttemptRecord | undefined>;

  createOneTimeCode(code: OneTimeCodeRecord): Promise<void>;
  /** Returns and deletes the code (of that kind): a second use finds nothing. */
  consumeOneTimeCode(codeHash: string, kind: OneTimeCodeKind): Promise<OneTimeCodeRecord | undefined>;

  /** Deletes expired sessions, attempts and codes; returns how many rows went. */
  deleteExpired(now: Date): Promise<number>;
}

function toSafeNumber(value: string | number | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

function toSession(row: Selectable<AuthSessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    kind: row.kind as SessionKind,
    userId: row.user_id,
    provider: row.provider,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    idleTimeoutMs: toSafeNumber(row.idle_timeout_ms),
    expiresAt: new Date(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/**
 * The `SessionStore` over the control plane's Kysely database (PostgreSQL or PGlite), migrated to
 * `0003-sessions` at least. The caller owns `db`.
 * @example const sessions = createKyselySessionStore(db)
 */
export function createKyselySessionStore(db: Kysely<Database>): SessionStore {
  return {
    async createSession(session) {
      const row = await db
        .insertInto('auth_sessions')
        .values({
          id_hash: session.idHash,
          kind: session.kind,
          user_id: session.userId,
          provider: session.provider,
          created_at: session.createdAt,
          last_seen_at: session.createdAt,
          idle_timeout_ms: session.idleTimeoutMs,
          expires_at: session.expiresAt,
          ip: session.ip,
          user_agent: session.userAgent,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSession(row);
    },

    async getSession(idHash) {
      const row = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row && toSession(row);
    },

    async touchSession(idHash, at) {
      await db
        .updateTable('auth_sessions')
        .set({ last_seen_at: at })
        .where('id_hash', '=', idHash)
        .where('last_seen_at', '<', at)
        .execute();
    },

    async deleteSession(idHash) {
      const result = await db.deleteFrom('auth_sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async deleteSessionsOfUser(userId) {
      const result = await db.deleteFrom('auth_sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async createSignInAttempt(attempt) {
      await db
        .insertInto('auth_sign_in_attempts')
        .values({
          state_hash: attempt.stateHash,
          provider_id: attempt.providerId,
          nonce: attempt.nonce,
          code_verifier: attempt.codeVerifier,
          return_to: attempt.returnTo,
          invite_code: attempt.inviteCode,
          cli_redirect_uri: attempt.cli?.redirectUri ?? null,
          cli_code_challenge: attempt.cli?.codeChallenge ?? null,
          cli_state: attempt.cli?.state ?? null,
          created_at: attempt.createdAt,
          expires_at: attempt.expiresAt,
        })
        .execute();
    },

    async consumeSignInAttempt(stateHash) {
      const row = await db
        .deleteFrom('auth_sign_in_attempts')
        .where('state_hash', '=', stateHash)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        stateHash: row.state_hash,
        providerId: row.provider_id,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        returnTo: row.return_to,
        inviteCode: row.invite_code,
        cli:
          row.cli_redirect_uri !== null && row.cli_code_challenge !== null
            ? {
                redirectUri: row.cli_redirect_uri,
                codeChallenge: row.cli_code_challenge,
                state: row.cli_state,
              }
            : null,
        createdAt: new Date(row.created_at),
        expiresAt: new Date(row.expires_at),
      };
    },

    async createOneTimeCode(code) {
      await db
        .insertInto('auth_one_time_codes')
        .values({
          code_hash: code.codeHash,
          kind: code.kind,
          user_id: code.userId,
          provider: code.provider,
          redirect_uri: code.redirectUri,
          code_challenge: code.codeChallenge,
          created_at: code.createdAt,
          expires_at: code.expiresAt,
        })
        .execute();
    },

    async consumeOneTimeCode(codeHash, kind) {
      const row = await db
        .deleteFrom('auth_one_time_codes')
        .where('code_hash', '=', codeHash)
        .where('kind', '=', kind)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        codeHash: row.code_hash,
        kind: row.kind as OneTimeCodeKind,
        userId: row.user_id,
        provider: row.provider,
        redirectUri: row.redirect_uri,
        codeChallenge: row.code_challenge,
        createdAt: new Date(row.created_at),
        expiresAt: new Date(row.expires_at),
      };
    },

    async deleteExpired(now) {
      // A session also ends when idle for longer than its idle timeout.
      const sessions = await db
        .deleteFrom('auth_sessions')
        .where((eb) =>
          eb.or([
            eb('expires_at', '<=', now),
            eb(sql`last_seen_at + idle_timeout_ms * interval '1 millisecond'`, '<=', now),
          ]),
        )
        .executeTakeFirst();
      const attempts = await db
        .deleteFrom('auth_sign_in_attempts')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      const codes = await db
        .deleteFrom('auth_one_time_codes')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      return Number(sessions.numDeletedRows + attempts.numDeletedRows + codes.numDeletedRows);
    },
  };
}
