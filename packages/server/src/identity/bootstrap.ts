import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { Scope, Store } from '../store/store';
import { generateToken, hashSecret, parseTokenKind } from './tokens';

/** The local owner of the embedded mode: matched as `(local, owner)`. */
const LOCAL_OWNER = { provider: 'local', subject: 'owner', email: null, name: 'Local owner' } as const;

export interface LocalOwnerToken {
  readonly userId: string;
  /** The admin token in the file (kept from an earlier start, or made now). */
  readonly token: string;
  readonly created: boolean;
}

/**
 * `tracecheck start`: makes sure the local owner exists, owns the embedded organization, and has an
 * organization token (role admin) in `tokenFile` (mode 0600). A valid token already in the file is
 * kept; a missing, revoked or expired one is replaced.
 * @example const { token } = await ensureLocalOwnerToken(store, { scope: LOCAL_SCOPE, tokenFile: '.tracecheck/admin-token' })
 */
export async function ensureLocalOwnerToken(
  store: Store,
  options: { readonly scope: Scope; readonly tokenFile: string; readonly now?: () => Date },
): Promise<LocalOwnerToken> {
  const identity = store.identity;
  const now = options.now ?? (() => new Date());
  const { user } = await identity.findOrCreateUser(LOCAL_OWNER);
  const existingAccess = await identity.getAccess(options.scope.organizationId, user.id);
  if (existingAccess?.organizationRole !== 'owner') {
    await identity.setMemberRole(options.scope.organizationId, user.id, 'owner');
  }
  const existing = (await readFile(options.tokenFile, 'utf8').catch(() => '')).trim();
  if (existing !== '' && parseTokenKind(existing) === 'org') {
    const token = await identity.findTokenByHash(hashSecret(existing));
    const usable =
      token !== undefined &&
      token.organizationId === options.scope.organizationId &&
      token.revokedAt === null &&
      (token.expiresAt === null || token.expiresAt.getTime() > now().getTime());
    if (usable) return { userId: user.id, token: existing, created: false };
  }
  const generated = generateToken('org');
  const token = await identity.createToken({
    kind: 'org',
    organizationId: options.scope.organizationId,
    environmentId: null,
    role: 'admin',
    name: 'local admin (tracecheck start)',
    displayPrefix: generated.displayPrefix,
    hash: generated.hash,
    createdBy: user.id,
    expiresAt: null,
  });
  await identity.appendAudit({
    organizationId: options.scope.organizationId,
    environmentId: null,
    actor: { type: 'system', id: 'system', display: 'tracecheck start' },
    action: 'token.created',
    resourceType: 'token',
    resourceId: token.id,
    ip: null,
    userAgent: null,
    details: { kind: 'org', role: 'admin', name: token.name },
  });
  await writeFile(options.tokenFile, `${generated.plaintext}\n`, { mode: 0o600 });
  // An existing file keeps its mode on write: make sure only the owner reads it.
  await chmod(options.tokenFile, 0o600);
  return { userId: user.id, token: generated.plaintext, created: true };
}

export interface BootstrapOutcome {
  /** The admin organization token: shown once (written to a file or printed), stored as a hash. */
  readonly token: string;
  readonly tokenId: string;
}

/**
 * `tracecheck server`: on the first start against a database nobody can get into yet, creates the
 * organization and environment of `scope` (when missing) and an organization token with role admin.
 * Exactly one of several processes starting together does it (a database lock); the others, and
 * every later start, get undefined.
 * @example const outcome = await bootstrapAdminToken(store, { scope: { organizationId: 'default', environmentId: 'default' } })
 */
export async function bootstrapAdminToken(
  store: Store,
  options: { readonly scope: Scope; readonly organizationName: string; readonly environmentName: string },
): Promise<BootstrapOutcome | undefined> {
  return store.identity.bootstrapIfEmpty(async (identity) => {
    const { organizationId } = options.scope;
    if (!(await identity.getOrganization(organizationId))) {
      await identity.createOrganization({
        id: organizationId,
        name: options.organizationName,
        ownerUserId: null,
      });
    }
    // A database from before identity may already have it.
    await identity.createEnvironment(options.scope, options.environmentName, { ifMissing: true });
    const generated = generateToken('org');
    const token = await identity.createToken({
      kind: 'org',
      organizationId,
      environmentId: null,
      role: 'admin',
      name: 'bootstrap admin (tracecheck server)',
      displayPrefix: generated.displayPrefix,
      hash: generated.hash,
      createdBy: null,
      expiresAt: null,
    });
    await identity.appendAudit({
      organizationId,
      environmentId: null,
      actor: { type: 'system', id: 'system', display: 'tracecheck server bootstrap' },
      action: 'token.created',
      resourceType: 'token',
      resourceId: token.id,
      ip: null,
      userAgent: null,
      details: { kind: 'org', role: 'admin', name: token.name },
    });
    return { token: generated.plaintext, tokenId: token.id };
  });
}
