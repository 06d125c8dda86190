import { randomBytes } from 'node:crypto';
import { TracecheckError } from '@tracecheck/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  AccessRequestRecord,
  AccessRequestStatus,
  AuditEntry,
  EnvironmentGrant,
  EnvironmentRole,
  IdentityRecord,
  IdentityStore,
  InviteKind,
  InviteRecord,
  MembershipRecord,
  OrganizationRole,
  OrganizationView,
  TokenKind,
  TokenRecord,
  TokenRole,
  UserRecord,
} from '../identity/identity-store';
import type {
  AccessRequestsTable,
  AuditLogTable,
  Database,
  IdentitiesTable,
  InvitesTable,
  MembershipsTable,
  TokensTable,
  UsersTable,
} from './database';
import { DEFAULT_PAGE_SIZE, type EnvironmentRecord } from './store';

/** Key of the transaction-level advisory lock of `bootstrapIfEmpty` (differs from the migration lock). */
const BOOTSTRAP_LOCK_KEY = 5_310_877_204_113_907n;
/** The largest page of the audit log. */
const MAX_AUDIT_PAGE = 1000;

interface KyselyIdentityStoreOptions {
  readonly now: () => Date;
  /** Random ids (`prefix` + 16 url-safe characters); injected so tests can fix them. */
  readonly generateId?: (prefix: string) => string;
}

function generateRandomId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

/** Runs `work` in a transaction, or directly when `db` already is one (the bootstrap's). */
function transact<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '23505';
}

function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '23503';
}

/** A `.catch` handler: a foreign key violation becomes NOT_FOUND with `message`; anything else is rethrown. */
function notFoundOnForeignKeyViolation(message: string): (error: unknown) => never {
  return (error) => {
    throw isForeignKeyViolation(error)
      ? new TracecheckError('NOT_FOUND', message, undefined, { cause: error })
      : error;
  };
}

function lowerEmail(email: string | null): string | null {
  return email === null ? null : email.trim().toLowerCase();
}

/**
 * The IdentityStore over the migrated Kysely database shared with the `Store` (see identity-store.ts
 * for the contract).
 */
