import { hostname } from 'node:os';
import { isFinalState, isTracecheckError, TracecheckError } from '@tracecheck/core';
import type { BaseLogger } from 'pino';
import type { RunService } from '../pipeline/run-service';
import type { AlertDelivery, MonitorRunRecord, MonitorRunTarget } from '../store/monitor-store';
import type { SecretBox } from '../store/secret-box';
import type { Scope, Store } from '../store/store';
import { type AlertRunView, buildAlertPayload, renderAlertBody } from './alert-payload';
import { type CronSchedule, parseCronSchedule } from './cron-schedule';
import { deliverWebhook, redactUrl, type WebhookOptions } from './deliver-webhook';
import { type MonitorDefinition, type MonitorRunEvent, readMonitorDefinition } from './monitor-definition';
import { openWebhookSecret } from './monitor-secrets';
import { parseAllowedNetworks } from './webhook-network-policy';

export interface MonitorSchedulerOptions {
  readonly store: Store;
  readonly runs: RunService;
  readonly logger: Pick<BaseLogger, 'info' | 'warn' | 'error'>;
  /** Opens sealed webhook secrets. */
  readonly secretBox?: SecretBox;
  /** Wall clock, Unix ms. Default `Date.now`. */
  readonly nowMs?: () => number;
  /** How often a replica looks for due ticks, ended runs and alerts to send. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Names this process on the monitor runs it creates. Default `<host>/<pid>`. */
  readonly workerName?: string;
  /** The dashboard's public URL, for the links of webhook bodies (none without it). */
  readonly publicUrl?: string;
  /** Retries, and the networks webhooks may reach (default: public addresses only). */
  readonly webhooks?: WebhookOptions;
  /** A monitor run still CREATED this long after its creation lost its process: it is FAILED. Default 10 min. */
  readonly startTimeoutMs?: number;
  /** How long a replica holds the delivery of a run's alerts before another may take over. Default 10 min. */
  readonly alertLeaseMs?: number;
  /** Sent as User-Agent of webhook calls. */
  readonly version?: string;
}

/**
 * Runs monitors. Every replica with the worker role runs one; each pass:
 * 1. for each enabled monitor, claims the latest tick at or before now (not before the monitor's
 *    last change) by creating its scheduled run — a unique (monitor, tick) row, so one replica wins —
 *    and starts the monitor's tests and suites (source `monitor`). Ticks missed while every replica
 *    was down are not made up: only the latest one runs;
 * 2. ends the monitor runs whose runs all ended (FINISHED when all passed, else FAILED);
 * 3. sends the alerts of ended runs whose events match, under a lease, recording each outcome.
 */
export interface MonitorScheduler {
  /** Starts the passes (every `intervalMs`). */
  start(): void;
  /** Stops the passes, ends webhook retries, and waits for the pass and the deliveries under way. */
  stop(): Promise<void>;
  /** One pass now (the loop calls it; tests call it with a fake clock). */
  runOnce(): Promise<void>;
}

/** Starts monitor runs: the scheduler's ticks and `POST /api/monitors/:id/run`. */
export interface MonitorRunner {
  /** Runs a monitor now (`executionType: MANUAL`), whether or not it is enabled. */
  runNow(scope: Scope, monitorId: string): Promise<MonitorRunRecord>;
}

interface MonitorRunnerOptions
  extends Pick<MonitorSchedulerOptions, 'store' | 'runs' | 'logger' | 'nowMs' | 'workerName'> {}

const DEFAULT_INTERVAL_MS = 1000;

function workerNameOf(options: { readonly workerName?: string }): string {
  return options.workerName ?? `${hostname()}/${process.pid}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function loadMonitor(store: Store, scope: Scope, monitorId: string): Promise<MonitorDefinition> {
  const resource = await store.getResource(scope, 'Monitor', monitorId);
  if (!resource) {
    throw new TracecheckError(
      'NOT_FOUND',
      `monitor "${monitorId}" not found in this environment: list them with \`tracecheck list monitor\``,
      { monitorId },
    );
  }
  return readMonitorDefinition(resource);
}

