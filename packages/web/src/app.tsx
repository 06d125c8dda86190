/** The app shell: header, navigation and the page of the current URL. */
import { useState } from 'react';
import type { ApiClient } from './api/api-client';
import { ApiProvider } from './api/api-context';
import { readStoredScope } from './auth/auth-scope';
import { AuthGate, UserMenu } from './auth/sign-in';
import { MonitorEditorPage } from './pages/monitor-editor-page';
import { MonitorsPage } from './pages/monitors-page';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';
import { SettingsPage } from './pages/settings-page';
import { SuiteEditorPage } from './pages/suite-editor-page';
import { SuitePage } from './pages/suite-page';
import { SuiteRunPage } from './pages/suite-run-page';
import { SuitesPage } from './pages/suites-page';
import { TestEditorPage } from './pages/test-editor-page';
import { TestPage } from './pages/test-page';
import { TestsPage } from './pages/tests-page';
import { VariableSetEditorPage } from './pages/variable-set-editor-page';
import { VariableSetsPage } from './pages/variable-sets-page';
import { Link, useRoute } from './router/navigation';
import type { Route } from './router/routes';
import { StartRunPage } from './run/start-run-page';
import { ThemeToggle } from './theme/theme-toggle';

function Page({ route }: { readonly route: Route }) {
  switch (route.page) {
    case 'tests':
      return <TestsPage />;
    case 'test':
      return <TestPage testId={route.testId} />;
    case 'run':
      return <RunPage route={route} />;
    case 'runs':
      return <RunsPage filters={route.filters} />;
    case 'start-run':
      return <StartRunPage testId={route.testId} variables={route.variables} />;
    case 'test-editor':
      return <TestEditorPage {...(route.testId === undefined ? {} : { testId: route.testId })} />;
    case 'suites':
      return <SuitesPage />;
    case 'suite':
      return <SuitePage suiteId={route.suiteId} />;
    case 'suite-run':
      return (
        <SuiteRunPage key={`${route.suiteId}/${route.runId}`} suiteId={route.suiteId} runId={route.runId} />
      );
    case 'suite-editor':
      return (
        <SuiteEditorPage
          key={route.suiteId ?? 'new'}
          {...(route.suiteId === undefined ? {} : { suiteId: route.suiteId })}
        />
      );
    case 'variable-sets':
      return <VariableSetsPage />;
    case 'variable-set-editor':
      return (
        <VariableSetEditorPage
          key={route.variableSetId ?? 'new'}
          {...(route.variableSetId === undefined ? {} : { variableSetId: route.variableSetId })}
        />
      );
    case 'monitors':
      return <MonitorsPage />;
    case 'monitor-editor':
      return (
        <MonitorEditorPage
          key={route.monitorId ?? 'new'}
          {...(route.monitorId === undefined ? {} : { monitorId: route.monitorId })}
        />
      );
    case 'settings':
      return <SettingsPage section={route.section} />;
    case 'not-found':
      return (
        <div className="page">
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <Link to="/tests">See every test</Link> or{' '}
            <Link to="/runs">the latest runs</Link>.
          </p>
        </div>
      );
  }
}

type Section = 'tests' | 'runs' | 'suites' | 'variable-sets' | 'monitors' | 'settings';

/** Which section of the navigation a page belongs to. */
function sectionOf(route: Route): Section | null {
  switch (route.page) {
    case 'tests':
    case 'test':
    case 'run':
    case 'start-run':
    case 'test-editor':
      return 'tests';
    case 'runs':
      return 'runs';
    case 'suites':
    case 'suite':
    case 'suite-run':
    case 'suite-editor':
      return 'suites';
    case 'variable-sets':
    case 'variable-set-editor':
      return 'variable-sets';
    case 'monitors':
    case 'monitor-editor':
      return 'monitors';
    case 'settings':
      return 'settings';
    case 'not-found':
      return null;
  }
}

export function App({ api }: { readonly api: ApiClient }) {
  const route = useRoute();
  const section = sectionOf(route);
  // The organization/environment chosen earlier applies before the first call.
  useState(() => api.setScope(readStoredScope()));
  return (
    <ApiProvider client={api}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/tests" className="brand" aria-label="Tracecheck, home">
          <span className="brand-mark" aria-hidden="true">
            ✓
          </span>
          Tracecheck
        </Link>
        <nav aria-label="Main" className="main-nav">
          <Link to="/tests" aria-current={section === 'tests' ? 'page' : undefined}>
            Tests
          </Link>
          <Link to="/testsuites" aria-current={section === 'suites' ? 'page' : undefined}>
            Suites
          </Link>
          <Link to="/runs" aria-current={section === 'runs' ? 'page' : undefined}>
            Runs
          </Link>
          <Link to="/variablesets" aria-current={section === 'variable-sets' ? 'page' : undefined}>
            Variable sets
          </Link>
          <Link to="/monitors" aria-current={section === 'monitors' ? 'page' : undefined}>
            Monitors
          </Link>
          <Link to="/settings" aria-current={section === 'settings' ? 'page' : undefined}>
            Settings
          </Link>
        </nav>
        <div className="header-end">
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <main id="main" className="app-main">
        <AuthGate>
          <Page route={route} />
        </AuthGate>
      </main>
    </ApiProvider>
  );
}
