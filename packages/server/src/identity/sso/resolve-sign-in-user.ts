import { TracecheckError } from '@tracecheck/core';
import type { IdentityStore, InviteRecord } from '../identity-store';
import type { SignUpPolicy } from './sign-in-config';
import type { VerifiedIdentity } from './sign-in-providers';
import { hashSecret } from './sign-in-secrets';

/** What sign-in needs of the identity store. */
export type SignInUsers = Pick<
  IdentityStore,
  | 'findIdentity'
  | 'findOrCreateUser'
  | 'getUser'
  | 'listPendingInvitesForEmail'
  | 'acceptInvite'
  | 'findInviteByCode'
>;

export interface SignedInUser {
  readonly userId: string;
  /** True when this sign-in created the account (sign-up). */
  readonly created: boolean;
}

function isUsable(invite: InviteRecord, email: string, now: Date): boolean {
  if (invite.revokedAt !== null) return false;
  if (invite.expiresAt !== null && invite.expiresAt.getTime() <= now.getTime()) return false;
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return false;
  return invite.kind === 'link' || invite.email === email;
}

function refusedSignUp(identity: VerifiedIdentity, policy: SignUpPolicy): TracecheckError {
  const why =
    policy.policy === 'domains'
      ? `accounts are open to addresses at ${(policy.domains ?? []).join(', ')} and to invited people`
      : policy.policy === 'github-orgs'
        ? `accounts are open to members of the GitHub organizations ${(policy.organizations ?? []).join(', ')} ` +
          'and to invited people'
        : 'accounts are by invitation only';
  return new TracecheckError(
    'AUTH_FORBIDDEN',
    `${identity.email} has no account here and cannot sign up: ${why}; ask an organization admin for an invite`,
    { reason: 'sign_up_closed' },
  );
}

/**
 * The user of a verified identity, by `(provider, subject)` only (never by email). A known identity
 * signs in whatever the policy; a new one creates an account only when the sign-up policy allows it:
 * an invite for the verified email or a presented invite code always does; otherwise `domains` checks
 * the email's domain and `github-orgs` the user's GitHub organizations. Pending email invites (and the
 * presented code) are accepted on every sign-in. Refusals reject with `AUTH_FORBIDDEN`.
 */
export async function resolveSignInUser(
  users: SignInUsers,
  policy: SignUpPolicy,
  identity: VerifiedIdentity,
  options: { readonly inviteCode: string | null; readonly now: Date },
): Promise<SignedInUser> {
  const known = await users.findIdentity(identity.provider, identity.subject);
  const pending = (await users.listPendingInvitesForEmail(identity.email)).filter((invite) =>
    isUsable(invite, identity.email, options.now),
  );
  const presented =
    options.inviteCode === null ? undefined : await users.findInviteByCode(hashSecret(options.inviteCode));
  const presentedUsable = presented !== undefined && isUsable(presented, identity.email, options.now);
  if (known === undefined && pending.length === 0 && !presentedUsable) {
    const domain = identity.email.slice(identity.email.lastIndexOf('@') + 1);
    const allowed =
      (policy.policy === 'domains' && (policy.domains ?? []).includes(domain)) ||
      (policy.policy === 'github-orgs' &&
        (identity.githubOrganizations ?? []).some((login) =>
          (policy.organizations ?? []).some((allowedLogin) => allowedLogin.toLowerCase() === login),
        ));
    if (!allowed) throw refusedSignUp(identity, policy);
  }
  const outcome = await users.findOrCreateUser({
    provider: identity.provider,
    subject: identity.subject,
    email: identity.email,
    name: identity.name,
  });
  const userId = outcome.user.id;
  for (const invite of pending) {
    await users.acceptInvite({ inviteId: invite.id, userId, email: identity.email });
  }
  if (options.inviteCode !== null && presentedUsable) {
    await users.acceptInvite({ codeHash: hashSecret(options.inviteCode), userId, email: identity.email });
  }
  return { userId, created: outcome.created };
}
