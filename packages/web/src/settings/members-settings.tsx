/**
 * Members of the organization: their roles (changed in place by owners and admins), when they
 * joined, removal with a confirmation; the pending access requests of the environment; and joining
 * another organization with an invite code (the page a shareable invite link opens).
 */
import { useState } from 'react';
import { describeFailure } from '../api/api-client';
import { useApi } from '../api/api-context';
import type {
  EnvironmentRoleView,
  MemberView,
  OrganizationRoleView,
  OrganizationView,
} from '../api/api-types';
import type { LoadState } from '../api/use-load';
import { useLoad } from '../api/use-load';
import { storeScope } from '../auth/auth-scope';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorMessage } from '../components/error-message';
import { usePendingAction } from '../components/use-pending-action';
import { TextField } from '../editor/form-fields';
import { formatTimestamp } from '../format/format-time';
import { ENVIRONMENT_ROLE_OPTIONS } from './admin-drafts';
import { AdminNotReady } from './admin-error';
import { describeMember, readInviteCode } from './admin-lists';
import { type AdminScope, assignableRoles, environmentsManagedBy, isOrganizationAdmin } from './admin-scope';
import { AdminTable } from './admin-table';

const ROLE_LABELS: Readonly<Record<OrganizationRoleView, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  biller: 'Biller',
};

type Outcome = { readonly kind: 'done' | 'failed'; readonly text: string } | null;

function MemberRow({
  member,
  scope,
  environmentNames,
  onChanged,
  onOutcome,
}: {
  readonly member: MemberView;
  readonly scope: AdminScope;
  readonly environmentNames: ReadonlyMap<string, string>;
  readonly onChanged: () => void;
  readonly onOutcome: (outcome: Outcome) => void;
}) {
  const api = useApi();
  const pending = usePendingAction();
  const who = describeMember(member);
  const isSelf = member.userId === scope.userId;
  // Only owners make or unmake owners (the server refuses others).
  const mayEdit = isOrganizationAdmin(scope) && (member.role !== 'owner' || scope.role === 'owner');
  const roles = assignableRoles(scope);
  const environmentRoles = Object.entries(member.environmentRoles);
  // The environment the dashboard works in, when the user administers it: its roles are set here.
  const managedEnvironment = environmentsManagedBy(scope).some(
    (environment) => environment.id === scope.environmentId,
  )
    ? scope.environmentId
    : undefined;
  return (
    <tr>
      <td>
        <strong>{member.name || member.email || member.userId}</strong>
        {isSelf ? <span className="muted small"> (you)</span> : null}
        {member.name && member.email ? <div className="muted small">{member.email}</div> : null}
      </td>
      <td>
        {/* Nobody changes their own role here by a stray keypress: another owner or admin does. */}
        {mayEdit && !isSelf ? (
          <select
            aria-label={`Role of ${who}`}
            value={member.role}
            disabled={pending.busy}
            onChange={(event) => {
              const role = event.target.value as OrganizationRoleView;
              onOutcome(null);
              pending.run(
                api.setMemberRole(scope.organizationId, member.userId, role),
                () => {
                  onOutcome({ kind: 'done', text: `${who} is now ${ROLE_LABELS[role].toLowerCase()}.` });
                  onChanged();
                },
                (failure) =>
                  onOutcome({ kind: 'failed', text: `The role of ${who} did not change: ${failure}` }),
              );
            }}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        ) : (
          ROLE_LABELS[member.role]
        )}
      </td>
      <td>
        {member.role === 'owner' || member.role === 'admin' ? (
          <span className="muted">Admin of every environment</span>
        ) : (
          <>
            {environmentRoles.length === 0 ? (
              <span className="muted">None</span>
            ) : (
              environmentRoles
                .map(
                  ([environmentId, role]) =>
                    `${environmentNames.get(environmentId) ?? environmentId}: ${role}`,
                )
                .join(', ')
            )}
            {managedEnvironment === undefined ? null : (
              <EnvironmentRoleSelect
                member={member}
                who={who}
                scope={scope}
                environmentId={managedEnvironment}
                environmentName={environmentNames.get(managedEnvironment) ?? managedEnvironment}
                onChanged={onChanged}
                onOutcome={onOutcome}
              />
            )}
          </>
        )}
      </td>
      <td>
        <time dateTime={member.createdAt}>{formatTimestamp(member.createdAt)}</time>
      </td>
      <td className="actions">
        {mayEdit && !isSelf ? (
          <ConfirmButton
            small
            label="Remove…"
            accessibleName={`Remove ${who}`}
            title={`Remove ${who} from ${scope.organizationName}?`}
            consequence="They lose their roles in every environment, and the tokens they created are revoked."
            confirmLabel="Remove"
            onConfirm={async () => {
              await api.removeMember(scope.organizationId, member.userId);
              onOutcome({ kind: 'done', text: `Removed ${who}.` });
              onChanged();
            }}
          />
        ) : null}
      </td>
    </tr>
  );
}

