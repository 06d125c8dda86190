/** The app shell: header, navigation and the page of the current URL. */
import type { ApiClient } from './api/api-client';
import { ApiProvider } from './api/api-context';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';
import { TestPage } from './pages/test-page';
import { TestsPage } from './pages/tests-page';
import { Link, useRoute } from './router/navigation';
import type { Route } from './router/routes';
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

/** Which section of the navigation a page belongs to. */
function sectionOf(route: Route): 'tests' | 'runs' | null {
  switch (route.page) {
    case 'tests':
    case 'test':
    case 'run':
      return 'tests';
    case 'runs':
      return 'runs';
    case 'not-found':
      return null;
  }
}

export function App({ api }: { readonly api: ApiClient }) {
  const route = useRoute();
  const section = sectionOf(route);
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
          <Link to="/runs" aria-current={section === 'runs' ? 'page' : undefined}>
            Runs
          </Link>
        </nav>
        <div className="header-end">
          <ThemeToggle />
        </div>
      </header>
      <main id="main" className="app-main">
        <Page route={route} />
      </main>
    </ApiProvider>
  );
}
