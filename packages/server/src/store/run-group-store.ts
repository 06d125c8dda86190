import { isFinalState, RUN_STATES, TracecheckError } from '@tracecheck/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, RunGroupsTable } from './database';
import { DEFAULT_PAGE_SIZE, type Page, type PageQuery, type Scope } from './store';

/**
 * Run groups (SPEC §0, `run -f` with several files; Tracetest's run groups): a stored object that the
 * test runs and suite runs carrying its id (`runGroupId`) belong to, with one summary and one verdict.
 */

/** CREATED: no run yet; RUNNING: a run or suite run goes on; FINISHED: every one of them ended. */
export type RunGroupState = 'CREATED' | 'RUNNING' | 'FINISHED';

export const RUN_GROUP_STATES: readonly RunGroupState[] = ['CREATED', 'RUNNING', 'FINISHED'];

/**
 * The members of a group by outcome. A member is a test run that is not a suite step, or a suite run
 * (its steps count through it). A test run passed when it ended with verdict true; a suite run passed
 * when it FINISHED and every one of its step runs passed.
 */
export interface RunGroupSummary {
  readonly running: number;
  readonly passed: number;
  readonly failed: number;
  /** True when the group FINISHED and every member passed; false when it FINISHED otherwise; null before. */
  readonly verdict: boolean | null;
}

export interface RunGroupRecord {
  readonly id: string;
  readonly state: RunGroupState;
  readonly createdAt: Date;
  /** When the summary last changed. */
  readonly updatedAt: Date;
  /** When the last member ended, once the group is FINISHED; null before. */
  readonly finishedAt: Date | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the group came from: cli, api, web, monitor… */
  readonly source: string;
  readonly summary: RunGroupSummary;
}

export interface NewRunGroup {
  readonly id: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly source: string;
}

/** Newest first by default (creation time, then id). */
export interface RunGroupListQuery extends PageQuery {
  readonly states?: readonly RunGroupState[];
}

/**
 * The run groups of a scope. `ensure` is idempotent (starting runs in parallel with one group id
 * creates the group once); `refresh` recomputes the summary from the members and says whether it
 * changed (the caller then publishes a live event).
 */
export interface RunGroupStore {
  /** Creates the group, or answers the existing one unchanged (`created: false`). */
  ensure(scope: Scope, group: NewRunGroup): Promise<{ group: RunGroupRecord; created: boolean }>;
  get(scope: Scope, id: string): Promise<RunGroupRecord | undefined>;
  list(scope: Scope, query?: RunGroupListQuery): Promise<Page<RunGroupRecord>>;
  /**
   * Recomputes the summary from the group's runs and suite runs (under the group's row lock, so the
   * last refresh sees every member change committed before it). Undefined when there is no such group.
   */
  refresh(scope: Scope, id: string): Promise<{ group: RunGroupRecord; changed: boolean } | undefined>;
}

/**
 * The characters a group id may have: it is a topic token of live events and a path segment, so no
 * dot, slash, space or wildcard.
 */
const RUN_GROUP_ID = /^[A-Za-z0-9_-][A-Za-z0-9_:~-]{0,127}$/;

/**
 * Rejects a run group id that cannot be stored, with how to fix it.
 * @example assertRunGroupId('nightly-2025-01-02')
 */
export function assertRunGroupId(id: string): void {
  if (!RUN_GROUP_ID.test(id)) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `run group id "${id}" is not valid: use 1 to 128 letters, digits, "_", "-", ":" or "~" ` +
        '(no dots, slashes or spaces), e.g. "nightly-2025-01-02"',
      { runGroupId: id },
    );
  }
}

const FINAL_RUN_STATES = RUN_STATES.filter(isFinalState);
const FINAL_SUITE_RUN_STATES = ['FINISHED', 'FAILED', 'STOPPED'];

type WithDatabase = <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

interface ComputedSummary {
  readonly running: number;
  readonly passed: number;
  readonly failed: number;
  readonly lastCompletedAt: Date | null;
}

/**
 * The run-group part of the Kysely store (both adapters). `withDatabase` is the store's guard (refuses
 * work after close and lets close wait); `now` its clock.
 */