/** A member's role in one environment, granted or taken away in place. */
function EnvironmentRoleSelect({
  member,
  who,
  scope,
  environmentId,
  environmentName,
  onChanged,
  onOutcome,
}: {
  readonly member: MemberView;
  readonly who: string;
  readonly scope: AdminScope;
  readonly environmentId: string;
  readonly environmentName: string;
  readonly onChanged: () => void;
  readonly onOutcome: (outcome: Outcome) => void;
}) {
  const api = useApi();
  const pending = usePendingAction();
  return (
    <div className="admin-environment-role">
      <select
        aria-label={`Role of ${who} in ${environmentName}`}
        value={member.environmentRoles[environmentId] ?? ''}
        disabled={pending.busy}
        onChange={(event) => {
          const role = event.target.value === '' ? null : (event.target.value as EnvironmentRoleView);
          onOutcome(null);
          pending.run(
            api.setEnvironmentRole(scope.organizationId, environmentId, member.userId, role),
            () => {
              onOutcome({
                kind: 'done',
                text:
                  role === null
                    ? `${who} no longer has access to ${environmentName}.`
                    : `${who} is now ${role} in ${environmentName}.`,
              });
              onChanged();
            },
            (failure) =>
              onOutcome({
                kind: 'failed',
                text: `The role of ${who} in ${environmentName} did not change: ${failure}`,
              }),
          );
        }}
      >
        {ENVIRONMENT_ROLE_OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.value === ''
              ? `No access to ${environmentName}`
              : `${option.label} in ${environmentName}`}
          </option>
        ))}
      </select>
    </div>
  );
}

/** What an admin may answer to an access request, in the order of its buttons. */
const DECISIONS = [
  { decision: 'approve', label: 'Approve' },
  { decision: 'deny', label: 'Deny' },
] as const;

