import type { SpecResult } from '@tracecheck/core';
import {
  countVerdicts,
  type Diagnosis,
  formatDuration,
  type GroupReport,
  type RunItem,
  verdictOf,
} from './group-report';
import type { TestRunReport } from './run-report';

/** The `json`/`yaml` object of a test run: SPEC §9.5's shape, plus outputs, spec names and gates. */
export function testRunToObject(run: TestRunReport): Record<string, unknown> {
  const object = dropEmpty({
    testRunWebUrl: run.link,
    testName: run.testName,
    traceId: run.traceId,
    state: run.state,
    lastErrorState: run.lastErrorState,
    results: {
      allPassed: run.allPassed,
      results: run.results.map(specToObject),
    },
    outputs: run.outputs.map((o) =>
      dropEmpty({ name: o.name, value: o.value, spanId: o.spanId, error: o.error }),
    ),
    requiredGatesResult: run.gates,
  });
  // Tracecheck's own fields are always present, `false` included.
  return { ...object, passed: run.passed };
}

function specToObject(spec: SpecResult): Record<string, unknown> {
  return dropEmpty({
    name: spec.name,
    selector: dropEmpty({ query: spec.selector.query, structure: spec.selector.structure }),
    error: spec.error,
    results: spec.results.map((a) =>
      dropEmpty({
        assertion: a.assertion,
        allPassed: a.allPassed,
        spanResults: a.spanResults.map((r) =>
          dropEmpty({
            spanId: r.spanId ?? undefined,
            observedValue: r.observedValue,
            passed: r.passed,
            error: r.error,
          }),
        ),
      }),
    ),
  });
}

/** Omits undefined, false and empty-string fields, as Tracetest's JSON does (`omitempty`). */
function dropEmpty(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === false || value === '') continue;
    out[key] = value;
  }
  return out;
}

function diagnosisToObject(diagnosis: Diagnosis | undefined): Record<string, unknown> {
  return diagnosis ? { diagnosis: dropEmpty({ ...diagnosis, why: [...diagnosis.why] }) } : {};
}

/** The `json`/`yaml` object of one run: a test run as above, a suite as SPEC §9.5's suite shape. */
export function runItemToObject(item: RunItem): Record<string, unknown> {
  switch (item.kind) {
    case 'not-started':
      return dropEmpty({ file: item.file, name: item.name, verdict: 'not-started', error: item.message });
    case 'test':
      return {
        ...testRunToObject(item.report),
        ...(item.file ? { file: item.file } : {}),
        verdict: verdictOf(item),
        durationMs: item.durationMs,
        ...diagnosisToObject(item.diagnosis),
      };
    case 'suite':
      return {
        ...(item.file ? { file: item.file } : {}),
        verdict: verdictOf(item),
        durationMs: item.durationMs,
        testRunWebUrl: item.link,
        suiteName: item.name,
        state: item.state,
        passed: item.passed,
        ...diagnosisToObject(item.diagnosis),
        steps: item.steps.map((step) => ({ name: step.report.testName, ...runItemToObject(step) })),
      };
  }
}

/** The `json`/`yaml` object of a run group: its id, counts, every run, and the skipped files. */
export function groupToObject(group: GroupReport): Record<string, unknown> {
  const counts = countVerdicts(group.items);
  return {
    runGroupId: group.runGroupId,
    passed: counts.total > 0 && counts.passed === counts.total,
    summary: { ...counts, duration: formatDuration(group.durationMs), durationMs: group.durationMs },
    runs: group.items.map(runItemToObject),
    skipped: group.skipped.map((s) => ({ file: s.shown, reason: s.reason })),
  };
}
