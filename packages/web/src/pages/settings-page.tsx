/**
 * Settings of the environment (data store, polling profiles, analyzer, required gates) and of the
 * organization for its admins (members, invites, tokens, audit log).
 */
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import { Link } from '../router/navigation';
import { hrefOf, SETTINGS_SECTIONS, type SettingsSection } from '../router/routes';
import { ADMIN_SECTIONS, type AdminSection, canOpenSection } from '../settings/admin-scope';
import { AnalyzerSettings } from '../settings/analyzer-settings';
import { AuditLogSettings } from '../settings/audit-log-settings';
import { DataStoreSettings } from '../settings/data-store-settings';
import { InvitesSettings } from '../settings/invites-settings';
import { MembersSettings } from '../settings/members-settings';
import { PollingSettings } from '../settings/polling-settings';
import { TestRunnerSettings } from '../settings/test-runner-settings';
import { TokensSettings } from '../settings/tokens-settings';
import { useAdminScope } from '../settings/use-admin-scope';

const TITLES: Readonly<Record<SettingsSection, string>> = {
  datastore: 'Data store',
  polling: 'Polling profiles',
  analyzer: 'Analyzer',
  testrunner: 'Required gates',
  members: 'Members',
  invites: 'Invites',
  tokens: 'API tokens',
  audit: 'Audit log',
};

/** What each admin section lets people do, for the sentence shown when their role does not. */
const ADMIN_PURPOSES: Readonly<Record<AdminSection, string>> = {
  members: 'see the members of this organization',
  invites: 'invite people to this organization',
  tokens: 'manage API tokens',
  audit: 'read the audit log of this organization',
};

function isAdminSection(section: SettingsSection): section is AdminSection {
  return (ADMIN_SECTIONS as readonly string[]).includes(section);
}

type AdminScopeState = ReturnType<typeof useAdminScope>;

/** An admin section once the user's organization and role are known; a plain sentence when not allowed. */
function AdminSectionContent({
  section,
  scope,
}: {
  readonly section: AdminSection;
  readonly scope: AdminScopeState;
}) {
  // Members also holds "Join an organization", useful before belonging to any.
  if (section === 'members') return <MembersSettings scope={scope} />;
  if (scope.status === 'loading') return <p className="loading">Loading your organization…</p>;
  if (scope.status === 'error') return <ErrorMessage error={scope.error} onRetry={scope.reload} />;
  if (!canOpenSection(scope.data, section)) {
    return (
      <p className="notice admin-forbidden" role="status">
        Your role in {scope.data.organizationName} does not allow you to {ADMIN_PURPOSES[section]}. Ask an
        owner or an admin of the organization if you need it.
      </p>
    );
  }
  switch (section) {
    case 'invites':
      return <InvitesSettings scope={scope.data} />;
    case 'tokens':
      return <TokensSettings scope={scope.data} />;
    case 'audit':
      return <AuditLogSettings scope={scope.data} />;
  }
}

function Section({ section, scope }: { readonly section: SettingsSection; readonly scope: AdminScopeState }) {
  if (isAdminSection(section)) return <AdminSectionContent section={section} scope={scope} />;
  switch (section) {
    case 'datastore':
      return <DataStoreSettings />;
    case 'polling':
      return <PollingSettings />;
    case 'analyzer':
      return <AnalyzerSettings />;
    case 'testrunner':
      return <TestRunnerSettings />;
  }
}

export function SettingsPage({ section }: { readonly section: SettingsSection }) {
  useDocumentTitle(`Settings: ${TITLES[section]}`);
  const scope = useAdminScope();
  // Admin sections the user's role does not open are not offered (the server refuses them anyway).
  const offered = SETTINGS_SECTIONS.filter(
    (entry) =>
      entry === section ||
      entry === 'members' ||
      !isAdminSection(entry) ||
      scope.status !== 'ready' ||
      canOpenSection(scope.data, entry),
  );
  return (
    <div className="page">
      <h1>Settings</h1>
      <nav aria-label="Settings" className="tab-nav settings-nav">
        {offered.map((entry) => (
          <Link
            key={entry}
            to={hrefOf({ page: 'settings', section: entry })}
            aria-current={entry === section ? 'page' : undefined}
          >
            {TITLES[entry]}
          </Link>
        ))}
      </nav>
      <section aria-labelledby="settings-section-title" className="settings-section">
        <h2 id="settings-section-title">{TITLES[section]}</h2>
        <Section section={section} scope={scope} />
      </section>
    </div>
  );
}
