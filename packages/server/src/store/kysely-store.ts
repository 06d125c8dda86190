import { TracecheckError } from '@tracecheck/core';
import { type Kysely, type Selectable, type SelectQueryBuilder, sql, type Updateable } from 'kysely';
import { createKyselySessionStore } from '../identity/sso/session-store';
import type { Database, RunsTable, SuiteRunsTable } from './database';
import { createKyselyIdentityStore } from './kysely-identity-store';
import { createKyselyMonitorStore } from './kysely-monitor-store';
import { areJsonEqual, normalizeSpec } from './normalize-spec';
import { createKyselyRunGroupStore } from './run-group-store';
import type {
  EnvironmentRecord,
  ListQuery,
  NewRun,
  NewRunEvent,
  NewSuiteRun,
  OrganizationRecord,
  Page,
  PageQuery,
  ResourceKind,
  RunEvent,
  RunListQuery,
  RunPatch,
  RunRecord,
  RunState,
  RunSummaryRecord,
  RunVariable,
  Scope,
  Store,
  StoredResource,
  SuiteRunListQuery,
  SuiteRunPatch,
  SuiteRunRecord,
  SuiteRunState,
  UpsertOutcome,
} from './store';
import { DEFAULT_PAGE_SIZE } from './store';
import { decodeTraceDocument, encodeTraceDocument, toUint8Array } from './trace-document';

/** Rows per INSERT of buffered span chunks (keeps every statement far below the parameter limit). */
const SPAN_CHUNKS_PER_INSERT = 500;

interface KyselyStoreOptions {
  readonly now: () => Date;
}

/**
 * The Store over a migrated Kysely database: the SQL both adapters share. The adapter owns `db`;
 * `close()` destroys it.
 */
