import { TracecheckError } from '@tracecheck/core';
import type { RunRecord, Scope, Store } from '../store/store';

/** The run `runId` of test `testId`, or `NOT_FOUND` that says how to find the test's runs. */
export async function loadRun(store: Store, scope: Scope, testId: string, runId: number): Promise<RunRecord> {
  const run = await store.getRun(scope, runId);
  if (run === undefined || run.testId !== testId) {
    throw new TracecheckError(
      'NOT_FOUND',
      `run ${runId} of test "${testId}" not found in this environment: list the test's runs with GET /api/tests/${testId}/run`,
      { testId, runId },
    );
  }
  return run;
}
