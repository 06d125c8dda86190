/**
 * The storage of identity and access: users and their sign-in identities, organizations with
 * memberships, environment roles, invites, tokens, access requests and the audit log. One
 * interface, implemented over the same Kysely database as `Store` (`store.identity`), passing
 * `describeIdentityStore()` on PGlite and PostgreSQL.
 *
 * Secrets never reach this interface in plaintext: tokens and invite codes arrive as SHA-256
 * hashes (hex) computed by the caller (`hashSecret` in identity/tokens.ts).
 */
import type { EnvironmentRecord, OrganizationRecord, Page, PageQuery, Scope } from '../store/store';

/** Roles in an organization. Owners and admins act as environment admin in every environment. */
export type OrganizationRole = 'owner' | 'admin' | 'member' | 'biller';
export const ORGANIZATION_ROLES: readonly OrganizationRole[] = ['owner', 'admin', 'member', 'biller'];

/** Roles in one environment, given to organization members. */
export type EnvironmentRole = 'admin' | 'engineer' | 'runner';
export const ENVIRONMENT_ROLES: readonly EnvironmentRole[] = ['admin', 'engineer', 'runner'];

export interface UserRecord {
  readonly id: string;
  /** The verified email of the last sign-in; null for the local owner of the embedded mode. */
  readonly email: string | null;
  readonly name: string | null;
  readonly createdAt: Date;
}

/** How a user signs in: users are matched by `(provider, subject)`, never by email. */
export interface IdentityRecord {
  /** `github`, `google`, an OIDC issuer URL, or `local` (the embedded mode's owner). */
  readonly provider: string;
  readonly subject: string;
  readonly userId: string;
  readonly email: string | null;
  readonly createdAt: Date;
  readonly lastSignInAt: Date;
}

export interface NewIdentity {
  readonly provider: string;
  readonly subject: string;
  /** Verified email (the SSO layer refuses unverified ones), lower-cased by the store. */
  readonly email: string | null;
  readonly name: string | null;
}

/** An organization as its members see it. */
export interface OrganizationView extends OrganizationRecord {
  /** The user id whose personal organization this is; null for shared ones. */
  readonly personalUserId: string | null;
}

export interface MembershipRecord {
  readonly organizationId: string;
  readonly userId: string;
  readonly role: OrganizationRole;
  readonly createdAt: Date;
}

/** A member with the user's details and their environment roles. */
export interface MemberView extends MembershipRecord {
  readonly email: string | null;
  readonly name: string | null;
  /** Environment id → role (explicit grants; owners/admins act as admin everywhere anyway). */
  readonly environmentRoles: Readonly<Record<string, EnvironmentRole>>;
}

/** What a user may do in an organization: the input of the permission table. */
export interface UserAccess {
  readonly organizationRole: OrganizationRole;
  readonly environmentRoles: Readonly<Record<string, EnvironmentRole>>;
}

export interface FindOrCreateUserOutcome {
  readonly user: UserRecord;
  readonly created: boolean;
  /** Created on sign-up (`created`), found otherwise. */
  readonly personalOrganization: OrganizationView;
}

export type InviteKind = 'email' | 'link';

export interface EnvironmentGrant {
  readonly environmentId: string;
  readonly role: EnvironmentRole;
}

export interface InviteRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly kind: InviteKind;
  /** The invited address (kind `email`, lower-cased); null for links. */
  readonly email: string | null;
  readonly role: OrganizationRole;
  readonly environmentGrants: readonly EnvironmentGrant[];
  readonly createdBy: string | null;
  readonly createdAt: Date;
  /** Last time the invite was (re)sent: creation, then each resend (which replaces the code). */
  readonly sentAt: Date;
  readonly expiresAt: Date | null;
  /** Links: how many accepts are allowed (null: unlimited). Email invites: 1. */
  readonly maxUses: number | null;
  readonly uses: number;
  readonly revokedAt: Date | null;
}

export interface NewInvite {
  readonly organizationId: string;
  readonly kind: InviteKind;
  readonly email: string | null;
  readonly role: OrganizationRole;
  readonly environmentGrants: readonly EnvironmentGrant[];
  /** SHA-256 (hex) of the secret code the invitee presents. */
  readonly codeHash: string;
  readonly createdBy: string | null;
  readonly expiresAt: Date | null;
  readonly maxUses: number | null;
}

