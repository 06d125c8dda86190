import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/store';
import { hashSecret } from './tokens';

/** What the contract passes to the factory: the clock the store must stamp times with. */
export interface OpenIdentityStoreOptions {
  readonly now: () => Date;
}

/**
 * The contract of `store.identity` on every Store adapter. Each test works in organizations of its
 * own (all the tests share one database).
 * @example describeIdentityStore('PGlite', ({ now }) => createPgliteStore({ now }))
 */
export function describeIdentityStore(
  name: string,
  openStore: (options: OpenIdentityStoreOptions) => Promise<Store>,
): void {
  describe(`IdentityStore contract: ${name}`, () => {
    let store: Store;
    let clockMs = Date.UTC(2025, 0, 1, 12, 0, 0, 0);
    const now = () => new Date(clockMs);
    const tick = (ms = 1000) => {
      clockMs += ms;
      return now();
    };
    let next = 0;
    const unique = (prefix: string) => {
      next += 1;
      return `${prefix}-${next}-${Math.random().toString(36).slice(2, 8)}`;
    };

    beforeAll(async () => {
      store = await openStore({ now });
    });
    afterAll(async () => {
      await store?.close();
    });

    async function signUp(label = unique('person')) {
      return store.identity.findOrCreateUser({
        provider: 'github',
        subject: label,
        email: `${label}@Example.com`,
        name: label,
      });
    }

    it('creates a user with a personal organization on first sign-in, finds it by (provider, subject) after', async () => {
      const first = await signUp('alice-contract');
      expect(first.created).toBe(true);
      expect(first.user.email).toBe('alice-contract@example.com');
      expect(first.personalOrganization.personalUserId).toBe(first.user.id);
      expect(await store.identity.getAccess(first.personalOrganization.id, first.user.id)).toEqual({
        organizationRole: 'owner',
        environmentRoles: { default: 'admin' },
      });
      // A personal organization starts with one environment, so the user's requests have a scope.
      expect(
        (await store.listEnvironments(first.personalOrganization.id)).map((environment) => [
          environment.id,
          environment.name,
        ]),
      ).toEqual([['default', 'default']]);
      const again = await store.identity.findOrCreateUser({
        provider: 'github',
        subject: 'alice-contract',
        email: 'new@example.com',
        name: 'Alice',
      });
      expect(again.created).toBe(false);
      expect(again.user.id).toBe(first.user.id);
      expect(again.user.email).toBe('new@example.com');
      expect(again.personalOrganization.id).toBe(first.personalOrganization.id);
      // The same email from another provider is another user: never matched by email.
      const other = await store.identity.findOrCreateUser({
        provider: 'google',
        subject: 'alice-contract',
        email: 'new@example.com',
        name: 'Alice',
      });
      expect(other.created).toBe(true);
      expect(other.user.id).not.toBe(first.user.id);
      expect((await store.identity.findIdentity('github', 'alice-contract'))?.userId).toBe(first.user.id);
      expect(await store.identity.findIdentity('github', 'nobody')).toBeUndefined();
      expect(
        (await store.identity.listIdentities(first.user.id)).map((identity) => identity.provider),
      ).toEqual(['github']);
    });

    it('keeps organizations, environments, memberships and environment roles', async () => {
      const { user } = await signUp();
      const { user: bob } = await signUp();
      const organization = await store.identity.createOrganization({
        id: unique('org'),
        name: 'Shop',
        ownerUserId: user.id,
      });
      await expect(
        store.identity.createOrganization({ id: organization.id, name: 'Again', ownerUserId: null }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const scope = { organizationId: organization.id, environmentId: 'staging' };
      await store.identity.createEnvironment(scope, 'Staging');
      await expect(store.identity.createEnvironment(scope, 'Twice')).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect((await store.identity.createEnvironment(scope, 'Kept', { ifMissing: true })).name).toBe(
        'Staging',
      );
      tick();
      await store.identity.setMemberRole(organization.id, bob.id, 'member');
      await store.identity.setEnvironmentRole(scope, bob.id, 'engineer');
      expect(await store.identity.getAccess(organization.id, bob.id)).toEqual({
        organizationRole: 'member',
        environmentRoles: { staging: 'engineer' },
      });
      await expect(
        store.identity.setEnvironmentRole({ ...scope, environmentId: 'missing' }, bob.id, 'runner'),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const members = await store.identity.listMembers(organization.id);
      expect(members.map((member) => [member.userId, member.role, member.environmentRoles])).toEqual([
        [user.id, 'owner', {}],
        [bob.id, 'member', { staging: 'engineer' }],
      ]);
      expect(
        (await store.identity.listOrganizationsOfUser(bob.id)).map((entry) => [entry.id, entry.role]),
      ).toContainEqual([organization.id, 'member']);
      expect((await store.identity.renameOrganization(organization.id, 'Shop Inc'))?.name).toBe('Shop Inc');
      expect((await store.identity.renameEnvironment(scope, 'Stage'))?.name).toBe('Stage');
      expect(await store.identity.removeMember(organization.id, bob.id)).toBe(true);
      expect(await store.identity.getAccess(organization.id, bob.id)).toBeUndefined();
      expect(await store.identity.deleteEnvironment(scope)).toBe(true);
      expect(await store.getEnvironment(scope)).toBeUndefined();
      expect(await store.identity.deleteOrganization(organization.id)).toBe(true);
      expect(await store.identity.getOrganization(organization.id)).toBeUndefined();
      expect(await store.identity.deleteOrganization(organization.id)).toBe(false);
    });

    it('accepts invites once, within their expiry and uses, for the invited email only', async () => {
      const { user: owner } = await signUp();
      const { user: invitee } = await signUp('invitee-contract');
      const organization = await store.identity.createOrganization({
        name: 'Invites',
        ownerUserId: owner.id,
      });
      const scope = { organizationId: organization.id, environmentId: 'prod' };
      await store.identity.createEnvironment(scope, 'Prod');
      const emailInvite = await store.identity.createInvite({
        organizationId: organization.id,
        kind: 'email',
        email: 'Invitee-Contract@example.com',
        role: 'member',
        environmentGrants: [{ environmentId: 'prod', role: 'runner' }],
        codeHash: hashSecret(unique('code')),
        createdBy: owner.id,
        expiresAt: new Date(clockMs + 3_600_000),
        maxUses: null,
      });
      expect(emailInvite).toMatchObject({ email: 'invitee-contract@example.com', maxUses: 1, uses: 0 });
      expect(
        (await store.identity.listPendingInvitesForEmail('invitee-contract@example.com')).map((i) => i.id),
      ).toEqual([emailInvite.id]);
      const { user: stranger } = await signUp();
      expect(
        await store.identity.acceptInvite({
          inviteId: emailInvite.id,
          userId: stranger.id,
          email: stranger.email,
        }),
      ).toEqual({ accepted: false, reason: 'email_mismatch' });
      const accepted = await store.identity.acceptInvite({
        inviteId: emailInvite.id,
        userId: invitee.id,
        email: invitee.email,
      });
      expect(accepted).toMatchObject({ accepted: true, membership: { role: 'member' } });
      expect(await store.identity.getAccess(organization.id, invitee.id)).toEqual({
        organizationRole: 'member',
        environmentRoles: { prod: 'runner' },
      });
      expect(
        await store.identity.acceptInvite({
          inviteId: emailInvite.id,
          userId: invitee.id,
          email: invitee.email,
        }),
      ).toEqual({ accepted: false, reason: 'used_up' });
      expect(await store.identity.listPendingInvitesForEmail('invitee-contract@example.com')).toEqual([]);

      const code = unique('link-code');
      tick();
      const link = await store.identity.createInvite({
        organizationId: organization.id,
        kind: 'link',
        email: null,
        role: 'admin',
        environmentGrants: [],
        codeHash: hashSecret(code),
        createdBy: owner.id,
        expiresAt: new Date(clockMs + 60_000),
        maxUses: 5,
      });
      expect((await store.identity.findInviteByCode(hashSecret(code)))?.id).toBe(link.id);
      // An existing owner keeps the higher role.
      const again = await store.identity.acceptInvite({
        codeHash: hashSecret(code),
        userId: owner.id,
        email: null,
      });
      expect(again).toMatchObject({ accepted: true, membership: { role: 'owner' } });
      const newCode = unique('resent');
      tick();
      const resent = await store.identity.resendInvite(organization.id, link.id, hashSecret(newCode));
      expect(resent?.sentAt).toEqual(now());
      expect(await store.identity.findInviteByCode(hashSecret(code))).toBeUndefined();
      tick(120_000);
      expect(
        await store.identity.acceptInvite({ codeHash: hashSecret(newCode), userId: invitee.id, email: null }),
      ).toEqual({
        accepted: false,
        reason: 'expired',
      });
      expect((await store.identity.revokeInvite(organization.id, link.id))?.revokedAt).toEqual(now());
      expect(
        await store.identity.acceptInvite({ codeHash: hashSecret(newCode), userId: invitee.id, email: null }),
      ).toEqual({
        accepted: false,
        reason: 'revoked',
      });
      expect(
        await store.identity.acceptInvite({ codeHash: 'nothing', userId: invitee.id, email: null }),
      ).toEqual({
        accepted: false,
        reason: 'not_found',
      });
      expect((await store.identity.listInvites(organization.id)).map((invite) => invite.id)).toEqual([
        emailInvite.id,
        link.id,
      ]);
    });

    it('keeps tokens as hashes with revocation and last use; removing a member revokes their tokens', async () => {
      const { user } = await signUp();
      const organization = await store.identity.createOrganization({ name: 'Tokens', ownerUserId: user.id });
      const scope = { organizationId: organization.id, environmentId: 'env' };
      await store.identity.createEnvironment(scope, 'Env');
      const hash = hashSecret(unique('token'));
      const token = await store.identity.createToken({
        kind: 'env',
        organizationId: organization.id,
        environmentId: 'env',
        role: 'runner',
        name: 'ci',
        displayPrefix: 'tc_env_abcd',
        hash,
        createdBy: user.id,
        expiresAt: null,
      });
      expect(await store.identity.findTokenByHash(hash)).toEqual(token);
      tick();
      await store.identity.touchToken(token.id);
      expect((await store.identity.getToken(organization.id, token.id))?.lastUsedAt).toEqual(now());
      expect(await store.identity.getToken('another-org', token.id)).toBeUndefined();
      expect(
        (await store.identity.listTokens(organization.id, { environmentId: 'env' })).map((t) => t.id),
      ).toEqual([token.id]);
      await expect(
        store.identity.createToken({
          kind: 'env',
          organizationId: organization.id,
          environmentId: 'missing',
          role: 'runner',
          name: 'x',
          displayPrefix: 'tc_env_x',
          hash: hashSecret(unique('t')),
          createdBy: null,
          expiresAt: null,
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await store.identity.revokeToken('another-org', token.id)).toBeUndefined();
      await store.identity.setMemberRole(organization.id, (await signUp()).user.id, 'owner');
      await store.identity.removeMember(organization.id, user.id);
      expect((await store.identity.findTokenByHash(hash))?.revokedAt).toEqual(now());
    });

    it('decides access requests: approving grants the role', async () => {
      const { user: owner } = await signUp();
      const { user: member } = await signUp();
      const organization = await store.identity.createOrganization({
        name: 'Requests',
        ownerUserId: owner.id,
      });
      const scope = { organizationId: organization.id, environmentId: 'env' };
      await store.identity.createEnvironment(scope, 'Env');
      await store.identity.setMemberRole(organization.id, member.id, 'member');
      const request = await store.identity.createAccessRequest({
        scope,
        userId: member.id,
        role: 'engineer',
        message: 'please',
      });
      expect(request.status).toBe('pending');
      const approved = await store.identity.decideAccessRequest(organization.id, request.id, {
        approve: true,
        deciderUserId: owner.id,
      });
      expect(approved).toMatchObject({ status: 'approved', decidedBy: owner.id });
      expect((await store.identity.getAccess(organization.id, member.id))?.environmentRoles).toEqual({
        env: 'engineer',
      });
      expect(
        await store.identity.decideAccessRequest(organization.id, request.id, {
          approve: false,
          deciderUserId: null,
        }),
      ).toBeUndefined();
      expect(await store.identity.listAccessRequests(organization.id, { status: 'pending' })).toEqual([]);
    });

    it('appends and lists the audit log with filters and paging, newest first', async () => {
      const organization = await store.identity.createOrganization({ name: 'Audit', ownerUserId: null });
      const base = {
        organizationId: organization.id,
        environmentId: null,
        actor: { type: 'user' as const, id: 'u1', display: 'u1@example.com' },
        resourceType: 'token',
        resourceId: 't1',
        ip: '127.0.0.1',
        userAgent: 'test',
        details: { n: 1 },
      };
      for (const action of ['token.created', 'token.revoked', 'org.member.removed']) {
        tick();
        await store.identity.appendAudit({ ...base, action });
      }
      const all = await store.identity.listAudit(organization.id);
      expect(all.count).toBe(3);
      expect(all.items.map((entry) => entry.action)).toEqual([
        'org.member.removed',
        'token.revoked',
        'token.created',
      ]);
      expect(all.items[0]).toMatchObject({
        actor: base.actor,
        ip: '127.0.0.1',
        details: { n: 1 },
        at: now(),
      });
      const tokens = await store.identity.listAudit(organization.id, { action: 'token.', take: 1 });
      expect(tokens.count).toBe(2);
      expect(tokens.items.map((entry) => entry.action)).toEqual(['token.revoked']);
      const after = await store.identity.listAudit(organization.id, { after: new Date(clockMs - 500) });
      expect(after.items.map((entry) => entry.action)).toEqual(['org.member.removed']);
      expect((await store.identity.listAudit('nobody')).count).toBe(0);
    });

    it('runs the bootstrap only while nobody can get in', async () => {
      // Earlier tests made members: this database is no longer empty.
      expect(await store.identity.bootstrapIfEmpty(async () => 'ran')).toBeUndefined();
    });
  });
}
