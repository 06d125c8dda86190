import type { Page, PageQuery, Scope, StoredResource } from './store';

/**
 * The runs of monitors (SPEC §1.13) and the claims that make each scheduled tick run once across all
 * replicas: a scheduled monitor run is unique per (monitor, tick), and creating it is the claim.
 */

/** SPEC §1.13: FINISHED when every run passed, FAILED when one did not (or could not start). */
export type MonitorRunState = 'CREATED' | 'EXECUTING' | 'FINISHED' | 'FAILED';

export type MonitorExecutionType = 'MANUAL' | 'SCHEDULED';

/** One test or suite a monitor run started, or tried to. */
export interface MonitorRunTarget {
  readonly kind: 'test' | 'suite';
  /** The test or suite id. */
  readonly id: string;
  /** The test run or suite run; null when it could not start (`error` says why). */
  readonly runId: number | null;
  readonly error?: string;
}

/** The outcome of one webhook call of an alert. */
export interface AlertDelivery {
  readonly alertId: string;
  /** The event that fired the alert. */
  readonly event: 'FAILED' | 'SUCCEEDED';
  /** The URL called, without user information. */
  readonly url: string;
  readonly ok: boolean;
  /** The last HTTP status, null when no answer came. */
  readonly status: number | null;
  readonly attempts: number;
  /** Why the last attempt failed. */
  readonly error: string | null;
  readonly deliveredAt: Date;
}

export interface MonitorRunRecord {
  /** From one database sequence shared by every scope. */
  readonly id: number;
  readonly monitorId: string;
  readonly executionType: MonitorExecutionType;
  /** The tick of a scheduled run; null for a manual one. */
  readonly scheduledFor: Date | null;
  readonly state: MonitorRunState;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
  /** The process that created the run (claimed the tick). */
  readonly createdBy: string;
  readonly targets: readonly MonitorRunTarget[];
  /** True when every run passed; null until the monitor run ends. */
  readonly verdict: boolean | null;
  readonly lastError: string | null;
  /** Alerts matched the run's end and are not delivered yet. */
  readonly alertsPending: boolean;
  readonly alerts: readonly AlertDelivery[];
}

export type MonitorRunPatch = Partial<
  Pick<
    MonitorRunRecord,
    'state' | 'completedAt' | 'targets' | 'verdict' | 'lastError' | 'alertsPending' | 'alerts'
  >
>;

export interface NewMonitorRun {
  readonly monitorId: string;
  readonly executionType: MonitorExecutionType;
  /** Required for SCHEDULED, null for MANUAL. */
  readonly scheduledFor: Date | null;
  readonly createdBy: string;
}

/** A monitor of some scope, for the scheduler (which serves every scope). */
export interface ScopedMonitor {
  readonly scope: Scope;
  readonly resource: StoredResource;
}

export interface ScopedMonitorRun {
  readonly scope: Scope;
  readonly run: MonitorRunRecord;
}

export interface MonitorStore {
  /** Every live (not deleted) Monitor resource whose spec has `enabled: true`, in every scope. */
  listEnabledMonitors(): Promise<readonly ScopedMonitor[]>;
  /**
   * Creates a monitor run. A SCHEDULED run is a claim of its tick: it resolves undefined when a run
   * of that monitor for the same or a later tick exists (another replica claimed it, or a later tick
   * already ran), so each tick runs once and a late replica never runs an older tick.
   */
  createMonitorRun(scope: Scope, run: NewMonitorRun): Promise<MonitorRunRecord | undefined>;
  getMonitorRun(scope: Scope, monitorRunId: number): Promise<MonitorRunRecord | undefined>;
  /** Newest first. */
  listMonitorRuns(scope: Scope, monitorId: string, query?: PageQuery): Promise<Page<MonitorRunRecord>>;
  /** Compare-and-set: applies `patch` only when the run is in one of `fromStates`. */
  updateMonitorRun(
    scope: Scope,
    monitorRunId: number,
    fromStates: readonly MonitorRunState[],
    patch: MonitorRunPatch,
  ): Promise<MonitorRunRecord | undefined>;
  /** Runs in CREATED or EXECUTING, in every scope, oldest first. */
  listUnfinishedMonitorRuns(): Promise<readonly ScopedMonitorRun[]>;
  /** Ended runs with alerts pending whose delivery lease is free, in every scope, oldest first. */
  listPendingAlertRuns(): Promise<readonly ScopedMonitorRun[]>;
  /**
   * Takes the lease of a run's pending alerts until `untilMs` (Unix ms): one replica delivers them;
   * when it dies the lease expires and another one does. False when another holds the lease.
   */
  leaseAlerts(scope: Scope, monitorRunId: number, untilMs: number): Promise<boolean>;
}
