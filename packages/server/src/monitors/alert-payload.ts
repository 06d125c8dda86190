import type { MonitorRunRecord } from '../store/monitor-store';
import type { MonitorDefinition, MonitorRunEvent } from './monitor-definition';

/** One run of a monitor run, as a webhook shows it. */
export interface AlertRunView {
  readonly type: 'test' | 'suite';
  readonly testId?: string;
  readonly suiteId?: string;
  readonly runId: number | null;
  readonly state: string;
  /** True when it passed; null when it did not start or end. */
  readonly verdict: boolean | null;
  readonly error?: string;
  readonly link?: string;
}

/** The JSON body of an alert without a `body` template. */
export interface AlertPayload {
  readonly event: MonitorRunEvent;
  readonly monitor: { readonly id: string; readonly name: string };
  readonly monitorRun: {
    readonly id: number;
    readonly state: string;
    readonly executionType: string;
    readonly scheduledFor: string | null;
    readonly createdAt: string;
    readonly completedAt: string | null;
    readonly verdict: boolean | null;
    readonly lastError: string | null;
    readonly link?: string;
  };
  readonly runs: readonly AlertRunView[];
}

/**
 * What a webhook receives about a monitor run that ended.
 * @example buildAlertPayload('FAILED', monitor, run, runs, 'https://tracecheck.example')
 */
export function buildAlertPayload(
  event: MonitorRunEvent,
  monitor: Pick<MonitorDefinition, 'id' | 'name'>,
  run: MonitorRunRecord,
  runs: readonly AlertRunView[],
  publicUrl: string | undefined,
): AlertPayload {
  return {
    event,
    monitor: { id: monitor.id, name: monitor.name },
    monitorRun: {
      id: run.id,
      state: run.state,
      executionType: run.executionType,
      scheduledFor: run.scheduledFor?.toISOString() ?? null,
      createdAt: run.createdAt.toISOString(),
      completedAt: run.completedAt?.toISOString() ?? null,
      verdict: run.verdict,
      lastError: run.lastError,
      ...(publicUrl === undefined
        ? {}
        : { link: `${publicUrl}/api/monitors/${encodeURIComponent(monitor.id)}/runs/${run.id}` }),
    },
    runs,
  };
}

/** `{{ .Monitor.name }}`, `{{ .MonitorRun.state }}`, `{{.MonitorRun.runs}}`… */
const ACTION = /\{\{-?\s*(\.[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*-?\}\}/g;

function lookUp(context: unknown, path: readonly string[]): unknown {
  let value = context;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Renders an alert's `body` (SPEC §1.13: a Go text/template) with `.Monitor` (the monitor's id and
 * name) and `.MonitorRun` (the monitor run of the payload, with its `runs` and `event`). Field
 * lookups are supported; a missing field prints `<no value>` as Go does. Other actions (`if`,
 * `range`, pipelines) are left as written.
 * @example renderAlertBody('{"text": "{{ .Monitor.name }} {{ .MonitorRun.state }}"}', payload)
 */
export function renderAlertBody(template: string, payload: AlertPayload): string {
  const context = {
    Monitor: payload.monitor,
    MonitorRun: { ...payload.monitorRun, event: payload.event, runs: payload.runs },
  };
  return template.replace(ACTION, (_, path: string) => {
    const value = lookUp(context, path.slice(1).split('.'));
    if (value === undefined || value === null) return '<no value>';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}
