/**
 * API tokens and agent keys: create one (name, access, environment, expiry) and see its plaintext
 * once; list them (prefix, creator, last use, expiry) and revoke them. Organization admins see every
 * token of the organization; environment admins those of their environments.
 */
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { CreatedTokenView, TokenView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ConfirmButton } from '../components/confirm-button';
import { usePendingAction } from '../components/use-pending-action';
import { CheckboxField, SelectField, TextField } from '../editor/form-fields';
import { formatTimestamp } from '../format/format-time';
import {
  checkName,
  type DraftProblem,
  describeTokenAccess,
  type ExpiryChoice,
  resolveExpiry,
  tokenAccessChoicesFor,
} from './admin-drafts';
import { AdminNotReady } from './admin-error';
import { describeMember, sortTokens, tokenStatusOf } from './admin-lists';
import { type AdminScope, environmentsManagedBy, isOrganizationAdmin } from './admin-scope';
import { AdminTable } from './admin-table';
import { CreateFormActions } from './create-form-actions';
import { ExpiryField } from './expiry-field';
import { SecretOnce } from './secret-once';

function TokenForm({
  scope,
  onCreated,
}: {
  readonly scope: AdminScope;
  readonly onCreated: (created: CreatedTokenView) => void;
}) {
  const api = useApi();
  const choices = tokenAccessChoicesFor(isOrganizationAdmin(scope));
  const environments = environmentsManagedBy(scope);
  const [name, setName] = useState('');
  const [accessValue, setAccessValue] = useState(choices[0]?.value ?? 'env:runner');
  const [environmentId, setEnvironmentId] = useState(
    environments.find((environment) => environment.id === scope.environmentId)?.id ??
      environments[0]?.id ??
      '',
  );
  const [expiry, setExpiry] = useState<ExpiryChoice>({ preset: '90d', date: '' });
  const [problems, setProblems] = useState<{ name?: DraftProblem; expiry?: DraftProblem }>({});
  const pending = usePendingAction();
  const access = (choices.find((choice) => choice.value === accessValue) ?? choices[0])?.access;
  const needsEnvironment = access !== undefined && access.kind !== 'org';
  return (
    <form
      className="editor-form"
      aria-label="New token"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const nameProblem = checkName(name, 'token');
        const expiresAt = resolveExpiry(expiry, new Date());
        const found = {
          ...(nameProblem ? { name: nameProblem } : {}),
          ...('problem' in expiresAt ? { expiry: expiresAt.problem } : {}),
        };
        setProblems(found);
        if (access === undefined || nameProblem || 'problem' in expiresAt) return;
        if (needsEnvironment && environmentId === '') {
          pending.fail('this organization has no environment you administer: create one first');
          return;
        }
        const input = {
          name: name.trim(),
          ...(expiresAt.expiresAt === null ? {} : { expiresAt: expiresAt.expiresAt }),
        };
        const created =
          access.kind === 'org'
            ? api.createOrganizationToken(scope.organizationId, { ...input, role: access.role })
            : access.kind === 'env'
              ? api.createEnvironmentToken(scope.organizationId, environmentId, {
                  ...input,
                  role: access.role,
                })
              : api.createAgentKey(scope.organizationId, environmentId, input);
        pending.run(created, (token) => {
          setName('');
          onCreated(token);
        });
      }}
    >
      <h3>New token</h3>
      <div className="form-row">
        <TextField
          label="Token name"
          required
          value={name}
          problem={problems.name}
          placeholder="CI pipeline"
          onChange={(value) => {
            setName(value);
            setProblems({});
          }}
        />
        <SelectField
          label="Access"
          className="field-grow"
          value={accessValue}
          options={choices.map((choice) => ({ value: choice.value, label: choice.label }))}
          onChange={setAccessValue}
        />
        {needsEnvironment ? (
          <SelectField
            label="Environment"
            value={environmentId}
            options={environments.map((environment) => ({ value: environment.id, label: environment.name }))}
            onChange={setEnvironmentId}
          />
        ) : null}
        <ExpiryField
          label="Token expires"
          value={expiry}
          problem={problems.expiry}
          onChange={(value) => {
            setExpiry(value);
            setProblems({});
          }}
        />
      </div>
      <p className="muted small">A token never carries more than you hold: it loses what you lose.</p>
      <CreateFormActions label="Create token" busy={pending.busy} failure={pending.failure} />
    </form>
  );
}

async function loadTokens(
  api: ReturnType<typeof useApi>,
  scope: AdminScope,
): Promise<{ readonly tokens: readonly TokenView[]; readonly names: ReadonlyMap<string, string> }> {
  const tokens = isOrganizationAdmin(scope)
    ? await api.listTokens(scope.organizationId)
    : (
        await Promise.all(
          environmentsManagedBy(scope).map((environment) =>
            api.listEnvironmentTokens(scope.organizationId, environment.id),
          ),
        )
      ).flat();
  // Creators by name when the members can be read; their ids otherwise.
  const members = await api.listMembers(scope.organizationId).catch(() => []);
  return { tokens, names: new Map(members.map((member) => [member.userId, describeMember(member)])) };
}

