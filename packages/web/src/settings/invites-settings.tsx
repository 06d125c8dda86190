/**
 * Invites of the organization: create one (by email, or a shareable link with a use limit), with a
 * role, environment roles and an expiry; the code and link are shown once. Pending invites can be
 * resent (a new code replaces the old one) or revoked.
 */
import { useState } from 'react';
import { describeFailure } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { CreatedInviteView, InviteView, OrganizationRoleView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ConfirmButton } from '../components/confirm-button';
import { usePendingAction } from '../components/use-pending-action';
import { SelectField, TextField } from '../editor/form-fields';
import { formatTimestamp } from '../format/format-time';
import {
  checkInviteDraft,
  ENVIRONMENT_ROLE_OPTIONS,
  type InviteDraft,
  type InviteDraftProblems,
} from './admin-drafts';
import { AdminNotReady } from './admin-error';
import { inviteLinkOf } from './admin-lists';
import { type AdminScope, assignableRoles } from './admin-scope';
import { AdminTable } from './admin-table';
import { CreateFormActions } from './create-form-actions';
import { ExpiryField } from './expiry-field';
import { SecretOnce } from './secret-once';

const ROLE_OPTIONS: Readonly<Record<OrganizationRoleView, string>> = {
  owner: 'Owner: everything, including deleting the organization',
  admin: 'Admin: members, tokens, environments and every environment',
  member: 'Member: the environments given below',
  biller: 'Biller: billing only',
};

function describeInvitee(invite: InviteView): string {
  return invite.kind === 'email' ? (invite.email ?? 'email invite') : 'Shareable link';
}

function initialDraft(scope: AdminScope): InviteDraft {
  return {
    by: 'email',
    email: '',
    role: 'member',
    // A member sees nothing without an environment role: start with runner in the current environment.
    environmentRoles: scope.environmentId === undefined ? {} : { [scope.environmentId]: 'runner' },
    expiry: { preset: '7d', date: '' },
    maxUses: '',
  };
}

function InviteForm({
  scope,
  onCreated,
}: {
  readonly scope: AdminScope;
  readonly onCreated: (created: CreatedInviteView) => void;
}) {
  const api = useApi();
  const [draft, setDraft] = useState<InviteDraft>(() => initialDraft(scope));
  const [problems, setProblems] = useState<InviteDraftProblems>({});
  const pending = usePendingAction();
  const update = (change: Partial<InviteDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setProblems({});
  };
  const roleIsWide = draft.role === 'owner' || draft.role === 'admin';
  return (
    <form
      className="editor-form"
      aria-label="New invite"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const checked = checkInviteDraft(draft, new Date());
        if ('problems' in checked) {
          setProblems(checked.problems);
          return;
        }
        pending.run(api.createInvite(scope.organizationId, checked.input), (created) => {
          setDraft({ ...initialDraft(scope), by: draft.by });
          onCreated(created);
        });
      }}
    >
      <h3>New invite</h3>
      <fieldset className="admin-radio-group">
        <legend>Invite by</legend>
        <label>
          <input
            type="radio"
            name="invite-by"
            checked={draft.by === 'email'}
            onChange={() => update({ by: 'email' })}
          />
          Email address (one person, one use)
        </label>
        <label>
          <input
            type="radio"
            name="invite-by"
            checked={draft.by === 'link'}
            onChange={() => update({ by: 'link' })}
          />
          Shareable link
        </label>
      </fieldset>
      <div className="form-row">
        {draft.by === 'email' ? (
          <TextField
            label="Email"
            type="text"
            autoComplete="email"
            required
            value={draft.email}
            problem={problems.email}
            onChange={(email) => update({ email })}
            placeholder="name@example.com"
          />
        ) : (
          <TextField
            label="Use limit"
            type="number"
            value={draft.maxUses}
            problem={problems.maxUses}
            onChange={(maxUses) => update({ maxUses })}
            hint="How many people may join with the link; empty for no limit."
          />
        )}
        <SelectField
          label="Organization role"
          className="field-grow"
          value={draft.role}
          options={assignableRoles(scope).map((role) => ({ value: role, label: ROLE_OPTIONS[role] }))}
          onChange={(role) => update({ role })}
        />
        <ExpiryField
          label="Invite expires"
          value={draft.expiry}
          problem={problems.expiry}
          onChange={(expiry) => update({ expiry })}
        />
      </div>
      {roleIsWide ? (
        <p className="muted small">Owners and admins are admin in every environment.</p>
      ) : scope.environments.length > 0 ? (
        <fieldset className="admin-environment-roles">
          <legend>Environment roles</legend>
          {scope.environments.map((environment) => (
            <SelectField
              key={environment.id}
              label={`Role in ${environment.name}`}
              value={draft.environmentRoles[environment.id] ?? ''}
              options={ENVIRONMENT_ROLE_OPTIONS}
              onChange={(role) =>
                update({ environmentRoles: { ...draft.environmentRoles, [environment.id]: role } })
              }
            />
          ))}
        </fieldset>
      ) : null}
      <CreateFormActions label="Create invite" busy={pending.busy} failure={pending.failure} />
    </form>
  );
}

