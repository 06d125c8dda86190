/**
 * What the API tests run against: a PGlite store in memory, the in-process event bus, a fake clock,
 * a counter for generated ids, and a small run service over the store (the real one is the run
 * pipeline's; the API only calls it). Test code only.
 */
import {
  decodeOtlpProtobuf,
  encodeOtlpProtobuf,
  evaluateTest,
  findVariableReferences,
  type SpanRecord,
  type SpecInput,
  TracecheckError,
  type TraceId,
  traceFromRecords,
} from '@tracecheck/core';
import { F1_ROWS, fixtureSpanInput } from '@tracecheck/core/testing';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { createMemoryEventBus, type EventBus } from '../events/index';
import type { AccessControl } from '../identity/access-control';
import type {
  DryRunResult,
  RunInformation,
  RunService,
  StartRunOutcome,
  StartSuiteRunOutcome,
} from '../pipeline/run-service';
import { createPgliteStore, type SecretBox } from '../store/index';
import type {
  RunPatch,
  RunRecord,
  RunState,
  RunVariable,
  Scope,
  Store,
  SuiteRunRecord,
} from '../store/store';
import { createApiServer, createHeaderScopeResolver } from './create-api-server';

export const SCOPE: Scope = { organizationId: 'org1', environmentId: 'env1' };
export const OTHER_SCOPE: Scope = { organizationId: 'org1', environmentId: 'env2' };
export const T0 = new Date('2025-01-02T03:04:05.000Z');

const FINAL_STATES: readonly RunState[] = [
  'FINISHED',
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
  'STOPPED',
];
const RUNNING_STATES: readonly RunState[] = [
  'CREATED',
  'EXECUTING',
  'AWAITING_TRACE',
  'ANALYZING_TRACE',
  'AWAITING_TEST_RESULTS',
];

interface FakeClock {
  now(): Date;
  advance(ms: number): void;
}

function createFakeClock(start: Date = T0): FakeClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}

function hexOf(n: number, length: number): string {
  return n.toString(16).padStart(length, '0');
}

/** Every text of a JSON value (the fields of a trigger), for the missing-variable check. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(textsOf);
  return [];
}

interface StoredTest {
  readonly trigger?: unknown;
  readonly outputs?: readonly { readonly name: string; readonly value: string }[];
  readonly specs?: readonly SpecInput[];
}

/**
 * A run service over the store: it creates runs and suite runs, refuses runs with missing variables
 * (SPEC §6.3), stops, skips trace collection and dry-runs specs on the stored trace with the core
 * evaluator. It does not drive runs forward: tests do that with `advanceRun`, as the pipeline would.
 */