/** Why an invite cannot be accepted (checked inside the accepting transaction). */
export type InviteRefusal = 'not_found' | 'revoked' | 'expired' | 'used_up' | 'email_mismatch';

export type AcceptInviteOutcome =
  | { readonly accepted: true; readonly invite: InviteRecord; readonly membership: MembershipRecord }
  | { readonly accepted: false; readonly reason: InviteRefusal };

/** `org`: organization token (roles admin, agent); `env`: environment token; `agent`: agent key. */
export type TokenKind = 'org' | 'env' | 'agent';
export type OrganizationTokenRole = 'admin' | 'agent';
export type TokenRole = OrganizationTokenRole | EnvironmentRole;

export interface TokenRecord {
  readonly id: string;
  readonly kind: TokenKind;
  readonly organizationId: string;
  /** Set for `env` and `agent` tokens. */
  readonly environmentId: string | null;
  /** `org`: admin | agent; `env`: admin | engineer | runner; `agent`: always `agent`. */
  readonly role: TokenRole;
  readonly name: string;
  /** The first characters of the token (`tc_org_AbC1`), to recognise it in lists; not secret. */
  readonly displayPrefix: string;
  /** The user who created it; its permissions never exceed theirs. Null: made by the bootstrap. */
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface NewToken {
  readonly kind: TokenKind;
  readonly organizationId: string;
  readonly environmentId: string | null;
  readonly role: TokenRole;
  readonly name: string;
  readonly displayPrefix: string;
  /** SHA-256 (hex) of the whole token. */
  readonly hash: string;
  readonly createdBy: string | null;
  readonly expiresAt: Date | null;
}

export type AccessRequestStatus = 'pending' | 'approved' | 'denied';

export interface AccessRequestRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly environmentId: string;
  readonly userId: string;
  readonly role: EnvironmentRole;
  readonly message: string;
  readonly status: AccessRequestStatus;
  readonly createdAt: Date;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
}

/** Who did something: a user (session or token of theirs), a token, or the system (bootstrap). */
export interface AuditActor {
  readonly type: 'user' | 'token' | 'system';
  /** User id, token id, or `system`. */
  readonly id: string;
  /** For reading: an email, a token name… */
  readonly display: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly organizationId: string;
  readonly environmentId: string | null;
  readonly actor: AuditActor;
  /** A permission-table action name or an event (`org.members.role_changed`, `token.created`…). */
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly at: Date;
  readonly details: Readonly<Record<string, unknown>>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditQuery extends PageQuery {
  readonly environmentId?: string;
  readonly actorId?: string;
  /** Exact action, or a prefix ending in `.` (`token.`). */
  readonly action?: string;
  readonly resourceType?: string;
  /** Exclusive bounds. */
  readonly after?: Date;
  readonly before?: Date;
}

/**
 * Errors: writes about something missing reject with `TracecheckError` `NOT_FOUND`; duplicates
 * (an environment id taken, a member already there) with `CONFLICT`; reads find nothing.
 */
export interface IdentityStore {
  // Users and identities.
  /**
   * The user signed in as `(provider, subject)`; on first sign-in creates the user, the identity
   * and the user's personal organization (owner) with one environment, `default`, where the user is
   * admin (also added to an older personal organization that has no environment). Updates the identity's email/name on later ones.
   */
  findOrCreateUser(identity: NewIdentity): Promise<FindOrCreateUserOutcome>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  /** The identity `(provider, subject)` if it signed in before (sign-up policies decide only for new ones). */
  findIdentity(provider: string, subject: string): Promise<IdentityRecord | undefined>;
  listIdentities(userId: string): Promise<readonly IdentityRecord[]>;

  // Organizations and environments (environments are the `Store`'s tenancy rows).
  /** Creates an organization with `ownerUserId` as owner (null: no owner, for the bootstrap). */
  createOrganization(input: {
    readonly id?: string;
    readonly name: string;
    readonly ownerUserId: string | null;
  }): Promise<OrganizationView>;
  getOrganization(organizationId: string): Promise<OrganizationView | undefined>;
  /** The organizations `userId` is a member of, with the role. */
  listOrganizationsOfUser(
    userId: string,
  ): Promise<readonly (OrganizationView & { readonly role: OrganizationRole })[]>;
  renameOrganization(organizationId: string, name: string): Promise<OrganizationView | undefined>;
  /** Deletes the organization with everything in it. */
  deleteOrganization(organizationId: string): Promise<boolean>;
  /** `CONFLICT` when the id is taken in that organization, unless `ifMissing` (then the existing one). */
  createEnvironment(
    scope: Scope,
    name: string,
    options?: { readonly ifMissing?: boolean },
  ): Promise<EnvironmentRecord>;
  renameEnvironment(scope: Scope, name: string): Promise<EnvironmentRecord | undefined>;
  /** Deletes the environment with its resources, runs, tokens and roles. */
  deleteEnvironment(scope: Scope): Promise<boolean>;