export function createKyselyStore(database: Kysely<Database>, options: KyselyStoreOptions): Store {
  const now = options.now;
  let closed = false;

  const running = new Set<Promise<unknown>>();

  /** Runs one method's work unless the store is closed, and lets `close()` wait for it. */
  function withDatabase<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (closed) {
      return Promise.reject(
        new TracecheckError(
          'INTERNAL',
          'the store is closed: it was used after close(); open a new store for further work',
        ),
      );
    }
    const promise = work(database);
    running.add(promise);
    const forget = () => running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async function pageOf<T>(
    count: Promise<{ count: string | number | bigint } | undefined>,
    items: Promise<T[]>,
  ): Promise<Page<T>> {
    const [counted, rows] = await Promise.all([count, items]);
    return { items: rows, count: toSafeInteger(counted?.count ?? 0) };
  }

  return {
    async upsertOrganization(organization) {
      return withDatabase(async (db) => {
        const row = await db
          .insertInto('organizations')
          .values({ id: organization.id, name: organization.name, created_at: now() })
          .onConflict((conflict) => conflict.column('id').doUpdateSet({ name: organization.name }))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toOrganizationRecord(row);
      });
    },

    async upsertEnvironment(scope, name) {
      return withDatabase(async (db) => {
        const insert = db
          .insertInto('environments')
          .values({ organization_id: scope.organizationId, id: scope.environmentId, name, created_at: now() })
          .onConflict((conflict) => conflict.columns(['organization_id', 'id']).doUpdateSet({ name }))
          .returningAll()
          .executeTakeFirstOrThrow();
        const row = await insert.catch((error: unknown) => {
          throw isForeignKeyViolation(error)
            ? new TracecheckError(
                'NOT_FOUND',
                `organization "${scope.organizationId}" does not exist: create it with upsertOrganization first`,
                undefined,
                { cause: error },
              )
            : error;
        });
        return toEnvironmentRecord(row);
      });
    },

    async getEnvironment(scope) {
      return withDatabase(async (db) => {
        const row = await db
          .selectFrom('environments')
          .selectAll()
          .where('organization_id', '=', scope.organizationId)
          .where('id', '=', scope.environmentId)
          .executeTakeFirst();
        return row && toEnvironmentRecord(row);
      });
    },

    async listEnvironments(organizationId) {
      return withDatabase(async (db) => {
        const rows = await db
          .selectFrom('environments')
          .selectAll()
          .where('organization_id', '=', organizationId)
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        return rows.map(toEnvironmentRecord);
      });
    },

    async upsertResource<Spec extends Record<string, unknown>>(
      scope: Scope,
      kind: ResourceKind,
      id: string,
      spec: Spec,
      upsertOptions?: { versioned?: boolean },
    ): Promise<UpsertOutcome<Spec>> {
      return withDatabase(async (db) => {
        const specJson = JSON.stringify(normalizeSpec(id, spec));
        // What a later read returns: the JSON round trip drops undefined values, turns NaN into null…
        const storedSpec: unknown = JSON.parse(specJson);
        const name = readName(storedSpec);
        const at = now();
        const key = {
          organization_id: scope.organizationId,
          environment_id: scope.environmentId,
          kind,
          id,
        };
        const outcome = db.transaction().execute(async (trx) => {
          const inserted = await trx
            .insertInto('resources')
            .values({
              ...key,
              version: 1,
              name,
              spec: specJson,
              created_at: at,
              updated_at: at,
              deleted_at: null,
            })
            .onConflict((conflict) =>
              conflict.columns(['organization_id', 'environment_id', 'kind', 'id']).doNothing(),
            )
            .returningAll()
            .executeTakeFirst();
          if (inserted) {
            await trx
              .insertInto('resource_versions')
              .values({ ...key, version: 1, spec: specJson, created_at: at })
              .execute();
            return { resource: toResource<Spec>(kind, inserted), created: true, changed: true };
          }
          const current = await trx
            .selectFrom('resources')
            .selectAll()
            .where('organization_id', '=', scope.organizationId)
            .where('environment_id', '=', scope.environmentId)
            .where('kind', '=', kind)
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirstOrThrow();
          const recreated = current.deleted_at !== null;
          if (!recreated && areJsonEqual(current.spec, storedSpec)) {
            return { resource: toResource<Spec>(kind, current), created: false, changed: false };
          }
          // A re-created test continues its version numbers, so runs of the deleted incarnation keep
          // pointing at the spec they ran.
          const version = upsertOptions?.versioned ? current.version + 1 : current.version;
          const updated = await trx
            .updateTable('resources')
            .set({
              version,
              name,
              spec: specJson,
              created_at: recreated ? at : current.created_at,
              updated_at: at,
              deleted_at: null,
            })
            .where('organization_id', '=', scope.organizationId)
            .where('environment_id', '=', scope.environmentId)
            .where('kind', '=', kind)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('resource_versions')
            .values({ ...key, version, spec: specJson, created_at: at })
            .onConflict((conflict) =>
              conflict
                .columns(['organization_id', 'environment_id', 'kind', 'id', 'version'])
                .doUpdateSet({ spec: specJson, created_at: at }),
            )
            .execute();
          return { resource: toResource<Spec>(kind, updated), created: recreated, changed: true };
        });
        return outcome.catch(rethrowMissingEnvironment(scope));
      });
    },

    async getResource<Spec = Record<string, unknown>>(
      scope: Scope,
      kind: ResourceKind,
      id: string,
      version?: number,
    ): Promise<StoredResource<Spec> | undefined> {
      return withDatabase(async (db) => {
        if (version === undefined) {
          const row = await db
            .selectFrom('resources')
            .selectAll()
            .where('organization_id', '=', scope.organizationId)
            .where('environment_id', '=', scope.environmentId)
            .where('kind', '=', kind)
            .where('id', '=', id)
            .where('deleted_at', 'is', null)
            .executeTakeFirst();
          return row && toResource<Spec>(kind, row);
        }
        const rows = await selectVersions(db, scope, kind, id).where('v.version', '=', version).execute();
        return rows[0] && toVersionResource<Spec>(kind, id, rows[0]);
      });
    },

    async listResources<Spec = Record<string, unknown>>(
      scope: Scope,
      kind: ResourceKind,
      query: ListQuery = {},
    ): Promise<Page<StoredResource<Spec>>> {
      return withDatabase(async (db) => {
        let filtered = db
          .selectFrom('resources')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('kind', '=', kind)
          .where('deleted_at', 'is', null);
        if (query.query) {
          const pattern = `%${escapeLikePattern(query.query)}%`;
          filtered = filtered.where((eb) =>
            eb.or([eb('name', 'ilike', pattern), eb('id', 'ilike', pattern)]),
          );
        }
        const direction = query.sortDirection ?? 'desc';
        const sortBy = query.sortBy ?? 'createdAt';
        const sortColumn =
          sortBy === 'name'
            ? sql`lower(name) collate "C"`
            : sortBy === 'updatedAt'
              ? sql.ref('updated_at')
              : sortBy === 'createdAt'
                ? sql.ref('created_at')
                : sql.ref('id');
        const items = filtered
          .selectAll()
          .orderBy(sortColumn, direction)
          .orderBy('id', direction)
          .limit(takeOf(query))
          .offset(query.skip ?? 0)
          .execute()
          .then((rows) => rows.map((row) => toResource<Spec>(kind, row)));
        return pageOf(filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(), items);
      });
    },

    async listResourceVersions<Spec = Record<string, unknown>>(
      scope: Scope,
      kind: ResourceKind,
      id: string,
    ): Promise<readonly StoredResource<Spec>[]> {
      return withDatabase(async (db) => {
        const rows = await selectVersions(db, scope, kind, id).orderBy('v.version').execute();
        return rows.map((row) => toVersionResource<Spec>(kind, id, row));
      });
    },

    async deleteResource(scope, kind, id) {
      return withDatabase(async (db) => {
        const result = await db
          .updateTable('resources')
          .set({ deleted_at: now() })
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('kind', '=', kind)
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },

    async createRun(scope, run) {
      return withDatabase(async (db) => {
        const row = await db
          .insertInto('runs')
          .values({
            ...toNewRunColumns(run),
            organization_id: scope.organizationId,
            environment_id: scope.environmentId,
            created_at: now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch(rethrowMissingEnvironment(scope));
        return toRunRecord(row);
      });
    },

    async getRun(scope, runId) {
      return withDatabase(async (db) => {
        const row = await db
          .selectFrom('runs')
          .selectAll()
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', runId)
          .executeTakeFirst();
        return row && toRunRecord(row);
      });
    },

    async listRuns(scope, query: RunListQuery = {}) {
      return withDatabase(async (db) => {
        const filtered = filterRuns(db, scope, query);
        const items = orderRuns(filtered.selectAll(), query)
          .execute()
          .then((rows) => rows.map(toRunRecord));
        return pageOf(filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(), items);
      });
    },

    async listRunSummaries(scope, query: RunListQuery = {}) {
      return withDatabase(async (db) => {
        const filtered = filterRuns(db, scope, query);
        const items = orderRuns(filtered.select(RUN_SUMMARY_COLUMNS), query)
          .execute()
          .then((rows) => rows.map(toRunSummaryRecord));
        return pageOf(filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(), items);
      });
    },

    async transitionRun(scope, runId, fromStates, patch) {
      return withDatabase(async (db) => {
        if (fromStates.length === 0) return undefined;
        const columns = toRunPatchColumns(patch);
        const row = await db
          .updateTable('runs')
          // An empty patch still tells whether the run was in one of `fromStates`.
          .set(Object.keys(columns).length > 0 ? columns : { state: sql.ref('state') })
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', runId)
          .where('state', 'in', fromStates)
          .returningAll()
          .executeTakeFirst();
        return row && toRunRecord(row);
      });
    },

    async transitionRunWithEvents(scope, runId, fromStates, patch, events) {
      return withDatabase(async (db) => {
        if (fromStates.length === 0) return undefined;
        const at = now();
        return db.transaction().execute(async (trx) => {
          // One UPDATE is both the compare-and-set and the reservation of the events' seqs.
          const row = await trx
            .updateTable('runs')
            .set((eb) => ({
              ...toRunPatchColumns(patch),
              last_event_seq: eb('last_event_seq', '+', events.length),
            }))
            .where('organization_id', '=', scope.organizationId)
            .where('environment_id', '=', scope.environmentId)
            .where('id', '=', runId)
            .where('state', 'in', fromStates)
            .returningAll()
            .executeTakeFirst();
          if (!row) return undefined;
          if (events.length > 0) {
            const firstSeq = row.last_event_seq - events.length + 1;
            await trx
              .insertInto('run_events')
              .values(
                events.map((event, index) => ({
                  organization_id: scope.organizationId,
                  environment_id: scope.environmentId,
                  run_id: runId,
                  seq: firstSeq + index,
                  type: event.type,
                  stage: event.stage,
                  title: event.title,
                  description: event.description,
                  data: toNullableJson(event.data),
                  created_at: at,
                })),
              )
              .execute();
          }
          return toRunRecord(row);
        });
      });
    },

    async deleteRun(scope, runId) {
      return withDatabase(async (db) => {
        const result = await db
          .deleteFrom('runs')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', runId)
          .executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },

    async appendRunEvents(scope, events) {
      return withDatabase(async (db) => {
        if (events.length === 0) return;
        const byRun = new Map<number, NewRunEvent[]>();
        for (const event of events) {
          const group = byRun.get(event.runId);
          if (group) group.push(event);
          else byRun.set(event.runId, [event]);
        }
        const at = now();
        await db.transaction().execute(async (trx) => {
          // Runs in id order: batches touching the same runs lock their rows in the same order and
          // cannot deadlock.
          for (const [runId, runEvents] of [...byRun].sort(([left], [right]) => left - right)) {
            // Reserving the seqs on the run row serializes concurrent appenders of one run.
            const reserved = await trx
              .updateTable('runs')
              .set((eb) => ({ last_event_seq: eb('last_event_seq', '+', runEvents.length) }))
              .where('organization_id', '=', scope.organizationId)
              .where('environment_id', '=', scope.environmentId)
              .where('id', '=', runId)
              .returning('last_event_seq')
              .executeTakeFirst();
            if (!reserved) throw runNotFound(scope, runId);
            const firstSeq = reserved.last_event_seq - runEvents.length + 1;
            await trx
              .insertInto('run_events')
              .values(
                runEvents.map((event, index) => ({
                  organization_id: scope.organizationId,
                  environment_id: scope.environmentId,
                  run_id: runId,
                  seq: firstSeq + index,
                  type: event.type,
                  stage: event.stage,
                  title: event.title,
                  description: event.description,
                  data: toNullableJson(event.data),
                  created_at: at,
                })),
              )
              .execute();
          }
        });
      });
    },

    async listRunEvents(scope, runId) {
      return withDatabase(async (db) => {
        const rows = await db
          .selectFrom('run_events')
          .selectAll()
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('run_id', '=', runId)
          .orderBy('seq')
          .execute();
        return rows.map((row): RunEvent => {
          const event: RunEvent = {
            runId: toSafeInteger(row.run_id),
            seq: row.seq,
            type: row.type,
            stage: row.stage as RunEvent['stage'],
            title: row.title,
            description: row.description,
            createdAt: row.created_at,
          };
          return row.data === null ? event : { ...event, data: row.data as Record<string, unknown> };
        });
      });
    },

    async appendRunSpans(scope, runId, otlpProtobufChunks) {
      return withDatabase(async (db) => {
        if (otlpProtobufChunks.length === 0) return;
        const at = now();
        const rows = otlpProtobufChunks.map((chunk) => ({
          organization_id: scope.organizationId,
          environment_id: scope.environmentId,
          run_id: runId,
          chunk: toDriverBytes(chunk),
          created_at: at,
        }));
        await db
          .transaction()
          .execute(async (trx) => {
            for (let start = 0; start < rows.length; start += SPAN_CHUNKS_PER_INSERT) {
              await trx
                .insertInto('run_spans')
                .values(rows.slice(start, start + SPAN_CHUNKS_PER_INSERT))
                .execute();
            }
          })
          .catch(rethrowMissingRun(scope, runId));
      });
    },

    async readRunSpans(scope, runId) {
      return withDatabase(async (db) => {
        const rows = await db
          .selectFrom('run_spans')
          .select('chunk')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('run_id', '=', runId)
          .orderBy('id')
          .execute();
        return rows.map((row) => toUint8Array(row.chunk));
      });
    },

    async saveRunTrace(scope, runId, otlpProtobuf) {
      return withDatabase(async (db) => {
        const encoded = await encodeTraceDocument(otlpProtobuf);
        await db
          .transaction()
          .execute(async (trx) => {
            const inserted = await trx
              .insertInto('run_traces')
              .values({
                organization_id: scope.organizationId,
                environment_id: scope.environmentId,
                run_id: runId,
                format: encoded.format,
                size_bytes: encoded.sizeBytes,
                document: toDriverBytes(encoded.document),
                created_at: now(),
              })
              .onConflict((conflict) => conflict.column('run_id').doNothing())
              .returning('run_id')
              .executeTakeFirst();
            if (inserted) {
              await trx
                .deleteFrom('run_spans')
                .where('organization_id', '=', scope.organizationId)
                .where('environment_id', '=', scope.environmentId)
                .where('run_id', '=', runId)
                .execute();
              return;
            }
            const existing = await trx
              .selectFrom('run_traces')
              .select(['format', 'document'])
              .where('organization_id', '=', scope.organizationId)
              .where('environment_id', '=', scope.environmentId)
              .where('run_id', '=', runId)
              .executeTakeFirst();
            if (!existing) throw runNotFound(scope, runId);
            const stored = await decodeTraceDocument(existing.format, existing.document);
            if (!Buffer.from(stored).equals(otlpProtobuf)) {
              throw new TracecheckError(
                'CONFLICT',
                `run ${runId} already has a trace (${stored.byteLength} bytes) that differs from the one ` +
                  `being saved (${otlpProtobuf.byteLength} bytes): a run's trace is written once`,
              );
            }
          })
          .catch(rethrowMissingRun(scope, runId));
      });
    },

    async readRunTrace(scope, runId) {
      return withDatabase(async (db) => {
        const row = await db
          .selectFrom('run_traces')
          .select(['format', 'document'])
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('run_id', '=', runId)
          .executeTakeFirst();
        return row && decodeTraceDocument(row.format, row.document);
      });
    },

    async createSuiteRun(scope, run) {
      return withDatabase(async (db) => {
        const row = await db
          .insertInto('suite_runs')
          .values({
            ...toNewSuiteRunColumns(run),
            organization_id: scope.organizationId,
            environment_id: scope.environmentId,
            created_at: now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch(rethrowMissingEnvironment(scope));
        return toSuiteRunRecord(row);
      });
    },

    async getSuiteRun(scope, suiteRunId) {
      return withDatabase(async (db) => {
        const row = await db
          .selectFrom('suite_runs')
          .selectAll()
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', suiteRunId)
          .executeTakeFirst();
        return row && toSuiteRunRecord(row);
      });
    },

    async listSuiteRuns(scope, query: SuiteRunListQuery = {}) {
      return withDatabase(async (db) => {
        let filtered = db
          .selectFrom('suite_runs')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId);
        if (query.suiteId !== undefined) filtered = filtered.where('suite_id', '=', query.suiteId);
        if (query.runGroupId !== undefined) filtered = filtered.where('run_group_id', '=', query.runGroupId);
        const direction = query.sortDirection ?? 'desc';
        let ordered = filtered.selectAll();
        if (query.sortBy === 'createdAt') ordered = ordered.orderBy('created_at', direction);
        const items = ordered
          .orderBy('id', direction)
          .limit(takeOf(query))
          .offset(query.skip ?? 0)
          .execute()
          .then((rows) => rows.map(toSuiteRunRecord));
        return pageOf(filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(), items);
      });
    },

    async updateSuiteRun(scope, suiteRunId, patch) {
      return withDatabase(async (db) => {
        const columns = toSuiteRunPatchColumns(patch);
        const row = await db
          .updateTable('suite_runs')
          .set(Object.keys(columns).length > 0 ? columns : { state: sql.ref('state') })
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId)
          .where('id', '=', suiteRunId)
          .returningAll()
          .executeTakeFirst();
        return row && toSuiteRunRecord(row);
      });
    },

    runGroups: createKyselyRunGroupStore(withDatabase, now),
    monitors: createKyselyMonitorStore(withDatabase, now),
    identity: createKyselyIdentityStore(database, { now }),
    sessions: createKyselySessionStore(database),

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled(running);
      await database.destroy();
    },
  };
}

/** The runs of a scope matching the filters of a run list. */
function filterRuns(db: Kysely<Database>, scope: Scope, query: RunListQuery) {
  let filtered = db
    .selectFrom('runs')
    .where('organization_id', '=', scope.organizationId)
    .where('environment_id', '=', scope.environmentId);
  if (query.testId !== undefined) filtered = filtered.where('test_id', '=', query.testId);
  if (query.states !== undefined) {
    filtered =
      query.states.length === 0
        ? filtered.where(sql.lit(false))
        : filtered.where('state', 'in', query.states);
  }
  if (query.createdAfter !== undefined) filtered = filtered.where('created_at', '>', query.createdAfter);
  if (query.createdBefore !== undefined) filtered = filtered.where('created_at', '<', query.createdBefore);
  if (query.source !== undefined) filtered = filtered.where('source', '=', query.source);
  if (query.branch !== undefined) filtered = filtered.where('branch', '=', query.branch);
  if (query.runGroupId !== undefined) filtered = filtered.where('run_group_id', '=', query.runGroupId);
  if (query.testSuiteRunId !== undefined) {
    filtered = filtered.where('test_suite_run_id', '=', query.testSuiteRunId);
  }
  return filtered;
}

/** A run list's order (newest first by default) and page. */
function orderRuns<Q extends SelectQueryBuilder<Database, 'runs', object>>(
  selected: Q,
  query: RunListQuery,
): Q {
  const direction = query.sortDirection ?? 'desc';
  let ordered = selected;
  if (query.sortBy === 'createdAt') ordered = ordered.orderBy('created_at', direction) as Q;
  return ordered
    .orderBy('id', direction)
    .limit(takeOf(query))
    .offset(query.skip ?? 0) as Q;
}

/** Every column of a run but the JSON values that grow with the trace. */
const RUN_SUMMARY_COLUMNS = [
  'id',
  'organization_id',
  'environment_id',
  'test_id',
  'test_version',
  'state',
  'trace_id',
  'span_id',
  'last_error_state',
  'created_at',
  'service_triggered_at',
  'service_trigger_completed_at',
  'obtained_trace_at',
  'completed_at',
  'variable_set_id',
  'variables',
  'required_gates',
  'metadata',
  'run_group_id',
  'test_suite_id',
  'test_suite_run_id',
  'source',
  'branch',
  'required_gates_result',
  'passed',
  'failed',
  'verdict',
  'last_event_seq',
] as const satisfies readonly (keyof RunsTable)[];

function toRunSummaryRecord(
  row: Pick<Selectable<RunsTable>, (typeof RUN_SUMMARY_COLUMNS)[number]>,
): RunSummaryRecord {
  const {
    resolvedTrigger: _resolvedTrigger,
    triggerResult: _triggerResult,
    result: _result,
    outputs: _outputs,
    linter: _linter,
    ...summary
  } = toRunRecord({
    ...row,
    resolved_trigger: null,
    trigger_result: null,
    result: null,
    outputs: null,
    linter: null,
  });
  return summary;
}

/**
 * The versions of one live resource joined with the resource, whose creation time every version
 * shares.
 */
function selectVersions(db: Kysely<Database>, scope: Scope, kind: ResourceKind, id: string) {
  return db
    .selectFrom('resource_versions as v')
    .innerJoin('resources as r', (join) =>
      join
        .onRef('r.organization_id', '=', 'v.organization_id')
        .onRef('r.environment_id', '=', 'v.environment_id')
        .onRef('r.kind', '=', 'v.kind')
        .onRef('r.id', '=', 'v.id'),
    )
    .select(['v.version', 'v.spec', 'v.created_at as updated_at', 'r.created_at'])
    .where('v.organization_id', '=', scope.organizationId)
    .where('v.environment_id', '=', scope.environmentId)
    .where('v.kind', '=', kind)
    .where('v.id', '=', id)
    .where('r.deleted_at', 'is', null);
}

function takeOf(query: PageQuery): number {
  return query.take ?? DEFAULT_PAGE_SIZE;
}

function readName(spec: unknown): string | null {
  if (typeof spec !== 'object' || spec === null || !('name' in spec)) return null;
  return typeof spec.name === 'string' ? spec.name : null;
}

/** Escapes `%`, `_` and the escape character itself, so the text matches literally. */
function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * Converts a bigint column value (string from `pg`, number or bigint from PGlite) to a number,
 * refusing values a JS number cannot hold exactly.
 */
function toSafeInteger(value: string | number | bigint): number {
  const converted = Number(value);
  if (!Number.isSafeInteger(converted)) {
    throw new TracecheckError(
      'INTERNAL',
      `the database returned ${String(value)} where a safe integer (at most 2^53-1) was expected`,
    );
  }
  return converted;
}

/** `pg` needs a Buffer to send bytea as binary; a Buffer is also the Uint8Array PGlite expects. */
function toDriverBytes(bytes: Uint8Array): Uint8Array {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toNullableJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '23503';
}

function rethrowMissingEnvironment(scope: Scope): (error: unknown) => never {
  return (error) => {
    if (!isForeignKeyViolation(error)) throw error;
    throw new TracecheckError(
      'NOT_FOUND',
      `environment "${scope.environmentId}" of organization "${scope.organizationId}" does not exist: ` +
        'create it with upsertEnvironment first',
      undefined,
      { cause: error },
    );
  };
}

function runNotFound(scope: Scope, runId: number, cause?: unknown): TracecheckError {
  return new TracecheckError(
    'NOT_FOUND',
    `run ${runId} does not exist in environment "${scope.environmentId}" of organization ` +
      `"${scope.organizationId}": check the run id and the environment`,
    undefined,
    { cause },
  );
}

function rethrowMissingRun(scope: Scope, runId: number): (error: unknown) => never {
  return (error) => {
    throw isForeignKeyViolation(error) ? runNotFound(scope, runId, error) : error;
  };
}

function toOrganizationRecord(row: { id: string; name: string; created_at: Date }): OrganizationRecord {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

function toEnvironmentRecord(row: {
  organization_id: string;
  id: string;
  name: string;
  created_at: Date;
}): EnvironmentRecord {
  return { organizationId: row.organization_id, id: row.id, name: row.name, createdAt: row.created_at };
}

function toResource<Spec>(
  kind: ResourceKind,
  row: { id: string; version: number; spec: unknown; created_at: Date; updated_at: Date },
): StoredResource<Spec> {
  return {
    kind,
    id: row.id,
    version: row.version,
    spec: row.spec as Spec,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toVersionResource<Spec>(
  kind: ResourceKind,
  id: string,
  row: { version: number; spec: unknown; created_at: Date; updated_at: Date },
): StoredResource<Spec> {
  return toResource<Spec>(kind, { ...row, id });
}

function toNewRunColumns(run: NewRun) {
  return {
    test_id: run.testId,
    test_version: run.testVersion,
    state: 'CREATED',
    trace_id: run.traceId,
    span_id: run.spanId,
    variable_set_id: run.variableSetId,
    variables: JSON.stringify(run.variables),
    required_gates: toNullableJson(run.requiredGates),
    metadata: JSON.stringify(run.metadata),
    run_group_id: run.runGroupId,
    test_suite_id: run.testSuiteId,
    test_suite_run_id: run.testSuiteRunId,
    source: run.source,
    branch: run.branch,
    passed: 0,
    failed: 0,
    last_event_seq: 0,
  };
}

function toRunPatchColumns(patch: RunPatch): Updateable<RunsTable> {
  const columns: Updateable<RunsTable> = {};
  if (patch.state !== undefined) columns.state = patch.state;
  if (patch.lastErrorState !== undefined) columns.last_error_state = patch.lastErrorState;
  if (patch.serviceTriggeredAt !== undefined) columns.service_triggered_at = patch.serviceTriggeredAt;
  if (patch.serviceTriggerCompletedAt !== undefined) {
    columns.service_trigger_completed_at = patch.serviceTriggerCompletedAt;
  }
  if (patch.obtainedTraceAt !== undefined) columns.obtained_trace_at = patch.obtainedTraceAt;
  if (patch.completedAt !== undefined) columns.completed_at = patch.completedAt;
  if (patch.resolvedTrigger !== undefined) columns.resolved_trigger = toNullableJson(patch.resolvedTrigger);
  if (patch.triggerResult !== undefined) columns.trigger_result = toNullableJson(patch.triggerResult);
  if (patch.result !== undefined) columns.result = toNullableJson(patch.result);
  if (patch.outputs !== undefined) columns.outputs = toNullableJson(patch.outputs);
  if (patch.linter !== undefined) columns.linter = toNullableJson(patch.linter);
  if (patch.requiredGatesResult !== undefined) {
    columns.required_gates_result = toNullableJson(patch.requiredGatesResult);
  }
  if (patch.passed !== undefined) columns.passed = patch.passed;
  if (patch.failed !== undefined) columns.failed = patch.failed;
  if (patch.verdict !== undefined) columns.verdict = patch.verdict;
  if (patch.traceId !== undefined) columns.trace_id = patch.traceId;
  return columns;
}

function toRunRecord(row: Selectable<RunsTable>): RunRecord {
  return {
    id: toSafeInteger(row.id),
    testId: row.test_id,
    testVersion: row.test_version,
    state: row.state as RunState,
    traceId: row.trace_id,
    spanId: row.span_id,
    lastErrorState: row.last_error_state,
    createdAt: row.created_at,
    serviceTriggeredAt: row.service_triggered_at,
    serviceTriggerCompletedAt: row.service_trigger_completed_at,
    obtainedTraceAt: row.obtained_trace_at,
    completedAt: row.completed_at,
    variableSetId: row.variable_set_id,
    variables: row.variables as RunVariable[],
    requiredGates: row.required_gates as string[] | null,
    metadata: row.metadata as Record<string, string>,
    runGroupId: row.run_group_id,
    testSuiteId: row.test_suite_id,
    testSuiteRunId: row.test_suite_run_id === null ? null : toSafeInteger(row.test_suite_run_id),
    source: row.source,
    branch: row.branch,
    resolvedTrigger: row.resolved_trigger,
    triggerResult: row.trigger_result,
    result: row.result,
    outputs: row.outputs,
    linter: row.linter,
    requiredGatesResult: row.required_gates_result,
    passed: row.passed,
    failed: row.failed,
    verdict: row.verdict,
  };
}

function toNewSuiteRunColumns(run: NewSuiteRun) {
  return {
    suite_id: run.suiteId,
    suite_version: run.suiteVersion,
    state: 'CREATED',
    variable_set_id: run.variableSetId,
    variables: JSON.stringify(run.variables),
    required_gates: toNullableJson(run.requiredGates),
    metadata: JSON.stringify(run.metadata),
    run_group_id: run.runGroupId,
    step_run_ids: '[]',
  };
}

function toSuiteRunPatchColumns(patch: SuiteRunPatch): Updateable<SuiteRunsTable> {
  const columns: Updateable<SuiteRunsTable> = {};
  if (patch.state !== undefined) columns.state = patch.state;
  if (patch.completedAt !== undefined) columns.completed_at = patch.completedAt;
  if (patch.stepRunIds !== undefined) columns.step_run_ids = JSON.stringify(patch.stepRunIds);
  if (patch.lastErrorState !== undefined) columns.last_error_state = patch.lastErrorState;
  return columns;
}

function toSuiteRunRecord(row: Selectable<SuiteRunsTable>): SuiteRunRecord {
  return {
    id: toSafeInteger(row.id),
    suiteId: row.suite_id,
    suiteVersion: row.suite_version,
    state: row.state as SuiteRunState,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    variableSetId: row.variable_set_id,
    variables: row.variables as RunVariable[],
    requiredGates: row.required_gates as string[] | null,
    metadata: row.metadata as Record<string, string>,
    runGroupId: row.run_group_id,
    stepRunIds: row.step_run_ids as number[],
    lastErrorState: row.last_error_state,
  };
}
