/**
 * Sign-in: the page shown when the server answers 401 (SSO buttons, and how to sign in when the
 * dashboard is embedded in `tracecheck start`), and the user menu (who is signed in, the
 * organization and environment to work in, sign out).
 */
import { type ReactNode, useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { EnvironmentView, MeView, SessionView, SignInProviderView } from '../api/api-types';
import { loginUrlReturningTo, readStoredScope, storeScope } from './auth-scope';

/** Shows the sign-in page instead of `children` once any API call is refused with 401. */
export function AuthGate({ children }: { readonly children: ReactNode }) {
  const api = useApi();
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => api.onUnauthorized(() => setSignedOut(true)), [api]);
  return signedOut ? <SignInPage /> : children;
}

export function SignInPage() {
  const api = useApi();
  const [providers, setProviders] = useState<readonly SignInProviderView[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    api.listSignInProviders().then(
      (list) => current && setProviders(list),
      (error: unknown) => {
        if (!current) return;
        setProviders([]);
        setFailure(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      current = false;
    };
  }, [api]);
  const returnTo = `${window.location.pathname}${window.location.search}`;
  return (
    <div className="page sign-in-page">
      <h1>Sign in to Tracecheck</h1>
      <p>The server needs to know who you are before it shows its tests and runs.</p>
      {providers === null ? <p className="loading">Loading the sign-in options…</p> : null}
      {providers !== null && providers.length > 0 ? (
        <ul className="sign-in-providers">
          {providers.map((provider) => (
            <li key={provider.id}>
              <a className="button button-primary" href={loginUrlReturningTo(provider.loginUrl, returnTo)}>
                Sign in with {provider.displayName}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {providers !== null && providers.length === 0 ? (
        <p className="muted">
          No single sign-on provider is configured on this server
          {failure ? ` (${failure})` : ''}.
        </p>
      ) : null}
      <p className="muted small">
        Running Tracecheck on your machine? Use the sign-in link <code>tracecheck start</code> printed, or run{' '}
        <code>tracecheck dashboard</code>.
      </p>
    </div>
  );
}

/** The signed-in user, the organization/environment switcher and "Sign out"; nothing without a session. */
export function UserMenu() {
  const api = useApi();
  const [session, setSession] = useState<SessionView | null>(null);
  const [me, setMe] = useState<MeView | null>(null);
  const [environments, setEnvironments] = useState<readonly EnvironmentView[]>([]);
  const [scope, setScope] = useState(readStoredScope);
  useEffect(() => {
    let current = true;
    api.getSession().then(
      (found) => {
        if (!current || found === null) return;
        setSession(found);
        api.getMe().then(
          (user) => current && setMe(user),
          () => undefined,
        );
      },
      // No sign-in on this server (embedded without accounts): no menu.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api]);
  const organizationId = scope.organizationId ?? me?.organizations[0]?.id;
  useEffect(() => {
    if (organizationId === undefined) return;
    let current = true;
    api.listEnvironments(organizationId).then(
      (list) => current && setEnvironments(list),
      () => current && setEnvironments([]),
    );
    return () => {
      current = false;
    };
  }, [api, organizationId]);
  if (session === null) return null;
  const choose = (next: { organizationId?: string; environmentId?: string }) => {
    setScope(next);
    storeScope(next);
    api.setScope(next);
    // Every page reads its data again in the new scope.
    window.location.reload();
  };
  const who = session.user.name || session.user.email || session.user.id;
  return (
    <div className="user-menu">
      {me && me.organizations.length > 1 ? (
        <label className="scope-select">
          <span className="sr-only">Organization</span>
          <select
            value={organizationId ?? ''}
            onChange={(event) => choose({ organizationId: event.target.value })}
          >
            {me.organizations.map((organization) => (
              <option key={organization.id} value={organization.id}>
                {organization.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {environments.length > 1 ? (
        <label className="scope-select">
          <span className="sr-only">Environment</span>
          <select
            value={scope.environmentId ?? ''}
            onChange={(event) =>
              choose({
                ...(organizationId === undefined ? {} : { organizationId }),
                environmentId: event.target.value,
              })
            }
          >
            {scope.environmentId === undefined ? <option value="">Default environment</option> : null}
            {environments.map((environment) => (
              <option key={environment.id} value={environment.id}>
                {environment.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <details className="user-menu-details">
        <summary aria-label={`Signed in as ${who}`}>{who}</summary>
        <div className="user-menu-panel">
          <p className="small">
            Signed in as <strong>{who}</strong>
            {session.session.provider ? ` with ${session.session.provider}` : ''}
          </p>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              api.signOut().then(
                () => window.location.reload(),
                () => window.location.reload(),
              );
            }}
          >
            Sign out
          </button>
        </div>
      </details>
    </div>
  );
}
