/**
 * Members of the organization: their roles (changed in place by owners and admins), when they
 * joined, removal with a confirmation; the pending access requests of the environment; and joining
 * another organization with an invite code (the page a shareable invite link opens).
 */
import { useState } from 'react';
import { ApiError } from '../api/api-client';
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
import { ErrorMessage } from '../components/error-message';
import { TextField } from '../editor/form-fields';
import { formatTimestamp } from '../format/format-time';
import { AdminError } from './admin-error';
import { describeMember, readInviteCode } from './admin-lists';
import { type AdminScope, assignableRoles, environmentsManagedBy, isOrganizationAdmin } from './admin-scope';
import { ConfirmButton } from './confirm-button';

const ROLE_LABELS: Readonly<Record<OrganizationRoleView, string>> = {
  owner: 'Owner',
  admin: 'Admin',
  member: 'Member',
  biller: 'Biller',
};

type Outcome = { readonly kind: 'done' | 'failed'; readonly text: string } | null;

function failureText(error: unknown): string {
  return error instanceof ApiError ? error.detail : String(error);
}

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
  const [busy, setBusy] = useState(false);
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
            disabled={busy}
            onChange={(event) => {
              const role = event.target.value as OrganizationRoleView;
              setBusy(true);
              onOutcome(null);
              api.setMemberRole(scope.organizationId, member.userId, role).then(
                () => {
                  setBusy(false);
                  onOutcome({ kind: 'done', text: `${who} is now ${ROLE_LABELS[role].toLowerCase()}.` });
                  onChanged();
                },
                (error: unknown) => {
                  setBusy(false);
                  onOutcome({
                    kind: 'failed',
                    text: `The role of ${who} did not change: ${failureText(error)}`,
                  });
                },
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

const ENVIRONMENT_ROLE_OPTIONS: readonly {
  readonly value: EnvironmentRoleView | '';
  readonly label: string;
}[] = [
  { value: '', label: 'No access' },
  { value: 'runner', label: 'Runner' },
  { value: 'engineer', label: 'Engineer' },
  { value: 'admin', label: 'Admin' },
];

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
  const [busy, setBusy] = useState(false);
  return (
    <div className="admin-environment-role">
      <select
        aria-label={`Role of ${who} in ${environmentName}`}
        value={member.environmentRoles[environmentId] ?? ''}
        disabled={busy}
        onChange={(event) => {
          const role = event.target.value === '' ? null : (event.target.value as EnvironmentRoleView);
          setBusy(true);
          onOutcome(null);
          api.setEnvironmentRole(scope.organizationId, environmentId, member.userId, role).then(
            () => {
              setBusy(false);
              onOutcome({
                kind: 'done',
                text:
                  role === null
                    ? `${who} no longer has access to ${environmentName}.`
                    : `${who} is now ${role} in ${environmentName}.`,
              });
              onChanged();
            },
            (error: unknown) => {
              setBusy(false);
              onOutcome({
                kind: 'failed',
                text: `The role of ${who} in ${environmentName} did not change: ${failureText(error)}`,
              });
            },
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
  if (requests.status === 'loading') return <p className="loading">Loading access requests…</p>;
  if (requests.status === 'error')
    return <AdminError error={requests.error} what="see the access requests of this environment" />;
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
                (error: unknown) => setOutcome({ kind: 'failed', text: failureText(error) }),
              );
            };
            return (
              <li key={request.id}>
                <span>
                  <strong>{who}</strong> asks to be <strong>{request.role}</strong>
                  {request.message ? `: “${request.message}”` : ''}
                </span>
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Approve the request of ${who}`}
                  onClick={() => decide('approve')}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button button-small"
                  aria-label={`Deny the request of ${who}`}
                  onClick={() => decide('deny')}
                >
                  Deny
                </button>
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
  const [problem, setProblem] = useState<string | null>(null);
  const [joined, setJoined] = useState<OrganizationView | null>(null);
  const [busy, setBusy] = useState(false);
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
            setProblem('paste the invite code or open the invite link you were sent');
            return;
          }
          setBusy(true);
          setProblem(null);
          api.acceptInvite(trimmed).then(
            (organization) => {
              setBusy(false);
              setJoined(organization);
            },
            (error: unknown) => {
              setBusy(false);
              setProblem(failureText(error));
            },
          );
        }}
      >
        <TextField
          label="Invite code"
          code
          value={code}
          onChange={setCode}
          problem={problem === null ? undefined : { message: problem, severity: 'error' }}
          hint="From an invite link or an admin of the organization."
        />
        <div className="editor-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Joining…' : 'Join'}
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
  if (members.status === 'loading') return <p className="loading">Loading members…</p>;
  if (members.status === 'error')
    return (
      <AdminError
        error={members.error}
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
      <div className="table-scroll">
        <table className="data-table compact" aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Environments</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      </div>
      {requestEnvironment === undefined ? null : (
        <AccessRequests scope={scope} environmentId={requestEnvironment} names={names} />
      )}
    </>
  );
}