export function createKyselyRunGroupStore(withDatabase: WithDatabase, now: () => Date): RunGroupStore {
  return {
    async ensure(scope, group) {
      assertRunGroupId(group.id);
      return withDatabase(async (db) => {
        const at = now();
        const inserted = await db
          .insertInto('run_groups')
          .values({
            organization_id: scope.organizationId,
            environment_id: scope.environmentId,
            id: group.id,
            created_at: at,
            updated_at: at,
            finished_at: null,
            metadata: JSON.stringify(group.metadata),
            source: group.source,
            state: 'CREATED',
            running: 0,
            passed: 0,
            failed: 0,
            verdict: null,
          })
          .onConflict((conflict) => conflict.columns(['organization_id', 'environment_id', 'id']).doNothing())
          .returningAll()
          .executeTakeFirst()
          .catch((error: unknown) => {
            if (!isForeignKeyViolation(error)) throw error;
            throw new TracecheckError(
              'NOT_FOUND',
              `environment "${scope.environmentId}" of organization "${scope.organizationId}" does not exist: ` +
                'create it with upsertEnvironment first',
              undefined,
              { cause: error },
            );
          });
        if (inserted) return { group: toRunGroupRecord(inserted), created: true };
        const existing = await selectGroup(db, scope, group.id).executeTakeFirstOrThrow();
        return { group: toRunGroupRecord(existing), created: false };
      });
    },

    async get(scope, id) {
      return withDatabase(async (db) => {
        const row = await selectGroup(db, scope, id).executeTakeFirst();
        return row && toRunGroupRecord(row);
      });
    },

    async list(scope, query: RunGroupListQuery = {}) {
      return withDatabase(async (db) => {
        let filtered = db
          .selectFrom('run_groups')
          .where('organization_id', '=', scope.organizationId)
          .where('environment_id', '=', scope.environmentId);
        if (query.states !== undefined) {
          filtered =
            query.states.length === 0
              ? filtered.where(sql.lit(false))
              : filtered.where('state', 'in', query.states);
        }
        const direction = query.sortDirection ?? 'desc';
        const [counted, rows] = await Promise.all([
          filtered.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
          filtered
            .selectAll()
            .orderBy('created_at', direction)
            .orderBy('id', direction)
            .limit(query.take ?? DEFAULT_PAGE_SIZE)
            .offset(query.skip ?? 0)
            .execute(),
        ]);
        return { items: rows.map(toRunGroupRecord), count: Number(counted?.count ?? 0) };
      });
    },

    async refresh(scope, id) {
      return withDatabase((db) =>
        db.transaction().execute(async (trx) => {
          // The row lock orders concurrent refreshes; each later statement sees what committed before it.
          const current = await selectGroup(trx, scope, id).forUpdate().executeTakeFirst();
          if (!current) return undefined;
          const computed = await computeSummary(trx, scope, id);
          const members = computed.running + computed.passed + computed.failed;
          const state: RunGroupState =
            members === 0 ? 'CREATED' : computed.running > 0 ? 'RUNNING' : 'FINISHED';
          const verdict = state === 'FINISHED' ? computed.failed === 0 : null;
          const finishedAt = state === 'FINISHED' ? (computed.lastCompletedAt ?? now()) : null;
          const unchanged =
            current.state === state &&
            current.running === computed.running &&
            current.passed === computed.passed &&
            current.failed === computed.failed &&
            current.verdict === verdict &&
            (current.finished_at?.getTime() ?? null) === (finishedAt?.getTime() ?? null);
          if (unchanged) return { group: toRunGroupRecord(current), changed: false };
          const updated = await trx
            .updateTable('run_groups')
            .set({
              state,
              running: computed.running,
              passed: computed.passed,
              failed: computed.failed,
              verdict,
              finished_at: finishedAt,
              updated_at: now(),
            })
            .where('organization_id', '=', scope.organizationId)
            .where('environment_id', '=', scope.environmentId)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          return { group: toRunGroupRecord(updated), changed: true };
        }),
      );
    },
  };
}

function selectGroup(db: Kysely<Database>, scope: Scope, id: string) {
  return db
    .selectFrom('run_groups')
    .selectAll()
    .where('organization_id', '=', scope.organizationId)
    .where('environment_id', '=', scope.environmentId)
    .where('id', '=', id);
}

/** Counts the members by outcome: test runs that are not suite steps, and suite runs. */
async function computeSummary(db: Kysely<Database>, scope: Scope, id: string): Promise<ComputedSummary> {
  const { organizationId, environmentId } = scope;
  const finalRunStates = sql.join(FINAL_RUN_STATES.map((state) => sql.lit(state)));
  const finalSuiteStates = sql.join(FINAL_SUITE_RUN_STATES.map((state) => sql.lit(state)));
  const result = await sql<{
    running: string | number | bigint;
    passed: string | number | bigint;
    failed: string | number | bigint;
    last_completed_at: Date | string | null;
  }>`
    with members as (
      select
        case
          when r.state not in (${finalRunStates}) then 'running'
          when r.verdict is true then 'passed'
          else 'failed'
        end as outcome,
        r.completed_at
      from runs r
      where r.organization_id = ${organizationId} and r.environment_id = ${environmentId}
        and r.run_group_id = ${id} and r.test_suite_run_id is null
      union all
      select
        case
          when s.state not in (${finalSuiteStates}) then 'running'
          when s.state = 'FINISHED' and not exists (
            select 1 from runs step
            where step.organization_id = s.organization_id and step.environment_id = s.environment_id
              and step.test_suite_run_id = s.id and step.verdict is not true
          ) then 'passed'
          else 'failed'
        end as outcome,
        s.completed_at
      from suite_runs s
      where s.organization_id = ${organizationId} and s.environment_id = ${environmentId}
        and s.run_group_id = ${id}
    )
    select
      count(*) filter (where outcome = 'running') as running,
      count(*) filter (where outcome = 'passed') as passed,
      count(*) filter (where outcome = 'failed') as failed,
      max(completed_at) as last_completed_at
    from members`.execute(db);
  const row = result.rows[0];
  const last = row?.last_completed_at ?? null;
  return {
    running: Number(row?.running ?? 0),
    passed: Number(row?.passed ?? 0),
    failed: Number(row?.failed ?? 0),
    lastCompletedAt: last === null ? null : new Date(last),
  };
}

function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '23503';
}

function toRunGroupRecord(row: Selectable<RunGroupsTable>): RunGroupRecord {
  return {
    id: row.id,
    state: row.state as RunGroupState,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    metadata: row.metadata as Record<string, string>,
    source: row.source,
    summary: { running: row.running, passed: row.passed, failed: row.failed, verdict: row.verdict },
  };
}