class StoreRunService implements RunService {
  private traceCounter = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly clock: FakeClock,
  ) {}

  async publishRun(scope: Scope, run: RunRecord): Promise<void> {
    await this.bus.publish({
      type: 'run',
      organizationId: scope.organizationId,
      environmentId: scope.environmentId,
      runId: run.id,
      testId: run.testId,
      state: run.state,
    });
  }

  private async variableSetValues(scope: Scope, variableSetId: string | undefined): Promise<RunVariable[]> {
    if (variableSetId === undefined) return [];
    const set = await this.store.getResource<{ values?: RunVariable[] }>(scope, 'VariableSet', variableSetId);
    if (set === undefined)
      throw new TracecheckError('NOT_FOUND', `variable set "${variableSetId}" not found`);
    return [...(set.spec.values ?? [])];
  }

  private async createTestRun(
    scope: Scope,
    testId: string,
    info: RunInformation,
    suite?: { readonly suiteId: string; readonly suiteRunId: number },
  ): Promise<StartRunOutcome> {
    const test = await this.store.getResource<StoredTest>(scope, 'Test', testId);
    if (test === undefined) throw new TracecheckError('NOT_FOUND', `test "${testId}" not found`);
    const variables: RunVariable[] = [
      ...(await this.variableSetValues(scope, info.variableSetId)),
      ...(info.variables ?? []).map((variable) => ({ ...variable, type: 'raw' as const })),
    ];
    const available = new Set([
      ...variables.map((v) => v.key),
      ...(test.spec.outputs ?? []).map((o) => o.name),
    ]);
    const referenced = [
      ...textsOf(test.spec.trigger).flatMap((text) => findVariableReferences(text, 'template')),
      ...(test.spec.outputs ?? []).flatMap((output) => findVariableReferences(output.value, 'expression')),
    ];
    const missing = [...new Set(referenced.filter((name) => !available.has(name)))];
    if (missing.length > 0) {
      return {
        ok: false,
        missingVariables: [{ testId, variables: missing.map((key) => ({ key, defaultValue: '' })) }],
      };
    }
    this.traceCounter++;
    const run = await this.store.createRun(scope, {
      testId,
      testVersion: test.version,
      traceId: hexOf(this.traceCounter, 32),
      spanId: hexOf(this.traceCounter, 16),
      variableSetId: info.variableSetId ?? null,
      variables,
      requiredGates: info.requiredGates ?? null,
      metadata: info.metadata ?? {},
      runGroupId: info.runGroupId ?? null,
      testSuiteId: suite?.suiteId ?? null,
      testSuiteRunId: suite?.suiteRunId ?? null,
      source: info.source ?? 'api',
      branch: info.metadata?.branch ?? null,
    });
    await this.publishRun(scope, run);
    return { ok: true, run };
  }

  async startTestRun(scope: Scope, testId: string, info: RunInformation): Promise<StartRunOutcome> {
    return this.createTestRun(scope, testId, info);
  }

  async startSuiteRun(scope: Scope, suiteId: string, info: RunInformation): Promise<StartSuiteRunOutcome> {
    const suite = await this.store.getResource<{ steps: string[] }>(scope, 'TestSuite', suiteId);
    if (suite === undefined) throw new TracecheckError('NOT_FOUND', `test suite "${suiteId}" not found`);
    const created = await this.store.createSuiteRun(scope, {
      suiteId,
      suiteVersion: suite.version,
      variableSetId: info.variableSetId ?? null,
      variables: (info.variables ?? []).map((variable) => ({ ...variable, type: 'raw' as const })),
      requiredGates: info.requiredGates ?? null,
      metadata: info.metadata ?? {},
      runGroupId: info.runGroupId ?? null,
    });
    const stepRunIds: number[] = [];
    for (const step of suite.spec.steps) {
      const outcome = await this.createTestRun(scope, step, info, { suiteId, suiteRunId: created.id });
      if (!outcome.ok) return outcome;
      stepRunIds.push(outcome.run.id);
    }
    const run = await this.store.updateSuiteRun(scope, created.id, { state: 'EXECUTING', stepRunIds });
    if (run === undefined) throw new TracecheckError('INTERNAL', 'the suite run vanished');
    return { ok: true, run };
  }

  async rerun(scope: Scope, testId: string, runId: number): Promise<RunRecord> {
    const previous = await this.store.getRun(scope, runId);
    if (previous === undefined) throw new TracecheckError('NOT_FOUND', `run ${runId} not found`);
    const outcome = await this.createTestRun(scope, testId, {
      metadata: previous.metadata,
      variables: previous.variables.filter((variable) => variable.type === 'raw'),
      source: previous.source,
    });
    if (!outcome.ok) throw new TracecheckError('VARIABLES_MISSING', 'variables are missing');
    return outcome.run;
  }

  async stopRun(scope: Scope, _testId: string, runId: number): Promise<RunRecord> {
    const stopped = await this.store.transitionRun(scope, runId, RUNNING_STATES, {
      state: 'STOPPED',
      completedAt: this.clock.now(),
    });
    if (stopped === undefined) throw new TracecheckError('CONFLICT', `run ${runId} has already ended`);
    await this.publishRun(scope, stopped);
    return stopped;
  }

  async stopSuiteRun(scope: Scope, _suiteId: string, suiteRunId: number): Promise<SuiteRunRecord> {
    const current = await this.store.getSuiteRun(scope, suiteRunId);
    if (current === undefined || current.completedAt !== null) {
      throw new TracecheckError('CONFLICT', `suite run ${suiteRunId} has already ended`);
    }
    const stopped = await this.store.updateSuiteRun(scope, suiteRunId, {
      state: 'STOPPED',
      completedAt: this.clock.now(),
    });
    if (stopped === undefined) throw new TracecheckError('INTERNAL', 'the suite run vanished');
    return stopped;
  }

  async skipTraceCollection(scope: Scope, _testId: string, runId: number): Promise<RunRecord> {
    const skipped = await this.store.transitionRun(scope, runId, ['AWAITING_TRACE'], {
      state: 'ANALYZING_TRACE',
    });
    if (skipped === undefined) {
      throw new TracecheckError('CONFLICT', `run ${runId} is not collecting its trace: nothing to skip`);
    }
    await this.publishRun(scope, skipped);
    return skipped;
  }

  async dryRun(scope: Scope, _testId: string, runId: number, specs: unknown): Promise<DryRunResult> {
    const run = await this.store.getRun(scope, runId);
    const bytes = run && (await this.store.readRunTrace(scope, runId));
    if (run === undefined || bytes === undefined) {
      throw new TracecheckError('CONFLICT', `run ${runId} has no stored trace to evaluate specs on`);
    }
    const trace = traceFromRecords(run.traceId as TraceId, decodeOtlpProtobuf(bytes));
    const evaluation = evaluateTest({ trace, specs: specs as SpecInput[], variables: new Map() });
    return { allPassed: evaluation.allPassed, results: evaluation.results };
  }

  /** Moves a run forward as the pipeline would, publishing the change. */
  async advanceRun(scope: Scope, runId: number, patch: RunPatch): Promise<RunRecord> {
    const run = await this.store.transitionRun(scope, runId, [...RUNNING_STATES, ...FINAL_STATES], patch);
    if (run === undefined) throw new TracecheckError('NOT_FOUND', `run ${runId} not found`);
    await this.publishRun(scope, run);
    return run;
  }

  /**
   * Finishes a run on fixture F1 as the pipeline would: the trace stored, the test's specs
   * evaluated, state FINISHED with results, counts, gates and verdict.
   */
  async finishRunOnF1(
    scope: Scope,
    runId: number,
    times: { readonly completedAt: Date },
  ): Promise<RunRecord> {
    const run = await this.store.getRun(scope, runId);
    if (run === undefined) throw new TracecheckError('NOT_FOUND', `run ${runId} not found`);
    const test = await this.store.getResource<StoredTest>(scope, 'Test', run.testId, run.testVersion);
    const records = fixtureRecords(run.traceId as TraceId);
    await this.store.saveRunTrace(scope, runId, encodeOtlpProtobuf(records));
    const evaluation = evaluateTest({
      trace: traceFromRecords(run.traceId as TraceId, records),
      specs: test?.spec.specs ?? [],
      variables: new Map(),
    });
    const gates = {
      required: ['test-specs'],
      failed: evaluation.allPassed ? [] : ['test-specs'],
      passed: evaluation.allPassed,
    };
    return this.advanceRun(scope, runId, {
      state: 'FINISHED',
      serviceTriggeredAt: new Date(run.createdAt.getTime() + 100),
      serviceTriggerCompletedAt: new Date(run.createdAt.getTime() + 350),
      obtainedTraceAt: new Date(times.completedAt.getTime() - 100),
      completedAt: times.completedAt,
      result: { allPassed: evaluation.allPassed, results: evaluation.results },
      outputs: evaluation.outputs,
      requiredGatesResult: gates,
      passed: evaluation.passed,
      failed: evaluation.failed,
      verdict: evaluation.allPassed,
    });
  }
}