/** Starts the monitor's tests and suites for a created monitor run and moves it to EXECUTING. */
async function startTargets(
  options: MonitorRunnerOptions,
  scope: Scope,
  monitor: MonitorDefinition,
  monitorRun: MonitorRunRecord,
): Promise<MonitorRunRecord> {
  const { runs, store } = options;
  const info = {
    source: 'monitor',
    ...(monitor.variableSetId ? { variableSetId: monitor.variableSetId } : {}),
    metadata: {
      monitorId: monitor.id,
      monitorName: monitor.name,
      monitorRunId: String(monitorRun.id),
      executionType: monitorRun.executionType,
      ...(monitorRun.scheduledFor ? { scheduledFor: monitorRun.scheduledFor.toISOString() } : {}),
    },
  };
  const targets: MonitorRunTarget[] = [];
  const tryStart = async (kind: 'test' | 'suite', id: string) => {
    try {
      const outcome =
        kind === 'test'
          ? await runs.startTestRun(scope, id, info)
          : await runs.startSuiteRun(scope, id, info);
      if (outcome.ok) return targets.push({ kind, id, runId: outcome.run.id });
      const missing = outcome.missingVariables
        .map((entry) => `${entry.testId}: ${entry.variables.map((variable) => variable.key).join(', ')}`)
        .join('; ');
      targets.push({
        kind,
        id,
        runId: null,
        error: `variables are missing (${missing}): add them to the monitor's variable set`,
      });
    } catch (error) {
      if (!isTracecheckError(error))
        options.logger.error({ err: error, monitorId: monitor.id }, 'a monitor run failed to start a run');
      targets.push({ kind, id, runId: null, error: messageOf(error) });
    }
  };
  for (const testId of monitor.tests) await tryStart('test', testId);
  for (const suiteId of monitor.testSuites) await tryStart('suite', suiteId);
  const started = targets.some((target) => target.runId !== null);
  const nowMs = options.nowMs ?? Date.now;
  const patch = started
    ? { state: 'EXECUTING' as const, targets }
    : {
        state: 'FAILED' as const,
        targets,
        verdict: false,
        completedAt: new Date(nowMs()),
        lastError:
          targets.length === 0
            ? 'the monitor has no tests or test suites: add some to its definition'
            : "none of the monitor's tests or suites could start (see targets)",
        alertsPending: monitor.alerts.some((alert) => alert.events.has('FAILED')),
      };
  const moved = await store.monitors.updateMonitorRun(scope, monitorRun.id, ['CREATED'], patch);
  if (!moved) {
    options.logger.warn(
      { monitorId: monitor.id, monitorRunId: monitorRun.id },
      'a monitor run left CREATED while its runs started (it was given up as lost): its runs go on unrecorded',
    );
    return (await store.monitors.getMonitorRun(scope, monitorRun.id)) ?? monitorRun;
  }
  options.logger.info(
    { monitorId: monitor.id, monitorRunId: moved.id, state: moved.state, runs: targets.map((t) => t.runId) },
    'monitor run started',
  );
  return moved;
}

/**
 * Starts monitor runs on the run service.
 * @example await createMonitorRunner({ store, runs, logger }).runNow(scope, 'checkout-monitor')
 */
export function createMonitorRunner(options: MonitorRunnerOptions): MonitorRunner {
  return {
    async runNow(scope, monitorId) {
      const monitor = await loadMonitor(options.store, scope, monitorId);
      const created = await options.store.monitors.createMonitorRun(scope, {
        monitorId,
        executionType: 'MANUAL',
        scheduledFor: null,
        createdBy: workerNameOf(options),
      });
      if (!created)
        throw new TracecheckError('INTERNAL', `a manual run of monitor "${monitorId}" was not created`);
      return startTargets(options, scope, monitor, created);
    },
  };
}

/** Where a target run stands. */
interface TargetStatus {
  readonly ended: boolean;
  readonly view: AlertRunView;
}

