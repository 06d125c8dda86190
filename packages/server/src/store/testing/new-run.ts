import type { NewRun } from '../store';

/** A run to create in store tests: test `test-1` version 1, started from the CLI, with `overrides`. */
export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    testId: 'test-1',
    testVersion: 1,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    variableSetId: null,
    variables: [],
    requiredGates: null,
    metadata: {},
    runGroupId: null,
    testSuiteId: null,
    testSuiteRunId: null,
    source: 'cli',
    branch: null,
    ...overrides,
  };
}