export function createKyselyIdentityStore(
  database: Kysely<Database>,
  options: KyselyIdentityStoreOptions,
): IdentityStore {
  const now = options.now;
  const generateId = options.generateId ?? generateRandomId;

  async function insertOrganization(
    db: Kysely<Database>,
    input: { id: string; name: string; personalUserId: string | null; ownerUserId: string | null },
  ): Promise<OrganizationView> {
    const at = now();
    const row = await db
      .insertInto('organizations')
      .values({ id: input.id, name: input.name, created_at: at, personal_user_id: input.personalUserId })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        throw isUniqueViolation(error)
          ? new TracecheckError(
              'CONFLICT',
              `organization id "${input.id}" is taken: choose another id, or leave it out to get a generated one`,
              undefined,
              { cause: error },
            )
          : error;
      });
    if (input.ownerUserId !== null) {
      await db
        .insertInto('memberships')
        .values({ organization_id: input.id, user_id: input.ownerUserId, role: 'owner', created_at: at })
        .execute();
    }
    return toOrganizationView(row);
  }

  /**
   * A personal organization's first environment: id and name `default`, the user its admin. Added
   * when the organization is created, and to an older personal organization that has none, so a
   * new user's requests have an environment to act in.
   */
  async function ensurePersonalEnvironment(
    db: Kysely<Database>,
    organizationId: string,
    userId: string,
  ): Promise<void> {
    const existing = await db
      .selectFrom('environments')
      .select('id')
      .where('organization_id', '=', organizationId)
      .limit(1)
      .executeTakeFirst();
    if (existing !== undefined) return;
    await db
      .insertInto('environments')
      .values({ organization_id: organizationId, id: 'default', name: 'default', created_at: now() })
      .onConflict((conflict) => conflict.columns(['organization_id', 'id']).doNothing())
      .execute();
    await grantEnvironmentRole(db, organizationId, 'default', userId, 'admin');
  }

  async function readEnvironmentRoles(
    db: Kysely<Database>,
    organizationId: string,
    userId: string,
  ): Promise<Record<string, EnvironmentRole>> {
    const rows = await db
      .selectFrom('environment_roles')
      .select(['environment_id', 'role'])
      .where('organization_id', '=', organizationId)
      .where('user_id', '=', userId)
      .execute();
    const roles: Record<string, EnvironmentRole> = {};
    for (const row of rows) roles[row.environment_id] = row.role as EnvironmentRole;
    return roles;
  }

  async function upsertMembership(
    db: Kysely<Database>,
    organizationId: string,
    userId: string,
    role: OrganizationRole,
  ): Promise<MembershipRecord> {
    const row = await db
      .insertInto('memberships')
      .values({ organization_id: organizationId, user_id: userId, role, created_at: now() })
      .onConflict((conflict) => conflict.columns(['organization_id', 'user_id']).doUpdateSet({ role }))
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(
        notFoundOnForeignKeyViolation(`organization "${organizationId}" or user "${userId}" does not exist`),
      );
    return toMembershipRecord(row);
  }

  async function grantEnvironmentRole(
    db: Kysely<Database>,
    organizationId: string,
    environmentId: string,
    userId: string,
    role: EnvironmentRole,
  ): Promise<void> {
    await db
      .insertInto('environment_roles')
      .values({ organization_id: organizationId, environment_id: environmentId, user_id: userId, role })
      .onConflict((conflict) =>
        conflict.columns(['organization_id', 'environment_id', 'user_id']).doUpdateSet({ role }),
      )
      .execute()
      .catch(
        notFoundOnForeignKeyViolation(
          `environment "${environmentId}" of organization "${organizationId}" does not exist, or ` +
            `user "${userId}" is not a member of the organization: add the member first`,
        ),
      );
  }

  const store: IdentityStore = {
    async findOrCreateUser(identity) {
      return transact(database, async (db) => {
        const at = now();
        const email = lowerEmail(identity.email);
        const found = await db
          .selectFrom('identities')
          .selectAll()
          .where('provider', '=', identity.provider)
          .where('subject', '=', identity.subject)
          .forUpdate()
          .executeTakeFirst();
        if (found) {
          await db
            .updateTable('identities')
            .set({ email, last_sign_in_at: at })
            .where('provider', '=', identity.provider)
            .where('subject', '=', identity.subject)
            .execute();
          const user = await db
            .updateTable('users')
            .set({ email, name: identity.name })
            .where('id', '=', found.user_id)
            .returningAll()
            .executeTakeFirstOrThrow();
          const personal = await db
            .selectFrom('organizations')
            .selectAll()
            .where('personal_user_id', '=', found.user_id)
            .orderBy('created_at')
            .executeTakeFirst();
          const personalOrganization =
            personal === undefined
              ? await insertOrganization(db, {
                  id: generateId('org_'),
                  name: personalOrganizationName(identity.name, email),
                  personalUserId: found.user_id,
                  ownerUserId: found.user_id,
                })
              : toOrganizationView(personal);
          await ensurePersonalEnvironment(db, personalOrganization.id, found.user_id);
          return { user: toUserRecord(user), created: false, personalOrganization };
        }
        const userId = generateId('usr_');
        const user = await db
          .insertInto('users')
          .values({ id: userId, email, name: identity.name, created_at: at })
          .returningAll()
          .executeTakeFirstOrThrow();
        await db
          .insertInto('identities')
          .values({
            provider: identity.provider,
            subject: identity.subject,
            user_id: userId,
            email,
            created_at: at,
            last_sign_in_at: at,
          })
          .execute();
        const personalOrganization = await insertOrganization(db, {
          id: generateId('org_'),
          name: personalOrganizationName(identity.name, email),
          personalUserId: userId,
          ownerUserId: userId,
        });
        await ensurePersonalEnvironment(db, personalOrganization.id, userId);
        return { user: toUserRecord(user), created: true, personalOrganization };
      });
    },

    async getUser(userId) {
      const row = await database.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      return row && toUserRecord(row);
    },

    async findIdentity(provider, subject) {
      const row = await database
        .selectFrom('identities')
        .selectAll()
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row && toIdentityRecord(row);
    },

    async listIdentities(userId) {
      const rows = await database
        .selectFrom('identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .execute();
      return rows.map(toIdentityRecord);
    },

    async createOrganization(input) {
      return transact(database, (db) =>
        insertOrganization(db, {
          id: input.id ?? generateId('org_'),
          name: input.name,
          personalUserId: null,
          ownerUserId: input.ownerUserId,
        }),
      );
    },

    async getOrganization(organizationId) {
      const row = await database
        .selectFrom('organizations')
        .selectAll()
        .where('id', '=', organizationId)
        .executeTakeFirst();
      return row && toOrganizationView(row);
    },

    async listOrganizationsOfUser(userId) {
      const rows = await database
        .selectFrom('memberships')
        .innerJoin('organizations', 'organizations.id', 'memberships.organization_id')
        .select([
          'organizations.id',
          'organizations.name',
          'organizations.created_at',
          'organizations.personal_user_id',
          'memberships.role',
        ])
        .where('memberships.user_id', '=', userId)
        .orderBy('organizations.created_at')
        .orderBy('organizations.id')
        .execute();
      return rows.map((row) => ({ ...toOrganizationView(row), role: row.role as OrganizationRole }));
    },

    async renameOrganization(organizationId, name) {
      const row = await database
        .updateTable('organizations')
        .set({ name })
        .where('id', '=', organizationId)
        .returningAll()
        .executeTakeFirst();
      return row && toOrganizationView(row);
    },

    async deleteOrganization(organizationId) {
      const result = await database
        .deleteFrom('organizations')
        .where('id', '=', organizationId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async createEnvironment(scope, name, createOptions = {}) {
      if (createOptions.ifMissing) {
        await database
          .insertInto('environments')
          .values({ organization_id: scope.organizationId, id: scope.environmentId, name, created_at: now() })
          .onConflict((conflict) => conflict.columns(['organization_id', 'id']).doNothing())
          .execute();
        const existing = await database
          .selectFrom('environments')
          .selectAll()
          .where('organization_id', '=', scope.organizationId)
          .where('id', '=', scope.environmentId)
          .executeTakeFirstOrThrow();
        return toEnvironmentRecord(existing);
      }
      const row = await database
        .insertInto('environments')
        .values({ organization_id: scope.organizationId, id: scope.environmentId, name, created_at: now() })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch((error: unknown) => {
          if (isUniqueViolation(error)) {
            throw new TracecheckError(
              'CONFLICT',
              `environment id "${scope.environmentId}" is taken in organization "${scope.organizationId}": ` +
                'choose another id, or leave it out to get a generated one',
              undefined,
              { cause: error },
            );
          }
          if (isForeignKeyViolation(error)) {
            throw new TracecheckError(
              'NOT_FOUND',
              `organization "${scope.organizationId}" does not exist`,
              undefined,
              { cause: error },
            );
          }
          throw error;
        });
      return toEnvironmentRecord(row);
    },

    async renameEnvironment(scope, name) {
      const row = await database
        .updateTable('environments')
        .set({ name })
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', scope.environmentId)
        .returningAll()
        .executeTakeFirst();
      return row && toEnvironmentRecord(row);
    },

    async deleteEnvironment(scope) {
      // Resource versions, runs and their children cascade from the environment row.
      const result = await database
        .deleteFrom('environments')
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', scope.environmentId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async getAccess(organizationId, userId) {
      const membership = await database
        .selectFrom('memberships')
        .select('role')
        .where('organization_id', '=', organizationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!membership) return undefined;
      return {
        organizationRole: membership.role as OrganizationRole,
        environmentRoles: await readEnvironmentRoles(database, organizationId, userId),
      };
    },

    async listMembers(organizationId) {
      const rows = await database
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select([
          'memberships.organization_id',
          'memberships.user_id',
          'memberships.role',
          'memberships.created_at',
          'users.email',
          'users.name',
        ])
        .where('memberships.organization_id', '=', organizationId)
        .orderBy('memberships.created_at')
        .orderBy('memberships.user_id')
        .execute();
      const grants = await database
        .selectFrom('environment_roles')
        .select(['user_id', 'environment_id', 'role'])
        .where('organization_id', '=', organizationId)
        .execute();
      return rows.map((row) => {
        const environmentRoles: Record<string, EnvironmentRole> = {};
        for (const grant of grants) {
          if (grant.user_id === row.user_id)
            environmentRoles[grant.environment_id] = grant.role as EnvironmentRole;
        }
        return { ...toMembershipRecord(row), email: row.email, name: row.name, environmentRoles };
      });
    },

    async setMemberRole(organizationId, userId, role) {
      return upsertMembership(database, organizationId, userId, role);
    },

    async removeMember(organizationId, userId) {
      return transact(database, async (db) => {
        // Tokens never outlive their creator's membership.
        await db
          .updateTable('tokens')
          .set({ revoked_at: now() })
          .where('organization_id', '=', organizationId)
          .where('created_by', '=', userId)
          .where('revoked_at', 'is', null)
          .execute();
        const result = await db
          .deleteFrom('memberships')
          .where('organization_id', '=', organizationId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },

    async setEnvironmentRole(scope, userId, role) {
      if (role === null) {
        await database
          .deleteFrom('environment_roles')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('user_id', '=', userId)
          .execute();
        return;
      }
      await grantEnvironmentRole(database, scope.organizationId, scope.environmentId, userId, role);
    },

    async createInvite(invite) {
      const at = now();
      const row = await database
        .insertInto('invites')
        .values({
          id: generateId('inv_'),
          organization_id: invite.organizationId,
          kind: invite.kind,
          email: lowerEmail(invite.email),
          role: invite.role,
          environment_grants: JSON.stringify(invite.environmentGrants),
          code_hash: invite.codeHash,
          created_by: invite.createdBy,
          created_at: at,
          sent_at: at,
          expires_at: invite.expiresAt,
          max_uses: invite.kind === 'email' ? 1 : invite.maxUses,
          uses: 0,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(notFoundOnForeignKeyViolation(`organization "${invite.organizationId}" does not exist`));
      return toInviteRecord(row);
    },

    async getInvite(organizationId, inviteId) {
      const row = await database
        .selectFrom('invites')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', inviteId)
        .executeTakeFirst();
      return row && toInviteRecord(row);
    },

    async findInviteByCode(codeHash) {
      const row = await database
        .selectFrom('invites')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return row && toInviteRecord(row);
    },

    async listInvites(organizationId) {
      const rows = await database
        .selectFrom('invites')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toInviteRecord);
    },

    async listPendingInvitesForEmail(email) {
      const at = now();
      const rows = await database
        .selectFrom('invites')
        .selectAll()
        .where('kind', '=', 'email')
        .where('email', '=', lowerEmail(email))
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
        .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
        .orderBy('created_at')
        .execute();
      return rows.map(toInviteRecord);
    },

    async acceptInvite(input) {
      if (input.codeHash === undefined && input.inviteId === undefined) {
        return { accepted: false, reason: 'not_found' };
      }
      return transact(database, async (db) => {
        let query = db.selectFrom('invites').selectAll().forUpdate();
        if (input.codeHash !== undefined) query = query.where('code_hash', '=', input.codeHash);
        if (input.inviteId !== undefined) query = query.where('id', '=', input.inviteId);
        const row = await query.executeTakeFirst();
        if (!row) return { accepted: false, reason: 'not_found' } as const;
        const at = now();
        if (row.revoked_at !== null) return { accepted: false, reason: 'revoked' } as const;
        if (row.expires_at !== null && row.expires_at.getTime() <= at.getTime()) {
          return { accepted: false, reason: 'expired' } as const;
        }
        if (row.max_uses !== null && row.uses >= row.max_uses)
          return { accepted: false, reason: 'used_up' } as const;
        if (row.kind === 'email' && row.email !== lowerEmail(input.email)) {
          return { accepted: false, reason: 'email_mismatch' } as const;
        }
        const updated = await db
          .updateTable('invites')
          .set({ uses: row.uses + 1 })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const existing = await db
          .selectFrom('memberships')
          .selectAll()
          .where('organization_id', '=', row.organization_id)
          .where('user_id', '=', input.userId)
          .executeTakeFirst();
        const invitedRole = row.role as OrganizationRole;
        const membership =
          existing && ROLE_RANK[existing.role as OrganizationRole] >= ROLE_RANK[invitedRole]
            ? toMembershipRecord(existing)
            : await upsertMembership(db, row.organization_id, input.userId, invitedRole);
        const current = await readEnvironmentRoles(db, row.organization_id, input.userId);
        for (const grant of parseGrants(row.environment_grants)) {
          const had = current[grant.environmentId];
          if (had !== undefined && ENV_ROLE_RANK[had] >= ENV_ROLE_RANK[grant.role]) continue;
          // An environment deleted since the invite was made is skipped.
          const exists = await db
            .selectFrom('environments')
            .select('id')
            .where('organization_id', '=', row.organization_id)
            .where('id', '=', grant.environmentId)
            .executeTakeFirst();
          if (exists)
            await grantEnvironmentRole(
              db,
              row.organization_id,
              grant.environmentId,
              input.userId,
              grant.role,
            );
        }
        return { accepted: true, invite: toInviteRecord(updated), membership } as const;
      });
    },

    async revokeInvite(organizationId, inviteId) {
      const row = await database
        .updateTable('invites')
        .set({ revoked_at: now() })
        .where('organization_id', '=', organizationId)
        .where('id', '=', inviteId)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toInviteRecord(row);
    },

    async resendInvite(organizationId, inviteId, codeHash) {
      const row = await database
        .updateTable('invites')
        .set({ code_hash: codeHash, sent_at: now() })
        .where('organization_id', '=', organizationId)
        .where('id', '=', inviteId)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toInviteRecord(row);
    },

    async createToken(token) {
      const row = await database
        .insertInto('tokens')
        .values({
          id: generateId('tok_'),
          kind: token.kind,
          organization_id: token.organizationId,
          environment_id: token.environmentId,
          role: token.role,
          name: token.name,
          display_prefix: token.displayPrefix,
          hash: token.hash,
          created_by: token.createdBy,
          created_at: now(),
          expires_at: token.expiresAt,
          revoked_at: null,
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(
          notFoundOnForeignKeyViolation(
            `organization "${token.organizationId}"${token.environmentId === null ? '' : ` or its environment "${token.environmentId}"`} does not exist`,
          ),
        );
      return toTokenRecord(row);
    },

    async findTokenByHash(hash) {
      const row = await database.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row && toTokenRecord(row);
    },

    async listTokens(organizationId, query = {}) {
      let select = database
        .selectFrom('tokens')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('created_at')
        .orderBy('id');
      if (query.environmentId !== undefined)
        select = select.where('environment_id', '=', query.environmentId);
      return (await select.execute()).map(toTokenRecord);
    },

    async getToken(organizationId, tokenId) {
      const row = await database
        .selectFrom('tokens')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('id', '=', tokenId)
        .executeTakeFirst();
      return row && toTokenRecord(row);
    },

    async revokeToken(organizationId, tokenId) {
      const row = await database
        .updateTable('tokens')
        .set({ revoked_at: now() })
        .where('organization_id', '=', organizationId)
        .where('id', '=', tokenId)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row && toTokenRecord(row);
    },

    async touchToken(tokenId) {
      await database.updateTable('tokens').set({ last_used_at: now() }).where('id', '=', tokenId).execute();
    },

    async createAccessRequest(input) {
      const row = await database
        .insertInto('access_requests')
        .values({
          id: generateId('acc_'),
          organization_id: input.scope.organizationId,
          environment_id: input.scope.environmentId,
          user_id: input.userId,
          role: input.role,
          message: input.message,
          status: 'pending',
          created_at: now(),
          decided_by: null,
          decided_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(
          notFoundOnForeignKeyViolation(
            `environment "${input.scope.environmentId}" of organization "${input.scope.organizationId}" does not exist`,
          ),
        );
      return toAccessRequestRecord(row);
    },

    async listAccessRequests(organizationId, query = {}) {
      let select = database
        .selectFrom('access_requests')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .orderBy('created_at')
        .orderBy('id');
      if (query.environmentId !== undefined)
        select = select.where('environment_id', '=', query.environmentId);
      if (query.status !== undefined) select = select.where('status', '=', query.status);
      return (await select.execute()).map(toAccessRequestRecord);
    },

    async decideAccessRequest(organizationId, requestId, decision) {
      return transact(database, async (db) => {
        const row = await db
          .updateTable('access_requests')
          .set({
            status: decision.approve ? 'approved' : 'denied',
            decided_by: decision.deciderUserId,
            decided_at: now(),
          })
          .where('organization_id', '=', organizationId)
          .where('id', '=', requestId)
          .where('status', '=', 'pending')
          .returningAll()
          .executeTakeFirst();
        if (!row) return undefined;
        if (decision.approve) {
          const member = await db
            .selectFrom('memberships')
            .select('user_id')
            .where('organization_id', '=', organizationId)
            .where('user_id', '=', row.user_id)
            .executeTakeFirst();
          if (!member) {
            throw new TracecheckError(
              'CONFLICT',
              `user "${row.user_id}" is no longer a member of organization "${organizationId}": deny the request, or invite them again`,
            );
          }
          await grantEnvironmentRole(
            db,
            organizationId,
            row.environment_id,
            row.user_id,
            row.role as EnvironmentRole,
          );
        }
        return toAccessRequestRecord(row);
      });
    },

    async appendAudit(entry) {
      const row = await database
        .insertInto('audit_log')
        .values({
          organization_id: entry.organizationId,
          environment_id: entry.environmentId,
          actor_type: entry.actor.type,
          actor_id: entry.actor.id,
          actor_display: entry.actor.display,
          action: entry.action,
          resource_type: entry.resourceType,
          resource_id: entry.resourceId,
          ip: entry.ip,
          user_agent: entry.userAgent,
          at: now(),
          details: JSON.stringify(entry.details),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAuditEntry(row);
    },

    async listAudit(organizationId, query = {}) {
      let filtered = database.selectFrom('audit_log').where('organization_id', '=', organizationId);
      if (query.environmentId !== undefined)
        filtered = filtered.where('environment_id', '=', query.environmentId);
      if (query.actorId !== undefined) filtered = filtered.where('actor_id', '=', query.actorId);
      if (query.resourceType !== undefined)
        filtered = filtered.where('resource_type', '=', query.resourceType);
      if (query.action !== undefined) {
        filtered = query.action.endsWith('.')
          ? filtered.where(sql<boolean>`starts_with(action, ${query.action})`)
          : filtered.where('action', '=', query.action);
      }
      if (query.after !== undefined) filtered = filtered.where('at', '>', query.after);
      if (query.before !== undefined) filtered = filtered.where('at', '<', query.before);
      const direction = query.sortDirection ?? 'desc';
      const take = Math.min(query.take ?? DEFAULT_PAGE_SIZE, MAX_AUDIT_PAGE);
      const [counted, rows] = await Promise.all([
        filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
        filtered
          .selectAll()
          .orderBy('id', direction)
          .limit(take)
          .offset(query.skip ?? 0)
          .execute(),
      ]);
      return { items: rows.map(toAuditEntry), count: Number(counted?.count ?? 0) };
    },

    async bootstrapIfEmpty(work) {
      return transact(database, async (db) => {
        await sql`select pg_advisory_xact_lock(${sql.lit(BOOTSTRAP_LOCK_KEY)})`.execute(db);
        // Nobody can get in yet: no token and no member (a fresh database, or one from before identity).
        const token = await db.selectFrom('tokens').select('id').limit(1).executeTakeFirst();
        const member = await db.selectFrom('memberships').select('user_id').limit(1).executeTakeFirst();
        if (token || member) return undefined;
        return work(createKyselyIdentityStore(db, options));
      });
    },
  };
  return store;
}

const ROLE_RANK: Readonly<Record<OrganizationRole, number>> = { biller: 0, member: 1, admin: 2, owner: 3 };
const ENV_ROLE_RANK: Readonly<Record<EnvironmentRole, number>> = { runner: 0, engineer: 1, admin: 2 };

function personalOrganizationName(name: string | null, email: string | null): string {
  return `${name ?? email ?? 'Personal'}'s organization`;
}

function parseGrants(value: unknown): EnvironmentGrant[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? (parsed as EnvironmentGrant[]) : [];
}

function toUserRecord(row: Selectable<UsersTable>): UserRecord {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
}

function toIdentityRecord(row: Selectable<IdentitiesTable>): IdentityRecord {
  return {
    provider: row.provider,
    subject: row.subject,
    userId: row.user_id,
    email: row.email,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

function toOrganizationView(row: {
  id: string;
  name: string;
  created_at: Date;
  personal_user_id: string | null;
}): OrganizationView {
  return { id: row.id, name: row.name, createdAt: row.created_at, personalUserId: row.personal_user_id };
}

function toEnvironmentRecord(row: {
  organization_id: string;
  id: string;
  name: string;
  created_at: Date;
}): EnvironmentRecord {
  return { organizationId: row.organization_id, id: row.id, name: row.name, createdAt: row.created_at };
}

function toMembershipRecord(row: Selectable<MembershipsTable>): MembershipRecord {
  return {
    organizationId: row.organization_id,
    userId: row.user_id,
    role: row.role as OrganizationRole,
    createdAt: row.created_at,
  };
}

function toInviteRecord(row: Selectable<InvitesTable>): InviteRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    kind: row.kind as InviteKind,
    email: row.email,
    role: row.role as OrganizationRole,
    environmentGrants: parseGrants(row.environment_grants),
    createdBy: row.created_by,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    expiresAt: row.expires_at,
    maxUses: row.max_uses,
    uses: row.uses,
    revokedAt: row.revoked_at,
  };
}

function toTokenRecord(row: Selectable<TokensTable>): TokenRecord {
  return {
    id: row.id,
    kind: row.kind as TokenKind,
    organizationId: row.organization_id,
    environmentId: row.environment_id,
    role: row.role as TokenRole,
    name: row.name,
    displayPrefix: row.display_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function toAccessRequestRecord(row: Selectable<AccessRequestsTable>): AccessRequestRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    environmentId: row.environment_id,
    userId: row.user_id,
    role: row.role as EnvironmentRole,
    message: row.message,
    status: row.status as AccessRequestStatus,
    createdAt: row.created_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  const details = typeof row.details === 'string' ? (JSON.parse(row.details) as unknown) : row.details;
  return {
    id: Number(row.id),
    organizationId: row.organization_id,
    environmentId: row.environment_id,
    actor: {
      type: row.actor_type as AuditEntry['actor']['type'],
      id: row.actor_id,
      display: row.actor_display,
    },
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    ip: row.ip,
    userAgent: row.user_agent,
    at: row.at,
    details: (details ?? {}) as Record<string, unknown>,
  };
}