async function statusOf(
  store: Store,
  scope: Scope,
  target: MonitorRunTarget,
  publicUrl: string | undefined,
): Promise<TargetStatus> {
  const ids = target.kind === 'test' ? { testId: target.id } : { suiteId: target.id };
  if (target.runId === null) {
    return {
      ended: true,
      view: {
        type: target.kind,
        ...ids,
        runId: null,
        state: 'NOT_STARTED',
        verdict: false,
        ...(target.error ? { error: target.error } : {}),
      },
    };
  }
  const gone = {
    ended: true,
    view: { type: target.kind, ...ids, runId: target.runId, state: 'DELETED', verdict: false },
  };
  if (target.kind === 'test') {
    const run = await store.getRun(scope, target.runId);
    if (!run) return gone;
    const ended = isFinalState(run.state);
    return {
      ended,
      view: {
        type: 'test',
        testId: target.id,
        runId: run.id,
        state: run.state,
        verdict: ended ? run.verdict === true : null,
        ...(publicUrl
          ? { link: `${publicUrl}/test/${encodeURIComponent(target.id)}/run/${run.id}/test` }
          : {}),
      },
    };
  }
  const suiteRun = await store.getSuiteRun(scope, target.runId);
  if (!suiteRun) return gone;
  const ended = suiteRun.state === 'FINISHED' || suiteRun.state === 'FAILED' || suiteRun.state === 'STOPPED';
  let verdict: boolean | null = null;
  if (ended) {
    const steps = await Promise.all(suiteRun.stepRunIds.map((id) => store.getRun(scope, id)));
    verdict = suiteRun.state === 'FINISHED' && steps.every((step) => step?.verdict === true);
  }
  return {
    ended,
    view: {
      type: 'suite',
      suiteId: target.id,
      runId: suiteRun.id,
      state: suiteRun.state,
      verdict,
      ...(publicUrl ? { link: `${publicUrl}/testsuite/${encodeURIComponent(target.id)}` } : {}),
    },
  };
}

function eventOf(run: MonitorRunRecord): MonitorRunEvent {
  return run.state === 'FINISHED' ? 'SUCCEEDED' : 'FAILED';
}

/**
 * The monitor scheduler of one replica (see `MonitorScheduler`).
 * @example
 * const scheduler = createMonitorScheduler({ store, runs, logger, publicUrl: 'https://tracecheck.example' });
 * scheduler.start(); // … await scheduler.stop();
 */
