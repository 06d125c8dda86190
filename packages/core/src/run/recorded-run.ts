import {
  type AnalyzerConfig,
  type AnalyzerOutcome,
  analyzeTrace,
  resolveAnalyzerConfig,
} from '../analyzer/index';
import type { TestDefinitionSpec } from '../definitions/index';
import { TracecheckError } from '../errors';
import {
  evaluateRequiredGates,
  isRunPassing,
  type RequiredGate,
  type RequiredGatesResult,
  resolveRequiredGates,
} from '../gates/index';
import { decodeOtlpJson, decodeOtlpProtobuf, traceFromRecords } from '../otlp/index';
import { insertTriggerRoot } from '../trace/insert-trigger-root';
import type { SpanId, SpanRecord, Trace, TraceId } from '../trace/model';
import { evaluateTest, type TestEvaluation } from './evaluate-test';

/**
 * Decodes a recorded trace file: OTLP/JSON when it starts with `{` (after white space), else
 * OTLP/protobuf (`ExportTraceServiceRequest`).
 */
export function loadRecordedTrace(bytes: Uint8Array): SpanRecord[] {
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (i === bytes.length) {
    throw new TracecheckError(
      'TRACE_INVALID',
      'the trace file is empty: save a trace as OTLP/JSON or OTLP/protobuf',
    );
  }
  if (bytes[i] === 0x7b) return decodeOtlpJson(new TextDecoder().decode(bytes));
  return decodeOtlpProtobuf(bytes);
}

export interface RecordedRunInput {
  readonly test: Pick<TestDefinitionSpec, 'specs' | 'outputs'>;
  readonly records: readonly SpanRecord[];
  /** Which trace of the file to evaluate; required when the file holds several. */
  readonly traceId?: TraceId;
  readonly variables: ReadonlyMap<string, string>;
  readonly requiredGates?: readonly RequiredGate[];
  readonly testRunnerGates?: readonly RequiredGate[];
  readonly analyzer?: AnalyzerConfig;
  /** Id of the trigger span inserted as root when the trace has none (fake it in tests). */
  readonly triggerSpanId?: SpanId;
  readonly random?: () => number;
  readonly nowMs?: () => number;
}

export interface RecordedRunOutcome {
  readonly traceId: TraceId;
  readonly trace: Trace;
  readonly state: 'FINISHED';
  readonly evaluation: TestEvaluation;
  readonly analyzer: AnalyzerOutcome;
  readonly gates: RequiredGatesResult;
  readonly passed: boolean;
}

function randomSpanId(random: () => number): SpanId {
  let out = '';
  for (let i = 0; i < 16; i++) out += Math.floor(random() * 16).toString(16);
  return (out === '0000000000000000' ? '0000000000000001' : out) as SpanId;
}

/**
 * Evaluates a test against a recorded trace with no server and no trigger: the trace gets a
 * "Tracetest trigger" root spanning it (SPEC §3.4), then analyzer, outputs, specs and gates run as in
 * a real run.
 */
export function evaluateRecordedRun(input: RecordedRunInput): RecordedRunOutcome {
  const traceIds = [...new Set(input.records.map((r) => r.traceId))];
  if (traceIds.length === 0) {
    throw new TracecheckError('TRACE_INVALID', 'the trace file holds no span: nothing to evaluate');
  }
  let traceId = input.traceId;
  if (traceId === undefined) {
    if (traceIds.length > 1) {
      throw new TracecheckError(
        'TRACE_INVALID',
        `the trace file holds ${traceIds.length} traces (${traceIds.slice(0, 3).join(', ')}${traceIds.length > 3 ? ', …' : ''}): say which one with --trace-id`,
      );
    }
    traceId = traceIds[0]!;
  } else if (!traceIds.includes(traceId)) {
    throw new TracecheckError('TRACE_INVALID', `the trace file holds no span of trace ${traceId}`);
  }
  const assembled = traceFromRecords(traceId, input.records);
  let start = assembled.spans[0]!.startTimeUnixNano;
  let end = assembled.spans[0]!.endTimeUnixNano;
  for (const s of assembled.spans) {
    if (s.startTimeUnixNano < start) start = s.startTimeUnixNano;
    if (s.endTimeUnixNano > end) end = s.endTimeUnixNano;
  }
  const trace = insertTriggerRoot(assembled, {
    spanId: input.triggerSpanId ?? randomSpanId(input.random ?? Math.random),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
  });
  const analyzer = analyzeTrace(trace, input.analyzer ?? resolveAnalyzerConfig());
  const evaluation = evaluateTest({
    trace,
    specs: input.test.specs ?? [],
    outputs: input.test.outputs ?? [],
    variables: input.variables,
    ...(input.random ? { random: input.random } : {}),
    ...(input.nowMs ? { nowMs: input.nowMs } : {}),
  });
  const gates = evaluateRequiredGates({
    required: resolveRequiredGates(input.requiredGates, input.testRunnerGates),
    allPassed: evaluation.allPassed,
    analyzer,
  });
  const state = 'FINISHED' as const;
  return {
    traceId,
    trace,
    state,
    evaluation,
    analyzer,
    gates,
    passed: isRunPassing({ state, allPassed: evaluation.allPassed, gates }),
  };
}
