/**
 * Create or edit a monitor: what it runs (tests, suites, a variable set), when (cron and time zone),
 * whether it is enabled, and the webhooks it calls when a run fails.
 */
import { WEBHOOK_METHODS } from '@tracecheck/core';
import { useMemo, useState } from 'react';
import { useApi } from '../api/api-context';
import type { KeyValueView, PageView, ResourceView, TestResourceView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { ErrorMessage } from '../components/error-message';
import { useDocumentTitle } from '../components/use-document-title';
import { CheckboxField, KeyValueList, SelectField, TextField } from '../editor/form-fields';
import { MonitorRuns } from '../monitors/monitor-runs';
import type {
  MonitorAlertView,
  MonitorSpecView,
  SuiteSpecView,
  VariableSetSpecView,
} from '../resources/resource-types';
import { SaveStatus, useSave } from '../resources/save-status';
import { Link, navigate } from '../router/navigation';

const CRON_PRESETS: readonly { cron: string; label: string }[] = [
  { cron: '*/5 * * * *', label: 'Every 5 minutes' },
  { cron: '0 * * * *', label: 'Every hour' },
  { cron: '0 9 * * 1-5', label: 'Weekdays at 9:00' },
  { cron: '0 0 * * *', label: 'Every day at midnight' },
];

interface AlertRow {
  readonly url: string;
  readonly method: string;
  readonly body: string;
  readonly headers: readonly KeyValueView[];
}

function timeZones(): readonly string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** A short check before the server's: five fields separated by spaces. */
function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `a schedule has 5 fields (minute hour day-of-month month day-of-week), e.g. */15 * * * *; "${cron}" has ${fields.length}`;
  }
  return undefined;
}

function PickList({
  legend,
  items,
  selected,
  onChange,
}: {
  readonly legend: string;
  readonly items: readonly { id: string; name: string }[];
  readonly selected: readonly string[];
  readonly onChange: (selected: string[]) => void;
}) {
  return (
    <fieldset className="form-group pick-list">
      <legend>{legend}</legend>
      {items.length === 0 ? <p className="muted small">None to pick yet.</p> : null}
      {items.map((item) => (
        <CheckboxField
          key={item.id}
          label={item.name}
          checked={selected.includes(item.id)}
          onChange={(checked) =>
            onChange(checked ? [...selected, item.id] : selected.filter((id) => id !== item.id))
          }
        />
      ))}
    </fieldset>
  );
}