/** F1 of SPEC §12.0 as OTLP span records of trace `traceId`. */
export function fixtureRecords(traceId: TraceId): SpanRecord[] {
  const resource = { attributes: [], droppedAttributesCount: 0, schemaUrl: '' };
  return F1_ROWS.map((row) => {
    const input = fixtureSpanInput(row);
    return {
      traceId,
      spanId: input.id,
      parentSpanId: input.parentId,
      traceState: '',
      flags: 0,
      name: input.name,
      kind: input.kind,
      startTimeUnixNano: input.startTimeUnixNano,
      endTimeUnixNano: input.endTimeUnixNano,
      attributes: [...input.attributes].map(([key, value]) => ({ key, value: { type: 'string', value } })),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: null,
      resource,
      scope: null,
    };
  });
}

export interface ApiHarness {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly bus: EventBus;
  readonly runs: StoreRunService;
  readonly clock: FakeClock;
  /** Flips what `/api/health` reports. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

interface ApiHarnessOptions {
  readonly secretBox?: SecretBox;
  readonly heartbeatMs?: number;
  /** Identity on: the access control authorizes every route (identity tests). */
  readonly access?: (store: Store, now: () => Date) => AccessControl;
  /** Default: a silent pino logger. */
  readonly logger?: Logger;
  /** Default: PGlite in memory. */
  readonly openStore?: (now: () => Date) => Promise<Store>;
}

/** A server over a fresh in-memory store with the organization `org1` and environments `env1`, `env2`. */
export async function createApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const clock = createFakeClock();
  const store = await (options.openStore ?? ((now) => createPgliteStore({ now })))(clock.now);
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Org 1' });
  await store.upsertEnvironment(SCOPE, 'Environment 1');
  await store.upsertEnvironment(OTHER_SCOPE, 'Environment 2');
  const logger = options.logger ?? pino({ level: 'silent' });
  const access = options.access?.(store, clock.now);
  const bus = createMemoryEventBus({ logger });
  const runs = new StoreRunService(store, bus, clock);
  let ready = true;
  let idCounter = 0;
  const app = createApiServer({
    store,
    bus,
    runs,
    logger,
    resolveScope: access ? access.resolveScope : createHeaderScopeResolver(SCOPE),
    ...(access ? { access } : {}),
    version: '1.2.3',
    ready: () => ready,
    now: clock.now,
    generateId: () => `gen${String(++idCounter).padStart(6, '0')}`,
    ...(options.secretBox === undefined ? {} : { secretBox: options.secretBox }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  await app.ready();
  return {
    app,
    store,
    bus,
    runs,
    clock,
    setReady(value) {
      ready = value;
    },
    async close() {
      await app.close();
      await bus.close();
      await store.close();
    },
  };
}