export function InvitesSettings({ scope }: { readonly scope: AdminScope }) {
  const api = useApi();
  const invites = useLoad(() => api.listInvites(scope.organizationId), `invites:${scope.organizationId}`);
  const [secret, setSecret] = useState<{
    readonly title: string;
    readonly created: CreatedInviteView;
  } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const show = (title: string, created: CreatedInviteView) => {
    setSecret({ title, created });
    invites.reload();
  };
  if (invites.status !== 'ready')
    return (
      <AdminNotReady
        state={invites}
        loading="Loading invites…"
        what="manage the invites of this organization"
        onRetry={invites.reload}
      />
    );
  const pending = invites.data.filter((invite) => invite.status === 'pending');
  const others = invites.data.length - pending.length;
  return (
    <>
      <p className="muted">
        An invite holds a code the invitee enters in Settings → Members (the link fills it in). Only its hash
        is stored: copy the code or link when it is shown.
      </p>
      {secret ? (
        <SecretOnce
          title={secret.title}
          entries={[
            { label: 'Invite link', value: inviteLinkOf(window.location.origin, secret.created.code) },
            { label: 'Invite code', value: secret.created.code },
          ]}
          onDone={() => setSecret(null)}
        />
      ) : null}
      <InviteForm
        scope={scope}
        onCreated={(created) =>
          show(
            created.invite.kind === 'link'
              ? 'Shareable invite link created'
              : `Invite for ${describeInvitee(created.invite)} created`,
            created,
          )
        }
      />
      <h3>Pending invites</h3>
      {failure ? (
        <p className="inline-error" role="alert">
          {failure}
        </p>
      ) : null}
      {pending.length === 0 ? (
        <p className="empty-hint">No pending invite.</p>
      ) : (
        <AdminTable
          label="Pending invites"
          columns={['Invitee', 'Role', 'Sent', 'Expires', 'Uses']}
          hiddenColumn="Actions"
        >
          {pending.map((invite) => {
            const who = describeInvitee(invite);
            return (
              <tr key={invite.id}>
                <td>{who}</td>
                <td>{invite.role}</td>
                <td>
                  <time dateTime={invite.sentAt}>{formatTimestamp(invite.sentAt)}</time>
                </td>
                <td>
                  {invite.expiresAt ? (
                    <time dateTime={invite.expiresAt}>{formatTimestamp(invite.expiresAt)}</time>
                  ) : (
                    'Never'
                  )}
                </td>
                <td>
                  {invite.uses}
                  {invite.maxUses === null ? '' : ` of ${invite.maxUses}`}
                </td>
                <td className="actions admin-row-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Resend the invite for ${who}`}
                    onClick={() => {
                      setFailure(null);
                      api.resendInvite(scope.organizationId, invite.id).then(
                        (created) => show(`New code for ${who} (the old one no longer works)`, created),
                        (error: unknown) => setFailure(`Not resent: ${describeFailure(error)}`),
                      );
                    }}
                  >
                    Resend
                  </button>
                  <ConfirmButton
                    small
                    label="Revoke…"
                    accessibleName={`Revoke the invite for ${who}`}
                    title={`Revoke the invite for ${who}?`}
                    consequence="Its code and link stop working at once. People who already joined stay members."
                    confirmLabel="Revoke"
                    onConfirm={async () => {
                      await api.revokeInvite(scope.organizationId, invite.id);
                      invites.reload();
                    }}
                  />
                </td>
              </tr>
            );
          })}
        </AdminTable>
      )}
      {others > 0 ? (
        <p className="muted small">
          {others} used, expired or revoked invite{others === 1 ? '' : 's'} not shown.
        </p>
      ) : null}
    </>
  );
}
