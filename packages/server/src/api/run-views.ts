import {
  decodeOtlpProtobuf,
  isTraceId,
  SECRET_MASK,
  type SpanRecord,
  type Trace,
  TracecheckError,
  traceFromRecords,
} from '@tracecheck/core';
import type { z } from 'zod/v4';
import type {
  RunEvent,
  RunRecord,
  RunSummaryRecord,
  RunVariable,
  Scope,
  Store,
  SuiteRunRecord,
} from '../store/store';
import type { RunEventSchema, TestRunSchema, TestSuiteRunSchema, TraceSchema } from './api-schemas';

export type TraceView = z.output<typeof TraceSchema>;
type SpanView = TraceView['flat'][string];
type SpanTreeView = SpanView & { readonly children: readonly SpanTreeView[] };

/**
 * A test run as answered (SPEC §10). The JSON values the pipeline stored (results, outputs, gates)
 * pass through as they are.
 */
export type TestRunView = Omit<
  z.output<typeof TestRunSchema>,
  'result' | 'outputs' | 'requiredGatesResult' | 'trace'
> & {
  readonly result: unknown;
  readonly outputs: unknown;
  readonly requiredGatesResult: unknown;
  readonly trace?: TraceView;
};

/** A test run as lists answer it: counts, verdict, state and times; no results, trigger or trace. */
export type TestRunSummaryView = Omit<
  TestRunView,
  'resolvedTrigger' | 'triggerResult' | 'result' | 'outputs' | 'linter' | 'trace'
>;

export type TestSuiteRunView = Omit<z.output<typeof TestSuiteRunSchema>, 'steps'> & {
  readonly steps: readonly TestRunView[];
};

export type RunEventView = z.output<typeof RunEventSchema>;

const MS_PER_SECOND = 1000;
const NS_PER_MS = 1_000_000n;

function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

/** `executionTime` of SPEC §7.1: whole seconds from creation to completion, or to now while running. */
function executionSecondsOf(createdAt: Date, completedAt: Date | null, now: Date): number {
  const end = completedAt ?? now;
  return Math.max(0, Math.ceil((end.getTime() - createdAt.getTime()) / MS_PER_SECOND));
}

/** `triggerTime` of SPEC §7.1: milliseconds the trigger took, or has taken so far. */
function triggerMillisecondsOf(run: RunRecord, now: Date): number {
  if (run.serviceTriggeredAt === null) return 0;
  const end = run.serviceTriggerCompletedAt ?? now;
  return Math.max(0, end.getTime() - run.serviceTriggeredAt.getTime());
}

/** Run variables as listed to anyone: secret values masked (SPEC §6.5). */
function describeVariables(variables: readonly RunVariable[]): RunVariable[] {
  return variables.map((variable) =>
    variable.type === 'secret' ? { ...variable, value: SECRET_MASK } : { ...variable },
  );
}

/**
 * The TestRun object of SPEC §10 built from a stored run, with field names as Tracetest clients read
 * them (`id` and `testSuiteRunId` as text). `now` ends the times of a run that is still going.
 */
export function toTestRunView(run: RunRecord, now: Date, trace?: TraceView): TestRunView {
  return {
    id: String(run.id),
    testId: run.testId,
    testVersion: run.testVersion,
    traceId: run.traceId,
    spanId: run.spanId,
    runGroupId: run.runGroupId,
    state: run.state,
    lastErrorState: run.lastErrorState,
    executionTime: executionSecondsOf(run.createdAt, run.completedAt, now),
    triggerTime: triggerMillisecondsOf(run, now),
    createdAt: run.createdAt.toISOString(),
    serviceTriggeredAt: isoOrNull(run.serviceTriggeredAt),
    serviceTriggerCompletedAt: isoOrNull(run.serviceTriggerCompletedAt),
    obtainedTraceAt: isoOrNull(run.obtainedTraceAt),
    completedAt: isoOrNull(run.completedAt),
    variableSet: { id: run.variableSetId, values: describeVariables(run.variables) },
    resolvedTrigger: run.resolvedTrigger,
    triggerResult: run.triggerResult,
    ...(trace === undefined ? {} : { trace }),
    result: run.result,
    linter: run.linter,
    outputs: run.outputs ?? [],
    requiredGatesResult: run.requiredGatesResult,
    metadata: { ...run.metadata },
    testSuiteId: run.testSuiteId,
    testSuiteRunId: run.testSuiteRunId === null ? null : String(run.testSuiteRunId),
    source: run.source,
    branch: run.branch,
    pass: run.passed,
    fail: run.failed,
    passed: run.verdict,
  };
}

/**
 * A run as list answers carry it (`GET /api/runs`, `GET /api/tests/:id/run`, a group's runs): what
 * grows with the trace stays on the read of one run.
 */
export function toTestRunSummaryView(run: RunSummaryRecord, now: Date): TestRunSummaryView {
  const {
    resolvedTrigger: _resolvedTrigger,
    triggerResult: _triggerResult,
    result: _result,
    outputs: _outputs,
    linter: _linter,
    ...summary
  } = toTestRunView(
    { ...run, resolvedTrigger: null, triggerResult: null, result: null, outputs: null, linter: null },
    now,
  );
  return summary;
}

