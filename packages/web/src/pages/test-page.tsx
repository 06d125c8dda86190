/** One test: what it triggers and checks, its YAML, its versions, and its runs. */
import { parseDefinition, printDefinition } from '@tracecheck/core';
import { useId, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { TestView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { CopyButton } from '../components/copy-button';
import { DeleteButton } from '../components/delete-button';
import { describeTrigger } from '../components/describe-trigger';
import { ErrorMessage } from '../components/error-message';
import { RunSummaryCells } from '../components/run-summary-cells';
import { RunTestButton } from '../components/run-test-button';
import { RunsSection } from '../components/runs-section';
import { useDocumentTitle } from '../components/use-document-title';
import { formatTimestamp } from '../format/format-time';
import { Link, navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';

const RUNS_PAGE_SIZE = 50;

/** Saves `text` as a file through the browser's download. */
function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  URL.revokeObjectURL(url);
}

/** The YAML of a stored version: the spec of that version printed as a definition. */
function yamlOfVersion(spec: TestView): string {
  const parsed = parseDefinition(JSON.stringify({ type: 'Test', spec }, null, 2));
  if (parsed.resource) return printDefinition(parsed.resource);
  // A version stored before a language change may not read back; show what is stored.
  return JSON.stringify({ type: 'Test', spec }, null, 2);
}

/** Every version of the test: pick one to see its YAML. */
function VersionsPanel({ api, test }: { readonly api: ApiClient; readonly test: TestView }) {
  const versions = useLoad(() => api.listTestVersions(test.id), `versions:${test.id}:${test.version ?? ''}`);
  const [picked, setPicked] = useState<number | null>(null);
  const selectId = useId();
  if (versions.status === 'loading') return <p className="loading">Loading versions…</p>;
  if (versions.status === 'error') return <ErrorMessage error={versions.error} onRetry={versions.reload} />;
  const items = [...versions.data].reverse();
  const chosen = items.find((item) => item.version === picked) ?? items[0];
  if (chosen === undefined) return <p className="empty-hint">No stored version.</p>;
  const yaml = yamlOfVersion(chosen);
  const fileName = `${(test.name || test.id).replace(/[^\w.-]+/g, '-').toLowerCase()}.v${chosen.version ?? ''}.yaml`;
  return (
    <div className="yaml-panel">
      <div className="yaml-actions">
        <label htmlFor={selectId}>Version</label>
        <select
          id={selectId}
          value={chosen.version ?? ''}
          onChange={(event) => setPicked(Number(event.target.value))}
        >
          {items.map((item) => (
            <option key={item.version} value={item.version}>
              v{item.version}
              {item.version === test.version ? ' (latest)' : ''}
              {item.createdAt ? ` — ${formatTimestamp(item.createdAt)}` : ''}
            </option>
          ))}
        </select>
        <CopyButton text={yaml} label="Copy YAML" />
        <button type="button" className="button button-small" onClick={() => downloadText(fileName, yaml)}>
          Download {fileName}
        </button>
      </div>
      <figure className="code-figure" aria-label={`YAML of version ${chosen.version ?? ''}`}>
        <pre className="code-view">
          <code>{yaml}</code>
        </pre>
      </figure>
    </div>
  );
}

/** The test's YAML, as `tracecheck apply` reads it back: shown, copyable and downloadable. */
function YamlPanel({ api, test }: { readonly api: ApiClient; readonly test: TestView }) {
  const yaml = useLoad(() => api.getTestYaml(test.id), `yaml:${test.id}:${test.version ?? ''}`);
  if (yaml.status === 'loading') return <p className="loading">Loading YAML…</p>;
  if (yaml.status === 'error') return <ErrorMessage error={yaml.error} onRetry={yaml.reload} />;
  const fileName = `${(test.name || test.id).replace(/[^\w.-]+/g, '-').toLowerCase()}.yaml`;
  return (
    <div className="yaml-panel">
      <div className="yaml-actions">
        <CopyButton text={yaml.data} label="Copy YAML" />
        <button
          type="button"
          className="button button-small"
          onClick={() => downloadText(fileName, yaml.data)}
        >
          Download {fileName}
        </button>
      </div>
      <figure className="code-figure" aria-label={`YAML of ${test.name || test.id}`}>
        <pre className="code-view">
          <code>{yaml.data}</code>
        </pre>
      </figure>
    </div>
  );
}

function Specs({ test }: { readonly test: TestView }) {
  const specs = test.specs ?? [];
  if (specs.length === 0) {
    return (
      <p className="empty-hint">
        This test has no specs yet: its runs only check that a trace arrives. Press <strong>Edit</strong> to
        add a spec (a selector and its assertions), or add a <code>specs:</code> entry to its YAML and apply
        it again.
      </p>
    );
  }
  return (
    <ol className="spec-list">
      {specs.map((spec, index) => (
        // Specs have no id; a spec's position is what reports and links use (selectedAssertion).
        // biome-ignore lint/suspicious/noArrayIndexKey: specs are identified by their position
        <li key={index} className="spec-card">
          <div className="spec-title">{spec.name || spec.selector || 'All Spans'}</div>
          {spec.name ? <code className="selector-text">{spec.selector || 'All Spans'}</code> : null}
          <ul className="assertion-list">
            {spec.assertions.map((assertion) => (
              <li key={assertion}>
                <code>{assertion}</code>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

export function TestPage({ testId }: { readonly testId: string }) {
  const api = useApi();
  const test = useLoad(() => api.getTest(testId), `test:${testId}`);
  const runs = useLoad(() => api.listTestRuns(testId, { take: RUNS_PAGE_SIZE }), `test-runs:${testId}`);
  const [showYaml, setShowYaml] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const name = test.status === 'ready' ? test.data.spec.name || testId : testId;
  useDocumentTitle(name);
  const now = Date.now();

  if (test.status === 'error') {
    return (
      <div className="page">
        <p>
          <Link to="/tests">← Tests</Link>
        </p>
        <ErrorMessage error={test.error} onRetry={test.reload} />
      </div>
    );
  }
  const spec = test.status === 'ready' ? test.data.spec : null;

  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/tests">← Tests</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>
            {name} {spec?.version ? <span className="muted version">v{spec.version}</span> : null}
          </h1>
          {spec ? (
            <p className="muted">
              <span className="trigger-badge">{spec.trigger.type.toUpperCase()}</span>{' '}
              {describeTrigger(spec.trigger)}
            </p>
          ) : null}
          {spec?.description ? <p>{spec.description}</p> : null}
        </div>
        <div className="header-actions">
          <Link to={hrefOf({ page: 'test-editor', testId })} className="button">
            Edit
          </Link>
          {spec?.version && spec.version > 1 ? (
            <button
              type="button"
              className="button"
              aria-expanded={showVersions}
              aria-controls="test-versions"
              onClick={() => setShowVersions((value) => !value)}
            >
              {showVersions ? 'Hide versions' : `Versions (${spec.version})`}
            </button>
          ) : null}
          <button
            type="button"
            className="button"
            aria-expanded={showYaml}
            aria-controls="test-yaml"
            onClick={() => setShowYaml((value) => !value)}
          >
            {showYaml ? 'Hide YAML' : 'View YAML'}
          </button>
          {spec ? (
            <DeleteButton
              what={`test “${name}”`}
              onDelete={() => api.deleteResource('tests', testId).then(() => navigate('/tests'))}
            />
          ) : null}
          <RunTestButton testId={testId} label="Run test" primary />
        </div>
      </div>
      {test.status === 'loading' ? <p className="loading">Loading test…</p> : null}
      {spec && showYaml ? (
        <section id="test-yaml" aria-label="Test YAML">
          <YamlPanel api={api} test={spec} />
        </section>
      ) : null}
      {spec && showVersions ? (
        <section id="test-versions" aria-label="Test versions">
          <VersionsPanel api={api} test={spec} />
        </section>
      ) : null}
      {spec ? (
        <section aria-labelledby="specs-title">
          <h2 id="specs-title">Specs</h2>
          <Specs test={spec} />
        </section>
      ) : null}
      <RunsSection
        titleId="runs-title"
        runs={runs}
        columns={['Run', 'State', 'Started', 'Took', 'Results', 'Source']}
        emptyHint={
          <>
            This test never ran. Press <strong>Run test</strong>, or run it from a terminal or CI with{' '}
            <code>npx tracecheck run test --id {testId}</code>.
          </>
        }
        renderCells={(run) => (
          <>
            <td>
              <Link to={hrefOf({ page: 'run', testId, runId: run.id, tab: 'trace' })} className="row-title">
                #{run.id}
              </Link>{' '}
              <span className="muted small">v{run.testVersion}</span>
            </td>
            <RunSummaryCells run={run} now={now} />
          </>
        )}
      />
    </div>
  );
}
