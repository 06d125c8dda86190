/** The analyzer (SPEC §1.9, §8): on or off, the minimum score, and each rule's weight and level. */
import { ANALYZER_ERROR_LEVELS, ANALYZER_PLUGINS, DEFAULT_ANALYZER_CONFIG } from '@tracecheck/core';
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { ResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { CheckboxField, SelectField, TextField } from '../editor/form-fields';
import { SaveStatus, useSave } from '../resources/save-status';

interface RuleView {
  readonly id: string;
  readonly weight: number;
  readonly errorLevel: string;
}

interface PluginView {
  readonly id: string;
  readonly enabled: boolean;
  readonly rules: readonly RuleView[];
}

export interface AnalyzerView {
  readonly id?: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly minimumScore: number;
  readonly plugins?: readonly PluginView[];
}

/** Every plugin of the catalogue with the stored settings, or the defaults where none are stored. */
function completePlugins(stored: readonly PluginView[] | undefined): PluginView[] {
  return DEFAULT_ANALYZER_CONFIG.plugins.map((plugin) => {
    const saved = stored?.find((entry) => entry.id === plugin.id);
    return {
      id: plugin.id,
      enabled: saved?.enabled ?? plugin.enabled,
      rules: plugin.rules.map((rule) => saved?.rules.find((entry) => entry.id === rule.id) ?? rule),
    };
  });
}

function AnalyzerForm({ initial }: { readonly initial: AnalyzerView }) {
  const api = useApi();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [minimumScore, setMinimumScore] = useState(String(initial.minimumScore));
  const [plugins, setPlugins] = useState(() => completePlugins(initial.plugins));
  const [saveState, save] = useSave<ResourceView<AnalyzerView>>();
  const score = Number(minimumScore);
  const scoreProblem =
    /^\d+$/.test(minimumScore.trim()) && score <= 100
      ? undefined
      : { message: 'a whole number from 0 to 100', severity: 'error' as const };
  const setRule = (pluginId: string, ruleId: string, change: Partial<RuleView>) =>
    setPlugins(
      plugins.map((plugin) =>
        plugin.id !== pluginId
          ? plugin
          : {
              ...plugin,
              rules: plugin.rules.map((rule) => (rule.id === ruleId ? { ...rule, ...change } : rule)),
            },
      ),
    );
  return (
    <form
      className="editor-form"
      aria-label="Analyzer"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (scoreProblem) return;
        void save(() =>
          api.applyResource<AnalyzerView>('analyzers', {
            type: 'Analyzer',
            spec: { id: 'current', name: initial.name || 'analyzer', enabled, minimumScore: score, plugins },
          }),
        );
      }}
    >
      <CheckboxField label="Analyze every run's trace" checked={enabled} onChange={setEnabled} />
      <TextField
        label="Minimum score"
        type="number"
        value={minimumScore}
        problem={scoreProblem}
        hint="The analyzer-score gate fails a run whose score is below it (when that gate is required)."
        onChange={setMinimumScore}
      />
      {plugins.map((plugin) => {
        const info = ANALYZER_PLUGINS.find((entry) => entry.id === plugin.id);
        return (
          <fieldset key={plugin.id} className="form-group analyzer-plugin">
            <legend>{info?.name ?? plugin.id}</legend>
            <CheckboxField
              label={`Enable ${info?.name ?? plugin.id}`}
              checked={plugin.enabled}
              onChange={(value) =>
                setPlugins(
                  plugins.map((entry) => (entry.id === plugin.id ? { ...entry, enabled: value } : entry)),
                )
              }
            />
            <table className="data-table compact">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Level</th>
                </tr>
              </thead>
              <tbody>
                {plugin.rules.map((rule) => {
                  const ruleInfo = info?.rules.find((entry) => entry.id === rule.id);
                  return (
                    <tr key={rule.id}>
                      <td>
                        <strong>{ruleInfo?.name ?? rule.id}</strong>
                        <div className="muted small">{ruleInfo?.description}</div>
                      </td>
                      <td>
                        <input
                          type="number"
                          min={0}
                          className="number-input"
                          aria-label={`Weight of ${ruleInfo?.name ?? rule.id}`}
                          value={rule.weight}
                          onChange={(event) =>
                            setRule(plugin.id, rule.id, {
                              weight: Math.max(0, Math.round(Number(event.target.value) || 0)),
                            })
                          }
                        />
                      </td>
                      <td>
                        <SelectField
                          label={`Level of ${ruleInfo?.name ?? rule.id}`}
                          className="label-hidden"
                          value={rule.errorLevel}
                          options={ANALYZER_ERROR_LEVELS.map((level) => ({ value: level, label: level }))}
                          onChange={(errorLevel) => setRule(plugin.id, rule.id, { errorLevel })}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </fieldset>
        );
      })}
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : 'Save analyzer'}
        </button>
      </div>
      <SaveStatus state={saveState} saved={() => <p>Saved the analyzer settings.</p>} />
    </form>
  );
}

export function AnalyzerSettings() {
  const api = useApi();
  const analyzer = useLoad(() => api.getResource<AnalyzerView>('analyzers', 'current'), 'analyzer');
  if (analyzer.status === 'loading') return <p className="loading">Loading the analyzer…</p>;
  if (analyzer.status === 'error') return <ErrorMessage error={analyzer.error} onRetry={analyzer.reload} />;
  return <AnalyzerForm initial={analyzer.data.spec} />;
}