function MonitorForm({
  initial,
  tests,
  suites,
  variableSets,
}: {
  readonly initial?: MonitorSpecView;
  readonly tests: PageView<TestResourceView>;
  readonly suites: PageView<ResourceView<SuiteSpecView>>;
  readonly variableSets: PageView<ResourceView<VariableSetSpecView>>;
}) {
  const api = useApi();
  const zones = useMemo(timeZones, []);
  const [id, setId] = useState(initial?.id);
  const [name, setName] = useState(initial?.name ?? '');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [testIds, setTestIds] = useState<readonly string[]>(initial?.tests ?? []);
  const [suiteIds, setSuiteIds] = useState<readonly string[]>(initial?.testSuites ?? []);
  const [variableSetId, setVariableSetId] = useState(initial?.variableSetId ?? '');
  const [cron, setCron] = useState(initial?.schedule?.cron ?? '0 * * * *');
  const [timeZone, setTimeZone] = useState(initial?.schedule?.timeZone ?? 'UTC');
  const [alerts, setAlerts] = useState<readonly AlertRow[]>(
    (initial?.alerts ?? []).map((alert) => ({
      url: alert.webhook.url,
      method: alert.webhook.method,
      body: alert.webhook.body ?? '',
      headers: alert.webhook.headers ?? [],
    })),
  );
  const [tried, setTried] = useState(false);
  const [saveState, save] = useSave<ResourceView<MonitorSpecView>>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const cronError = cronProblem(cron);
  const nameProblem =
    tried && name.trim() === ''
      ? { message: 'give the monitor a name', severity: 'error' as const }
      : undefined;
  const targetsProblem =
    tried && testIds.length === 0 && suiteIds.length === 0
      ? 'pick at least one test or suite to run'
      : undefined;
  const setAlert = (index: number, change: Partial<AlertRow>) =>
    setAlerts(alerts.map((alert, at) => (at === index ? { ...alert, ...change } : alert)));

  const definition = (): ResourceView<MonitorSpecView> => ({
    type: 'Monitor',
    spec: {
      ...(id ? { id } : {}),
      name: name.trim(),
      enabled,
      ...(variableSetId ? { variableSetId } : {}),
      tests: [...testIds],
      testSuites: [...suiteIds],
      schedule: { cron: cron.trim(), timeZone },
      alerts: alerts
        .filter((alert) => alert.url.trim() !== '')
        .map(
          (alert): MonitorAlertView => ({
            type: 'webhook',
            webhook: {
              url: alert.url.trim(),
              method: alert.method,
              ...(alert.body === '' ? {} : { body: alert.body }),
              headers: alert.headers.filter((header) => header.key.trim() !== ''),
            },
            events: ['FAILED'],
          }),
        ),
    } as MonitorSpecView,
  });

  return (
    <form
      className="editor-form"
      aria-label={initial ? `Edit monitor ${initial.name}` : 'New monitor'}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (name.trim() === '' || cronError || (testIds.length === 0 && suiteIds.length === 0)) return;
        void save(() => api.applyResource<MonitorSpecView>('monitors', definition(), initial?.id)).then(
          (stored) => stored && setId(stored.spec.id),
        );
      }}
    >
      <TextField label="Name" required value={name} problem={nameProblem} onChange={setName} />
      <CheckboxField
        label="Enabled"
        checked={enabled}
        onChange={setEnabled}
        hint="A paused monitor keeps its schedule but starts no run."
      />
      <div className="form-columns">
        <PickList
          legend="Tests to run"
          items={tests.items.map(({ spec }) => ({ id: spec.id, name: spec.name || spec.id }))}
          selected={testIds}
          onChange={setTestIds}
        />
        <PickList
          legend="Suites to run"
          items={suites.items.map(({ spec }) => ({ id: spec.id, name: spec.name || spec.id }))}
          selected={suiteIds}
          onChange={setSuiteIds}
        />
      </div>
      {targetsProblem ? (
        <p className="field-problem field-problem-error" role="alert">
          {targetsProblem}
        </p>
      ) : null}
      <SelectField
        label="Variable set"
        value={variableSetId}
        options={[
          { value: '', label: 'None' },
          ...variableSets.items.map(({ spec }) => ({ value: spec.id, label: spec.name || spec.id })),
        ]}
        onChange={setVariableSetId}
      />
      <fieldset className="form-group">
        <legend>Schedule</legend>
        <div className="form-row">
          <TextField
            label="Cron expression"
            code
            required
            value={cron}
            problem={cronError ? { message: cronError, severity: 'error' } : undefined}
            hint={
              <span className="preset-list">
                {CRON_PRESETS.map((preset) => (
                  <button
                    key={preset.cron}
                    type="button"
                    className="link-button"
                    onClick={() => setCron(preset.cron)}
                  >
                    {preset.label}
                  </button>
                ))}
              </span>
            }
            onChange={setCron}
          />
          <SelectField
            label="Time zone"
            value={timeZone}
            options={zones.map((zone) => ({ value: zone, label: zone }))}
            onChange={setTimeZone}
          />
        </div>
      </fieldset>
      <fieldset className="form-group">
        <legend>Alerts when a run fails</legend>
        {alerts.length === 0 ? <p className="muted small">No alert: failed runs show here only.</p> : null}
        {alerts.map((alert, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: alerts are identified by their position while edited
          <div key={index} className="editor-card">
            <div className="editor-card-header">
              <h3>Webhook {index + 1}</h3>
              <button
                type="button"
                className="button button-small"
                aria-label={`Remove webhook ${index + 1}`}
                onClick={() => setAlerts(alerts.filter((_, at) => at !== index))}
              >
                Remove
              </button>
            </div>
            <div className="form-row">
              <SelectField
                label={`Webhook ${index + 1} method`}
                value={alert.method}
                options={WEBHOOK_METHODS.map((method) => ({ value: method, label: method }))}
                onChange={(method) => setAlert(index, { method })}
              />
              <TextField
                label={`Webhook ${index + 1} URL`}
                className="field-grow"
                code
                value={alert.url}
                onChange={(url) => setAlert(index, { url })}
              />
            </div>
            <TextField
              label={`Webhook ${index + 1} body`}
              multiline
              rows={3}
              code
              value={alert.body}
              placeholder={'{"text": "Monitor {{ .Monitor.name }} failed"}'}
              onChange={(body) => setAlert(index, { body })}
            />
            <KeyValueList
              label={`Webhook ${index + 1} headers`}
              entries={alert.headers}
              onChange={(headers) => setAlert(index, { headers })}
            />
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() => setAlerts([...alerts, { url: '', method: 'POST', body: '', headers: [] }])}
        >
          Add webhook
        </button>
      </fieldset>
      <div className="editor-actions">
        <button type="submit" className="button button-primary" disabled={saveState.status === 'saving'}>
          {saveState.status === 'saving' ? 'Saving…' : initial ? 'Save monitor' : 'Create monitor'}
        </button>
        <Link to="/monitors">Back to monitors</Link>
        {initial ? (
          confirmDelete ? (
            <span className="confirm-delete">
              Delete “{initial.name}”?{' '}
              <button
                type="button"
                className="button button-danger"
                onClick={() =>
                  void api.deleteResource('monitors', initial.id).then(() => navigate('/monitors'))
                }
              >
                Delete
              </button>{' '}
              <button type="button" className="button" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
            </span>
          ) : (
            <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
              Delete…
            </button>
          )
        ) : null}
      </div>
      <SaveStatus state={saveState} saved={(stored) => <p>Saved {stored.spec.name}.</p>} />
    </form>
  );
}