export function TokensSettings({ scope }: { readonly scope: AdminScope }) {
  const api = useApi();
  const loaded = useLoad(() => loadTokens(api, scope), `tokens:${scope.organizationId}`);
  const [created, setCreated] = useState<CreatedTokenView | null>(null);
  const [showInactive, setShowInactive] = useState(false);
  if (loaded.status !== 'ready')
    return (
      <AdminNotReady
        state={loaded}
        loading="Loading tokens…"
        what="manage the tokens of this organization"
        onRetry={loaded.reload}
      />
    );
  const now = new Date();
  const environmentNames = new Map(
    scope.environments.map((environment) => [environment.id, environment.name]),
  );
  const all = sortTokens(loaded.data.tokens, now);
  const shown = showInactive ? all : all.filter((token) => tokenStatusOf(token, now) === 'active');
  const hidden = all.length - shown.length;
  return (
    <>
      <p className="muted">
        Tokens let the CLI, CI and agents call this server: send one as <code>Authorization: Bearer</code> or
        give it to <code>tracecheck configure --token</code>. Only a hash is stored.
      </p>
      {created ? (
        <SecretOnce
          title={`Token “${created.token.name}” created`}
          entries={[{ label: 'Token', value: created.plaintext }]}
          onDone={() => setCreated(null)}
        />
      ) : null}
      <TokenForm
        scope={scope}
        onCreated={(token) => {
          setCreated(token);
          loaded.reload();
        }}
      />
      <h3>Tokens</h3>
      <CheckboxField
        label="Show revoked and expired tokens"
        checked={showInactive}
        onChange={setShowInactive}
      />
      {shown.length === 0 ? (
        <p className="empty-hint">No token{hidden > 0 ? ' in use' : ''}.</p>
      ) : (
        <AdminTable
          label="Tokens"
          columns={['Name', 'Access', 'Prefix', 'Created by', 'Created', 'Last used', 'Expires']}
          hiddenColumn="Status and actions"
        >
          {shown.map((token) => {
            const status = tokenStatusOf(token, now);
            return (
              <tr key={token.id} className={status === 'active' ? undefined : 'admin-row-inactive'}>
                <td>
                  <strong>{token.name}</strong>
                </td>
                <td>
                  {describeTokenAccess(token)}
                  {token.environmentId === null ? null : (
                    <div className="muted small">
                      {environmentNames.get(token.environmentId) ?? token.environmentId}
                    </div>
                  )}
                </td>
                <td>
                  <code>{token.displayPrefix}…</code>
                </td>
                <td>
                  {token.createdBy === null ? (
                    <span className="muted">the server</span>
                  ) : (
                    (loaded.data.names.get(token.createdBy) ?? token.createdBy)
                  )}
                </td>
                <td>
                  <time dateTime={token.createdAt}>{formatTimestamp(token.createdAt)}</time>
                </td>
                <td>
                  {token.lastUsedAt ? (
                    <time dateTime={token.lastUsedAt}>{formatTimestamp(token.lastUsedAt)}</time>
                  ) : (
                    <span className="muted">Never</span>
                  )}
                </td>
                <td>
                  {token.expiresAt ? (
                    <time dateTime={token.expiresAt}>{formatTimestamp(token.expiresAt)}</time>
                  ) : (
                    'Never'
                  )}
                </td>
                <td className="actions">
                  {status === 'active' ? (
                    <ConfirmButton
                      small
                      label="Revoke…"
                      accessibleName={`Revoke token ${token.name}`}
                      title={`Revoke token “${token.name}”?`}
                      consequence="Calls with it are refused from the next request on. This cannot be undone."
                      confirmLabel="Revoke"
                      onConfirm={async () => {
                        if (isOrganizationAdmin(scope) || token.environmentId === null) {
                          await api.revokeToken(scope.organizationId, token.id);
                        } else {
                          await api.revokeEnvironmentToken(
                            scope.organizationId,
                            token.environmentId,
                            token.id,
                          );
                        }
                        loaded.reload();
                      }}
                    />
                  ) : (
                    <span className={`admin-status admin-status-${status}`}>
                      {status === 'revoked' ? 'Revoked' : 'Expired'}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </AdminTable>
      )}
      {hidden > 0 && !showInactive ? (
        <p className="muted small">
          {hidden} revoked or expired token{hidden === 1 ? '' : 's'} hidden.
        </p>
      ) : null}
    </>
  );
}
