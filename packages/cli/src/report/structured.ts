import type { SpecResult } from '@tracecheck/core';
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