function gatesPassed(run: RunRecord): boolean {
  const gates = run.requiredGatesResult;
  return typeof gates === 'object' && gates !== null && 'passed' in gates && gates.passed === true;
}

/** The TestSuiteRun object of SPEC §10 with the runs of the steps that started so far. */
export function toTestSuiteRunView(
  run: SuiteRunRecord,
  steps: readonly RunRecord[],
  now: Date,
): TestSuiteRunView {
  return {
    id: String(run.id),
    testSuiteId: run.suiteId,
    version: run.suiteVersion,
    runGroupId: run.runGroupId,
    state: run.state,
    lastErrorState: run.lastErrorState,
    createdAt: run.createdAt.toISOString(),
    completedAt: isoOrNull(run.completedAt),
    executionTime: executionSecondsOf(run.createdAt, run.completedAt, now),
    steps: steps.map((step) => toTestRunView(step, now)),
    variableSet: { id: run.variableSetId, values: describeVariables(run.variables) },
    metadata: { ...run.metadata },
    pass: steps.reduce((sum, step) => sum + step.passed, 0),
    fail: steps.reduce((sum, step) => sum + step.failed, 0),
    allStepsRequiredGatesPassed: steps.length > 0 && steps.every(gatesPassed),
  };
}

/** One line of a run's event log as answered. */
export function toRunEventView(event: RunEvent, testId: string): RunEventView {
  return {
    runId: String(event.runId),
    testId,
    seq: event.seq,
    type: event.type,
    stage: event.stage,
    title: event.title,
    description: event.description,
    createdAt: event.createdAt.toISOString(),
    ...(event.data === undefined ? {} : { data: { ...event.data } }),
  };
}

/** Tracetest's trace shape: the tree from the root, and every span by id (without children). */
export function toTraceView(trace: Trace): TraceView {
  const spans: SpanView[] = trace.spans.map((span) => ({
    id: span.id,
    parentId: span.parentId,
    name: span.name,
    kind: span.kind,
    startTime: Number(span.startTimeUnixNano / NS_PER_MS),
    endTime: Number(span.endTimeUnixNano / NS_PER_MS),
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    attributes: Object.fromEntries(span.attributes),
  }));
  const trees: SpanTreeView[] = new Array(spans.length);
  // Tree order is pre-order, so children come after their parent: build the trees from the end.
  for (let index = spans.length - 1; index >= 0; index--) {
    const span = spans[index];
    if (span === undefined) continue;
    const children = (trace.children[index] ?? []).flatMap((child) => {
      const tree = trees[child];
      return tree === undefined ? [] : [tree];
    });
    trees[index] = { ...span, children };
  }
  return {
    traceId: trace.traceId,
    tree: trees[0] ?? null,
    flat: Object.fromEntries(spans.map((span) => [span.id, span])),
  };
}

/**
 * The trace of a run: the stored trace once the run has one, else the spans received so far; undefined
 * when there is none yet.
 */
export async function readRunTrace(store: Store, scope: Scope, run: RunRecord): Promise<Trace | undefined> {
  if (!isTraceId(run.traceId)) return undefined;
  const records = await readRunRecords(store, scope, run);
  return records.length === 0 ? undefined : traceFromRecords(run.traceId, records);
}

/**
 * The spans of a run as OTLP/protobuf `ExportTraceServiceRequest` bytes: the stored trace, or the
 * chunks received so far joined together (serialised messages of one type concatenate into one whose
 * repeated fields hold them all). Empty when no span has arrived. Nothing is decoded.
 */
export async function readRunOtlpProtobuf(store: Store, scope: Scope, run: RunRecord): Promise<Uint8Array> {
  const stored = await store.readRunTrace(scope, run.id);
  if (stored !== undefined) return stored;
  const chunks = await store.readRunSpans(scope, run.id);
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

/** The span records of a run: its stored trace, or the chunks buffered while it collects. */
export async function readRunRecords(store: Store, scope: Scope, run: RunRecord): Promise<SpanRecord[]> {
  const bytes = await readRunOtlpProtobuf(store, scope, run);
  try {
    return decodeOtlpProtobuf(bytes);
  } catch (error) {
    // The bytes were accepted when they arrived: unreadable now is the server's fault, not the client's.
    throw new TracecheckError(
      'INTERNAL',
      `the stored trace of run ${run.id} cannot be read (${error instanceof Error ? error.message : String(error)}); ` +
        'the run itself is intact: list it with GET /api/runs?testId=' +
        encodeURIComponent(run.testId),
      undefined,
      { cause: error },
    );
  }
}

/** The trace of a run in Tracetest's shape, or undefined when there is none yet. */
export async function readRunTraceView(
  store: Store,
  scope: Scope,
  run: RunRecord,
): Promise<TraceView | undefined> {
  const trace = await readRunTrace(store, scope, run);
  return trace === undefined ? undefined : toTraceView(trace);
}