export function MonitorEditorPage({ monitorId }: { readonly monitorId?: string }) {
  const api = useApi();
  useDocumentTitle(monitorId ? 'Monitor' : 'New monitor');
  const monitor = useLoad(
    () => (monitorId ? api.getResource<MonitorSpecView>('monitors', monitorId) : Promise.resolve(undefined)),
    `monitor:${monitorId ?? ''}`,
  );
  const tests = useLoad(
    () => api.listTests({ take: 500, sortBy: 'name', sortDirection: 'asc' }),
    'monitor-tests',
  );
  const suites = useLoad(
    () => api.listResources<SuiteSpecView>('testsuites', { take: 500 }),
    'monitor-suites',
  );
  const sets = useLoad(
    () => api.listResources<VariableSetSpecView>('variablesets', { take: 500 }),
    'monitor-sets',
  );
  const failed = [monitor, tests, suites, sets].find((load) => load.status === 'error');
  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/monitors">← Monitors</Link>
      </p>
      <h1>
        {monitorId
          ? monitor.status === 'ready'
            ? monitor.data?.spec.name || monitorId
            : monitorId
          : 'New monitor'}
      </h1>
      {failed?.status === 'error' ? <ErrorMessage error={failed.error} onRetry={failed.reload} /> : null}
      {monitor.status === 'ready' &&
      tests.status === 'ready' &&
      suites.status === 'ready' &&
      sets.status === 'ready' ? (
        <MonitorForm
          tests={tests.data}
          suites={suites.data}
          variableSets={sets.data}
          {...(monitor.data ? { initial: monitor.data.spec } : {})}
        />
      ) : failed ? null : (
        <p className="loading">Loading…</p>
      )}
      {monitorId && monitor.status === 'ready' && monitor.data ? <MonitorRuns monitorId={monitorId} /> : null}
    </div>
  );
}
