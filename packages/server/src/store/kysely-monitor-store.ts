import { TracecheckError } from '@tracecheck/core';
import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { Database, MonitorRunsTable } from './database';
import type {
  AlertDelivery,
  MonitorExecutionType,
  MonitorRunRecord,
  MonitorRunState,
  MonitorStore,
  ScopedMonitorRun,
} from './monitor-store';
import { DEFAULT_PAGE_SIZE, type Scope } from './store';

type WithDatabase = <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

const UNFINISHED_STATES: readonly MonitorRunState[] = ['CREATED', 'EXECUTING'];

/** Alert deliveries as stored in JSON (dates as ISO text). */
type StoredAlertDelivery = Omit<AlertDelivery, 'deliveredAt'> & { readonly deliveredAt: string };

/**
 * The MonitorStore over the migrated Kysely database of `createKyselyStore` (which owns the
 * connections and passes its `withDatabase`, so `close()` waits for these queries too).
 */
export function createKyselyMonitorStore(withDatabase: WithDatabase, now: () => Date): MonitorStore {
  const scoped = (scope: Scope) => (row: Selectable<MonitorRunsTable>) => ({
    scope,
    run: toMonitorRunRecord(row),
  });

  return {
    async listEnabledMonitors() {
      return withDatabase(async (db) => {
        const rows = await db
          .selectFrom('resources')
          .selectAll()
          .where('kind', '=', 'Monitor')
          .where('deleted_at', 'is', null)
          .where(sql<boolean>`spec->'enabled' = 'true'::jsonb`)
          .orderBy('organization_id')
          .orderBy('environment_id')
          .orderBy('id')
          .execute();
        return rows.map((row) => ({
          scope: { organizationId: row.organization_id, environmentId: row.environment_id },
          resource: {
            kind: 'Monitor' as const,
            id: row.id,
            version: row.version,
            spec: row.spec as Record<string, unknown>,
            createdAt: row.created_at,
            updatedAt: row.updated_at,
          },
        }));
      });
    },

    async createMonitorRun(scope, run) {
      if ((run.executionType === 'SCHEDULED') !== (run.scheduledFor !== null)) {
        throw new TracecheckError(
          'INTERNAL',
          `a ${run.executionType} monitor run ${run.scheduledFor === null ? 'needs' : 'cannot have'} a tick (scheduledFor)`,
        );
      }
      return withDatabase(async (db) => {
        const at = now();
        const values = {
          organization_id: scope.organizationId,
          environment_id: scope.environmentId,
          monitor_id: run.monitorId,
          execution_type: run.executionType,
          scheduled_for: run.scheduledFor,
          state: 'CREATED',
          created_at: at,
          completed_at: null,
          created_by: run.createdBy,
          targets: '[]',
          verdict: null,
          last_error: null,
          alerts_pending: false,
          alerts_lease_until: null,
          alerts: '[]',
        };
        const scheduledFor = run.scheduledFor;
        if (scheduledFor === null) {
          const row = await db
            .insertInto('monitor_runs')
            .values(values)
            .returningAll()
            .executeTakeFirstOrThrow()
            .catch(rethrowMissingEnvironment(scope));
          return toMonitorRunRecord(row);
        }
        // The claim: one statement, so two replicas cannot both pass the "no same or later tick" test.
        const columns = Object.keys(values) as (keyof typeof values)[];
        const row = await db
          .insertInto('monitor_runs')
          .columns(columns)
          .expression(
            db
              .selectNoFrom((eb) => [
                eb.val(scope.organizationId).as('organization_id'),
                eb.val(scope.environmentId).as('environment_id'),
                eb.val(run.monitorId).as('monitor_id'),
                eb.val(run.executionType).as('execution_type'),
                eb.cast<Date>(eb.val(scheduledFor), 'timestamptz').as('scheduled_for'),
                eb.val('CREATED').as('state'),
                eb.cast<Date>(eb.val(at), 'timestamptz').as('created_at'),
                eb.cast<Date | null>(sql.lit(null), 'timestamptz').as('completed_at'),
                eb.val(run.createdBy).as('created_by'),
                eb.cast<string>(eb.val('[]'), 'jsonb').as('targets'),
                eb.cast<boolean | null>(sql.lit(null), 'boolean').as('verdict'),
                eb.cast<string | null>(sql.lit(null), 'text').as('last_error'),
                sql.lit(false).as('alerts_pending'),
                eb.cast<Date | null>(sql.lit(null), 'timestamptz').as('alerts_lease_until'),
                eb.cast<string>(eb.val('[]'), 'jsonb').as('alerts'),
              ])
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('monitor_runs')
                      .select(sql.lit(1).as('one'))
                      .where('organization_id', '=', scope.organizationId)
                      .where('environment_id', '=', scope.environmentId)
                      .where('monitor_id', '=', run.monitorId)
                      .where('scheduled_for', '>=', scheduledFor),
                  ),
                ),
              ),
          )
          .onConflict((conflict) =>
            conflict
              .columns(['organization_id', 'environment_id', 'monitor_id', 'scheduled_for'])
              .doNothing(),
          )
          .returningAll()
          .executeTakeFirst()
          .catch(rethrowMissingEnvironment(scope));
        return row && toMonitorRunRecord(row);
      });
    },

    async getMonitorRun(scope, monitorRunId) {
      return withDatabase(async (db) => {
        const row = await db
          .selectFrom('monitor_runs')
          .selectAll()
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', monitorRunId)
          .executeTakeFirst();
        return row && toMonitorRunRecord(row);
      });
    },

    async listMonitorRuns(scope, monitorId, query = {}) {
      return withDatabase(async (db) => {
        const filtered = db
          .selectFrom('monitor_runs')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('monitor_id', '=', monitorId);
        const [counted, rows] = await Promise.all([
          filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
          filtered
            .selectAll()
            .orderBy('id', query.sortDirection ?? 'desc')
            .limit(query.take ?? DEFAULT_PAGE_SIZE)
            .offset(query.skip ?? 0)
            .execute(),
        ]);
        return { items: rows.map(toMonitorRunRecord), count: Number(counted?.count ?? 0) };
      });
    },

    async updateMonitorRun(scope, monitorRunId, fromStates, patch) {
      return withDatabase(async (db) => {
        if (fromStates.length === 0) return undefined;
        const columns = toPatchColumns(patch);
        const row = await db
          .updateTable('monitor_runs')
          .set(Object.keys(columns).length > 0 ? columns : { state: sql.ref('state') })
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', monitorRunId)
          .where('state', 'in', fromStates)
          .returningAll()
          .executeTakeFirst();
        return row && toMonitorRunRecord(row);
      });
    },

    async listUnfinishedMonitorRuns() {
      return withDatabase(async (db) => {
        const rows = await db
          .selectFrom('monitor_runs')
          .selectAll()
          .where('state', 'in', UNFINISHED_STATES)
          .orderBy('id')
          .execute();
        return rows.map((row): ScopedMonitorRun => scoped(scopeOf(row))(row));
      });
    },

    async listPendingAlertRuns() {
      return withDatabase(async (db) => {
        const rows = await db
          .selectFrom('monitor_runs')
          .selectAll()
          .where('alerts_pending', '=', true)
          .where((eb) => eb.or([eb('alerts_lease_until', 'is', null), eb('alerts_lease_until', '<=', now())]))
          .orderBy('id')
          .execute();
        return rows.map((row): ScopedMonitorRun => scoped(scopeOf(row))(row));
      });
    },

    async leaseAlerts(scope, monitorRunId, untilMs) {
      return withDatabase(async (db) => {
        const result = await db
          .updateTable('monitor_runs')
          .set({ alerts_lease_until: new Date(untilMs) })
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', monitorRunId)
          .where('alerts_pending', '=', true)
          .where((eb) => eb.or([eb('alerts_lease_until', 'is', null), eb('alerts_lease_until', '<=', now())]))
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
  };
}

function scopeOf(row: { organization_id: string; environment_id: string }): Scope {
  return { organizationId: row.organization_id, environmentId: row.environment_id };
}

function toPatchColumns(
  patch: Parameters<MonitorStore['updateMonitorRun']>[3],
): Updateable<MonitorRunsTable> {
  const columns: Updateable<MonitorRunsTable> = {};
  if (patch.state !== undefined) columns.state = patch.state;
  if (patch.completedAt !== undefined) columns.completed_at = patch.completedAt;
  if (patch.targets !== undefined) columns.targets = JSON.stringify(patch.targets);
  if (patch.verdict !== undefined) columns.verdict = patch.verdict;
  if (patch.lastError !== undefined) columns.last_error = patch.lastError;
  if (patch.alertsPending !== undefined) {
    columns.alerts_pending = patch.alertsPending;
    // Delivered (or nothing to deliver): the lease has no more use.
    if (!patch.alertsPending) columns.alerts_lease_until = null;
  }
  if (patch.alerts !== undefined) {
    columns.alerts = JSON.stringify(
      patch.alerts.map(
        (alert): StoredAlertDelivery => ({ ...alert, deliveredAt: alert.deliveredAt.toISOString() }),
      ),
    );
  }
  return columns;
}

function toMonitorRunRecord(row: Selectable<MonitorRunsTable>): MonitorRunRecord {
  const id = Number(row.id);
  if (!Number.isSafeInteger(id)) {
    throw new TracecheckError('INTERNAL', `the database returned the monitor run id ${String(row.id)}`);
  }
  return {
    id,
    monitorId: row.monitor_id,
    executionType: row.execution_type as MonitorExecutionType,
    scheduledFor: row.scheduled_for,
    state: row.state as MonitorRunState,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    createdBy: row.created_by,
    targets: row.targets as MonitorRunRecord['targets'],
    verdict: row.verdict,
    lastError: row.last_error,
    alertsPending: row.alerts_pending,
    alerts: (row.alerts as StoredAlertDelivery[]).map((alert) => ({
      ...alert,
      deliveredAt: new Date(alert.deliveredAt),
    })),
  };
}

function rethrowMissingEnvironment(scope: Scope): (error: unknown) => never {
  return (error) => {
    const foreignKey = error instanceof Error && 'code' in error && error.code === '23503';
    if (!foreignKey) throw error;
    throw new TracecheckError(
      'NOT_FOUND',
      `environment "${scope.environmentId}" of organization "${scope.organizationId}" does not exist: ` +
        'create it with upsertEnvironment first',
      undefined,
      { cause: error },
    );
  };
}