export function createMonitorScheduler(options: MonitorSchedulerOptions): MonitorScheduler {
  const { store, logger } = options;
  const nowMs = options.nowMs ?? Date.now;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const workerName = workerNameOf(options);
  const startTimeoutMs = options.startTimeoutMs ?? 10 * 60_000;
  const alertLeaseMs = options.alertLeaseMs ?? 10 * 60_000;
  // A bad allowlist is a configuration error at start, not a failed delivery later.
  if (options.webhooks?.allowedNetworks) parseAllowedNetworks(options.webhooks.allowedNetworks);
  const runnerOptions: MonitorRunnerOptions = { ...options, nowMs, workerName };
  const schedules = new Map<string, CronSchedule | TracecheckError>();
  /** The last tick this replica tried to claim per monitor: one claim attempt per tick. */
  const attempted = new Map<string, number>();
  const stopping = new AbortController();
  const deliveries = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;

  function scheduleOf(monitor: MonitorDefinition): CronSchedule | TracecheckError | undefined {
    if (!monitor.schedule) return undefined;
    const key = `${monitor.schedule.cron}\u0000${monitor.schedule.timeZone}`;
    let schedule = schedules.get(key);
    if (schedule === undefined) {
      try {
        schedule = parseCronSchedule(monitor.schedule.cron, monitor.schedule.timeZone);
      } catch (error) {
        schedule = isTracecheckError(error)
          ? error
          : new TracecheckError('DEFINITION_INVALID', messageOf(error));
      }
      schedules.set(key, schedule);
    }
    return schedule;
  }

  async function claimDueTicks(): Promise<void> {
    const now = nowMs();
    const monitors = await store.monitors.listEnabledMonitors();
    const keyOf = (scope: Scope, id: string) => `${scope.organizationId}/${scope.environmentId}/${id}`;
    // Forget monitors deleted or disabled since the last pass.
    const live = new Set(monitors.map(({ scope, resource }) => keyOf(scope, resource.id)));
    for (const key of attempted.keys()) if (!live.has(key)) attempted.delete(key);
    for (const { scope, resource } of monitors) {
      const key = keyOf(scope, resource.id);
      let monitor: MonitorDefinition;
      try {
        monitor = readMonitorDefinition(resource);
      } catch (error) {
        if (!attempted.has(key))
          logger.warn({ err: error, monitorId: resource.id }, 'a monitor cannot be scheduled');
        attempted.set(key, Number.NaN);
        continue;
      }
      const schedule = scheduleOf(monitor);
      if (schedule === undefined) continue;
      if (schedule instanceof TracecheckError) {
        if (!attempted.has(key))
          logger.warn({ err: schedule, monitorId: monitor.id }, 'a monitor cannot be scheduled');
        attempted.set(key, Number.NaN);
        continue;
      }
      const tick = schedule.latest(now);
      if (tick === undefined || tick < monitor.updatedAt.getTime() || attempted.get(key) === tick) continue;
      attempted.set(key, tick);
      const claimed = await store.monitors.createMonitorRun(scope, {
        monitorId: monitor.id,
        executionType: 'SCHEDULED',
        scheduledFor: new Date(tick),
        createdBy: workerName,
      });
      if (!claimed) continue;
      logger.info(
        { monitorId: monitor.id, monitorRunId: claimed.id, tick: new Date(tick).toISOString() },
        'monitor tick claimed',
      );
      await startTargets(runnerOptions, scope, monitor, claimed);
    }
  }

  async function endFinishedRuns(): Promise<void> {
    for (const { scope, run } of await store.monitors.listUnfinishedMonitorRuns()) {
      if (run.state === 'CREATED') {
        if (nowMs() - run.createdAt.getTime() < startTimeoutMs) continue;
        const monitor = await loadMonitor(store, scope, run.monitorId).catch(() => undefined);
        await store.monitors.updateMonitorRun(scope, run.id, ['CREATED'], {
          state: 'FAILED',
          verdict: false,
          completedAt: new Date(nowMs()),
          lastError: `the process that created this monitor run (${run.createdBy}) stopped before it started the runs`,
          alertsPending: monitor?.alerts.some((alert) => alert.events.has('FAILED')) ?? false,
        });
        continue;
      }
      const statuses = await Promise.all(
        run.targets.map((target) => statusOf(store, scope, target, undefined)),
      );
      if (!statuses.every((status) => status.ended)) continue;
      const verdict = statuses.every((status) => status.view.verdict === true);
      const state = verdict ? 'FINISHED' : 'FAILED';
      const monitor = await loadMonitor(store, scope, run.monitorId).catch(() => undefined);
      const event: MonitorRunEvent = verdict ? 'SUCCEEDED' : 'FAILED';
      const ended = await store.monitors.updateMonitorRun(scope, run.id, ['EXECUTING'], {
        state,
        verdict,
        completedAt: new Date(nowMs()),
        alertsPending: monitor?.alerts.some((alert) => alert.events.has(event)) ?? false,
      });
      if (ended) logger.info({ monitorId: run.monitorId, monitorRunId: run.id, state }, 'monitor run ended');
    }
  }

  async function deliverAlerts(scope: Scope, run: MonitorRunRecord): Promise<void> {
    const monitor = await loadMonitor(store, scope, run.monitorId).catch(() => undefined);
    const event = eventOf(run);
    const alerts = monitor?.alerts.filter((alert) => alert.events.has(event)) ?? [];
    const views = (
      await Promise.all(run.targets.map((target) => statusOf(store, scope, target, options.publicUrl)))
    ).map((status) => status.view);
    const payload = buildAlertPayload(
      event,
      monitor ?? { id: run.monitorId, name: run.monitorId },
      run,
      views,
      options.publicUrl,
    );
    const results = await Promise.all(
      alerts.map(async (alert): Promise<AlertDelivery> => {
        const withBody = alert.method !== 'GET' && alert.method !== 'HEAD';
        let secret: string | undefined;
        try {
          secret =
            alert.secret === undefined
              ? undefined
              : openWebhookSecret(scope, alert.secret, options.secretBox);
        } catch (error) {
          return {
            alertId: alert.id,
            event,
            url: redactUrl(alert.url),
            ok: false,
            status: null,
            attempts: 0,
            error: messageOf(error),
            deliveredAt: new Date(nowMs()),
          };
        }
        const outcome = await deliverWebhook(
          {
            url: alert.url,
            method: alert.method,
            headers: alert.headers,
            ...(withBody
              ? {
                  body:
                    alert.body === undefined ? JSON.stringify(payload) : renderAlertBody(alert.body, payload),
                }
              : {}),
            sslVerification: alert.sslVerification,
            ...(secret === undefined ? {} : { secret }),
            deliveryId: `${run.id}-${alert.id}`,
          },
          {
            ...options.webhooks,
            nowMs,
            signal: stopping.signal,
            userAgent: `Tracecheck-Webhook/${options.version ?? '0'}`,
          },
        );
        const delivery = {
          alertId: alert.id,
          event,
          url: redactUrl(alert.url),
          ...outcome,
          deliveredAt: new Date(nowMs()),
        };
        logger[outcome.ok ? 'info' : 'warn'](
          {
            monitorId: run.monitorId,
            monitorRunId: run.id,
            alertId: alert.id,
            url: delivery.url,
            status: outcome.status,
            attempts: outcome.attempts,
            error: outcome.error,
          },
          outcome.ok ? 'monitor alert delivered' : 'monitor alert not delivered',
        );
        return delivery;
      }),
    );
    // A delivery cut short by a stop is left pending: the next replica to hold the lease sends it again.
    if (stopping.signal.aborted && results.some((result) => !result.ok)) return;
    await store.monitors.updateMonitorRun(scope, run.id, [run.state], {
      alerts: results,
      alertsPending: false,
    });
  }

  async function startDeliveries(): Promise<void> {
    for (const { scope, run } of await store.monitors.listPendingAlertRuns()) {
      if (stopping.signal.aborted) return;
      if (!(await store.monitors.leaseAlerts(scope, run.id, nowMs() + alertLeaseMs))) continue;
      const delivery = deliverAlerts(scope, run).catch((error: unknown) =>
        logger.error({ err: error, monitorRunId: run.id }, 'delivering the alerts of a monitor run failed'),
      );
      deliveries.add(delivery);
      void delivery.finally(() => deliveries.delete(delivery));
    }
  }

  async function runPass(): Promise<void> {
    // Each step on its own: a failing one (the database away for a moment) does not stop the others.
    for (const step of [claimDueTicks, endFinishedRuns, startDeliveries]) {
      if (stopping.signal.aborted) return;
      try {
        await step();
      } catch (error) {
        logger.error(
          { err: error, step: step.name },
          'a monitor scheduler step failed; it is tried again next pass',
        );
      }
    }
  }

  function runOnce(): Promise<void> {
    // Passes never overlap: a pass asked for during one waits for it and then runs.
    const next = (pass ?? Promise.resolve()).then(runPass);
    pass = next;
    return next;
  }

  return {
    runOnce,
    start() {
      if (timer !== undefined || stopping.signal.aborted) return;
      const loop = () => {
        timer = setTimeout(() => {
          void runOnce().finally(() => {
            if (!stopping.signal.aborted) loop();
          });
        }, intervalMs);
      };
      void runOnce();
      loop();
    },
    async stop() {
      stopping.abort();
      if (timer !== undefined) clearTimeout(timer);
      await pass;
      await Promise.all([...deliveries]);
    },
  };
}
