/** Settings of the environment: data store, polling profiles, analyzer and required gates. */
import { useDocumentTitle } from '../components/use-document-title';
import { Link } from '../router/navigation';
import { hrefOf, SETTINGS_SECTIONS, type SettingsSection } from '../router/routes';
import { AnalyzerSettings } from '../settings/analyzer-settings';
import { DataStoreSettings } from '../settings/data-store-settings';
import { PollingSettings } from '../settings/polling-settings';
import { TestRunnerSettings } from '../settings/test-runner-settings';

const TITLES: Readonly<Record<SettingsSection, string>> = {
  datastore: 'Data store',
  polling: 'Polling profiles',
  analyzer: 'Analyzer',
  testrunner: 'Required gates',
};

function Section({ section }: { readonly section: SettingsSection }) {
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
  return (
    <div className="page">
      <h1>Settings</h1>
      <nav aria-label="Settings" className="tab-nav settings-nav">
        {SETTINGS_SECTIONS.map((entry) => (
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
        <Section section={section} />
      </section>
    </div>
  );
}