  // Memberships and roles.
  getAccess(organizationId: string, userId: string): Promise<UserAccess | undefined>;
  listMembers(organizationId: string): Promise<readonly MemberView[]>;
  /** Adds or changes a member's role. */
  setMemberRole(organizationId: string, userId: string, role: OrganizationRole): Promise<MembershipRecord>;
  /** Removes the member, their environment roles and the tokens they created in the organization. */
  removeMember(organizationId: string, userId: string): Promise<boolean>;
  /** Grants (role) or takes away (null) a member's role in one environment. */
  setEnvironmentRole(scope: Scope, userId: string, role: EnvironmentRole | null): Promise<void>;

  // Invites.
  createInvite(invite: NewInvite): Promise<InviteRecord>;
  getInvite(organizationId: string, inviteId: string): Promise<InviteRecord | undefined>;
  findInviteByCode(codeHash: string): Promise<InviteRecord | undefined>;
  listInvites(organizationId: string): Promise<readonly InviteRecord[]>;
  /** Email invites for this address that can still be accepted (for sign-up policies). */
  listPendingInvitesForEmail(email: string): Promise<readonly InviteRecord[]>;
  /**
   * Accepts in one transaction: checks revocation, expiry, uses and (email invites) that `email`
   * matches; then counts the use and gives the membership and environment roles (an existing member
   * keeps a higher organization role).
   */
  acceptInvite(input: {
    readonly codeHash?: string;
    readonly inviteId?: string;
    readonly userId: string;
    readonly email: string | null;
  }): Promise<AcceptInviteOutcome>;
  revokeInvite(organizationId: string, inviteId: string): Promise<InviteRecord | undefined>;
  /** Replaces the code and the sent time (a resend); undefined when missing or revoked. */
  resendInvite(organizationId: string, inviteId: string, codeHash: string): Promise<InviteRecord | undefined>;

  // Tokens.
  createToken(token: NewToken): Promise<TokenRecord>;
  /** Any token by hash, revoked or expired ones included (the caller decides). */
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  listTokens(
    organizationId: string,
    query?: { readonly environmentId?: string },
  ): Promise<readonly TokenRecord[]>;
  getToken(organizationId: string, tokenId: string): Promise<TokenRecord | undefined>;
  revokeToken(organizationId: string, tokenId: string): Promise<TokenRecord | undefined>;
  /** Records a use (`lastUsedAt`); cheap enough to call on every request. */
  touchToken(tokenId: string): Promise<void>;

  // Access requests.
  createAccessRequest(input: {
    readonly scope: Scope;
    readonly userId: string;
    readonly role: EnvironmentRole;
    readonly message: string;
  }): Promise<AccessRequestRecord>;
  listAccessRequests(
    organizationId: string,
    query?: { readonly environmentId?: string; readonly status?: AccessRequestStatus },
  ): Promise<readonly AccessRequestRecord[]>;
  /** Approving grants the requested role. Undefined when missing or already decided. */
  decideAccessRequest(
    organizationId: string,
    requestId: string,
    decision: { readonly approve: boolean; readonly deciderUserId: string | null },
  ): Promise<AccessRequestRecord | undefined>;

  // Audit log.
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first by default. */
  listAudit(organizationId: string, query?: AuditQuery): Promise<Page<AuditEntry>>;

  // Bootstrap.
  /**
   * Runs `work` only when nobody can get in yet (no token and no membership: a fresh database, or
   * one from before identity), in one transaction under a database lock, so that of several
   * processes starting together exactly one does it. `work` gets a store bound to that
   * transaction. Resolves with `work`'s result, or undefined when someone could already get in.
   */
  bootstrapIfEmpty<T>(work: (identity: IdentityStore) => Promise<T>): Promise<T | undefined>;
}
