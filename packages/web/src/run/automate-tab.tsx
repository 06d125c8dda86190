/**
 * The Automate tab: how to run this test outside the dashboard: the CLI commands, the test's YAML,
 * and a link that starts the test with variables (after a confirmation).
 */
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { TestRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { CodeBlock } from '../components/copy-button';
import { ErrorMessage } from '../components/error-message';
import { cliCommands, startRunLink, VARIABLES_FILE, variableSetYaml, yamlFileName } from './automate';

interface VariableRow {
  readonly key: string;
  readonly value: string;
}

export function AutomateTab({ run }: { readonly run: TestRunView }) {
  const api = useApi();
  const yaml = useLoad(() => api.getTestYaml(run.testId), `yaml:${run.testId}`);
  const [rows, setRows] = useState<VariableRow[]>([]);
  const variables = Object.fromEntries(
    rows.filter((row) => row.key.trim() !== '').map((row) => [row.key.trim(), row.value]),
  );
  const commands = cliCommands(run.testId, variables);
  const link = startRunLink(window.location.origin, run.testId, variables);
  const hasVariables = Object.keys(variables).length > 0;
  return (
    <section className="automate-tab" aria-labelledby="automate-title">
      <h2 id="automate-title">Run this test from the CLI or a link</h2>
      <h3>Variables</h3>
      <p className="muted small">Variables to run the test with, in the commands and the link below.</p>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are identified by their position
        <div key={index} className="variable-row">
          <label className="field">
            <span>Name of variable {index + 1}</span>
            <input
              type="text"
              value={row.key}
              onChange={(event) =>
                setRows((list) =>
                  list.map((item, at) => (at === index ? { ...item, key: event.target.value } : item)),
                )
              }
            />
          </label>
          <label className="field">
            <span>Value of variable {index + 1}</span>
            <input
              type="text"
              value={row.value}
              onChange={(event) =>
                setRows((list) =>
                  list.map((item, at) => (at === index ? { ...item, value: event.target.value } : item)),
                )
              }
            />
          </label>
          <button
            type="button"
            className="button button-small"
            aria-label={`Remove variable ${index + 1}`}
            onClick={() => setRows((list) => list.filter((_, at) => at !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-small"
        onClick={() => setRows((list) => [...list, { key: '', value: '' }])}
      >
        + Variable
      </button>
      <h3>CLI</h3>
      <p className="muted small">The test as stored on the server:</p>
      <CodeBlock code={commands.byId} label="Run the stored test" />
      <p className="muted small">
        From its definition saved as <code>{yamlFileName(run.testId)}</code> (below):
      </p>
      <CodeBlock code={commands.byFile} label="Run the test file" />
      {hasVariables ? (
        <>
          <p className="muted small">
            With <code>{VARIABLES_FILE}</code>:
          </p>
          <CodeBlock code={variableSetYaml(`${run.testId} variables`, variables)} label="Variable set file" />
        </>
      ) : null}
      <h3>Link</h3>
      <p className="muted small">
        Opens the dashboard and starts the test with these variables, after a confirmation.
      </p>
      <CodeBlock code={link} label="Start-run link" />
      <h3>YAML</h3>
      {yaml.status === 'loading' ? <p className="loading">Loading the test's YAML…</p> : null}
      {yaml.status === 'error' ? <ErrorMessage error={yaml.error} onRetry={yaml.reload} /> : null}
      {yaml.status === 'ready' ? <CodeBlock code={yaml.data} label={yamlFileName(run.testId)} /> : null}
    </section>
  );
}