function AccessRequests({
  scope,
  environmentId,
  names,
}: {
  readonly scope: AdminScope;
  readonly environmentId: string;
  readonly names: ReadonlyMap<string, string>;
}) {
  const api = useApi();
  const requests = useLoad(
    () => api.listAccessRequests(scope.organizationId, environmentId),
    `access-requests:${scope.organizationId}:${environmentId}`,
  );
  const [outcome, setOutcome] = useState<Outcome>(null);
  if (requests.status !== 'ready')
    return (
      <AdminNotReady
        state={requests}
        loading="Loading access requests…"
        what="see the access requests of this environment"
      />
    );
  const pending = requests.data.filter((request) => request.status === 'pending');
  const environmentName =
    scope.environments.find((entry) => entry.id === environmentId)?.name ?? environmentId;
  return (
    <section aria-labelledby="access-requests-title" className="admin-block">
      <h3 id="access-requests-title">Access requests to {environmentName}</h3>
      <OutcomeLine outcome={outcome} />
      {pending.length === 0 ? (
        <p className="muted">No pending request.</p>
      ) : (
        <ul className="admin-request-list">
          {pending.map((request) => {
            const who = names.get(request.userId) ?? request.userId;
            const decide = (decision: 'approve' | 'deny') => {
              setOutcome(null);
              api.decideAccessRequest(scope.organizationId, environmentId, request.id, decision).then(
                () => {
                  setOutcome({
                    kind: 'done',
                    text: `${decision === 'approve' ? 'Approved' : 'Denied'} the request of ${who}.`,
                  });
                  requests.reload();
                },
                (error: unknown) => setOutcome({ kind: 'failed', text: describeFailure(error) }),
              );
            };
            return (
              <li key={request.id}>
                <span>
                  <strong>{who}</strong> asks to be <strong>{request.role}</strong>
                  {request.message ? `: “${request.message}”` : ''}
                </span>
                {DECISIONS.map(({ decision, label }) => (
                  <button
                    key={decision}
                    type="button"
                    className="button button-small"
                    aria-label={`${label} the request of ${who}`}
                    onClick={() => decide(decision)}
                  >
                    {label}
                  </button>
                ))}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function OutcomeLine({ outcome }: { readonly outcome: Outcome }) {
  return (
    <div aria-live="polite">
      {outcome?.kind === 'done' ? (
        <p className="notice notice-success" role="status">
          {outcome.text}
        </p>
      ) : null}
      {outcome?.kind === 'failed' ? (
        <p className="inline-error" role="alert">
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}

/** Joins an organization with an invite code (filled in from `?invite=` of a shareable link). */
function JoinWithInvite() {
  const api = useApi();
  const [code, setCode] = useState(() => readInviteCode(window.location.search));
  const [joined, setJoined] = useState<OrganizationView | null>(null);
  const pending = usePendingAction();
  return (
    <section aria-labelledby="join-invite-title" className="admin-block">
      <h3 id="join-invite-title">Join an organization</h3>
      <form
        className="editor-form admin-inline-form"
        aria-label="Join with an invite code"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = code.trim();
          if (trimmed === '') {
            pending.fail('paste the invite code or open the invite link you were sent');
            return;
          }
          pending.run(api.acceptInvite(trimmed), setJoined);
        }}
      >
        <TextField
          label="Invite code"
          code
          value={code}
          onChange={setCode}
          problem={pending.failure === null ? undefined : { message: pending.failure, severity: 'error' }}
          hint="From an invite link or an admin of the organization."
        />
        <div className="editor-actions">
          <button type="submit" className="button" disabled={pending.busy}>
            {pending.busy ? 'Joining…' : 'Join'}
          </button>
        </div>
      </form>
      {joined ? (
        <div className="notice notice-success" role="status">
          <p>
            You joined <strong>{joined.name}</strong>
            {joined.role ? ` as ${joined.role}` : ''}.
          </p>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              storeScope({ organizationId: joined.id });
              window.location.assign('/settings/members');
            }}
          >
            Work in {joined.name}
          </button>
        </div>
      ) : null}
    </section>
  );
}

export function MembersSettings({
  scope,
}: {
  readonly scope: LoadState<AdminScope> & { reload: () => void };
}) {
  return (
    <>
      {scope.status === 'loading' ? <p className="loading">Loading your organization…</p> : null}
      {scope.status === 'error' ? <ErrorMessage error={scope.error} onRetry={scope.reload} /> : null}
      {scope.status === 'ready' ? <MemberList scope={scope.data} /> : null}
      <JoinWithInvite />
    </>
  );
}

function MemberList({ scope }: { readonly scope: AdminScope }) {
  const api = useApi();
  const members = useLoad(() => api.listMembers(scope.organizationId), `members:${scope.organizationId}`);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const environmentNames = new Map(
    scope.environments.map((environment) => [environment.id, environment.name]),
  );
  if (members.status !== 'ready')
    return (
      <AdminNotReady
        state={members}
        loading="Loading members…"
        what="see the members of this organization"
        onRetry={members.reload}
      />
    );
  const names = new Map(members.data.map((member) => [member.userId, describeMember(member)]));
  const requestEnvironment =
    scope.environmentId !== undefined &&
    environmentsManagedBy(scope).some((environment) => environment.id === scope.environmentId)
      ? scope.environmentId
      : undefined;
  return (
    <>
      <p className="muted">
        People in <strong>{scope.organizationName}</strong>. Owners and admins act as admin in every
        environment; members see the environments they are given a role in. Invite people in Invites.
      </p>
      <OutcomeLine outcome={outcome} />
      <AdminTable
        label="Members"
        columns={['Member', 'Role', 'Environments', 'Joined']}
        hiddenColumn="Actions"
      >
        {members.data.map((member) => (
          <MemberRow
            key={member.userId}
            member={member}
            scope={scope}
            environmentNames={environmentNames}
            onChanged={members.reload}
            onOutcome={setOutcome}
          />
        ))}
      </AdminTable>
      {requestEnvironment === undefined ? null : (
        <AccessRequests scope={scope} environmentId={requestEnvironment} names={names} />
      )}
    </>
  );
}
