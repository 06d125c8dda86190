import {
  type AnalyzerConfig,
  type AnalyzerSpec,
  type DataStoreSpec,
  type PollingProfileSpec,
  parseGoDurationNs,
  parseRequiredGates,
  type RequiredGate,
  resolveAnalyzerConfig,
  type TestDefinitionSpec,
  type TestRunnerSpec,
  type TestSuiteSpec,
  TracecheckError,
  type VariableSetSpec,
} from '@tracecheck/core';
import type { DataStoreJson } from '@tracecheck/protocol';
import { openVariableSetValues } from '../api/index';
import type { SecretBox } from '../store/secret-box';
import type { RunVariable, Scope, Store, StoredResource } from '../store/store';
import type { ResolvedPipelineConfig } from './pipeline-context';

/** A stored test's spec with the defaults of SPEC §1.4 filled in. */
export type RunnableTest = Pick<
  TestDefinitionSpec,
  'name' | 'trigger' | 'specs' | 'outputs' | 'skipTraceCollection' | 'pollingProfile'
>;

function toRunnableTest(resource: StoredResource<TestDefinitionSpec>): RunnableTest {
  const spec = resource.spec;
  return {
    name: spec.name ?? '',
    trigger: spec.trigger,
    specs: spec.specs ?? [],
    outputs: spec.outputs ?? [],
    skipTraceCollection: spec.skipTraceCollection === true,
    ...(spec.pollingProfile ? { pollingProfile: spec.pollingProfile } : {}),
  };
}

/** The latest version of a test, or `NOT_FOUND` saying how to list tests. */
export async function loadLatestTest(
  store: Store,
  scope: Scope,
  testId: string,
): Promise<{ readonly version: number; readonly test: RunnableTest }> {
  const resource = await store.getResource<TestDefinitionSpec>(scope, 'Test', testId);
  if (!resource) {
    throw new TracecheckError(
      'NOT_FOUND',
      `test "${testId}" not found in this environment: list the tests with \`tracecheck list test\``,
      { testId },
    );
  }
  return { version: resource.version, test: toRunnableTest(resource) };
}

/**
 * A test at `version`, or its latest version when none is given; `NOT_FOUND` saying which versions
 * exist when that version does not.
 * @example const { test } = await loadTest(store, scope, 'checkout', 3)
 */
export async function loadTest(
  store: Store,
  scope: Scope,
  testId: string,
  version: number | undefined,
): Promise<{ readonly version: number; readonly test: RunnableTest }> {
  const latest = await loadLatestTest(store, scope, testId);
  if (version === undefined || version === latest.version) return latest;
  const resource =
    version < latest.version
      ? await store.getResource<TestDefinitionSpec>(scope, 'Test', testId, version)
      : undefined;
  if (!resource) {
    throw new TracecheckError(
      'NOT_FOUND',
      `version ${version} of test "${testId}" not found: its latest version is ${latest.version} ` +
        `(list them with GET /api/tests/${testId}/version); give one of those, or leave "version" out to run the latest`,
      { testId, version, latestVersion: latest.version },
    );
  }
  return { version: resource.version, test: toRunnableTest(resource) };
}

/** The version of the test a run was started with. */
export async function loadRunTest(
  store: Store,
  scope: Scope,
  run: { readonly testId: string; readonly testVersion: number },
): Promise<RunnableTest> {
  const resource = await store.getResource<TestDefinitionSpec>(scope, 'Test', run.testId, run.testVersion);
  if (!resource) {
    throw new TracecheckError(
      'NOT_FOUND',
      `version ${run.testVersion} of test "${run.testId}" no longer exists (the test was deleted): run the test again`,
      { testId: run.testId, version: run.testVersion },
    );
  }
  return toRunnableTest(resource);
}

/** The latest version of a suite, or `NOT_FOUND`. */
export async function loadSuite(
  store: Store,
  scope: Scope,
  suiteId: string,
  version?: number,
): Promise<{ readonly version: number; readonly suite: TestSuiteSpec }> {
  const resource = await store.getResource<TestSuiteSpec>(scope, 'TestSuite', suiteId, version);
  if (!resource) {
    throw new TracecheckError(
      'NOT_FOUND',
      version === undefined
        ? `test suite "${suiteId}" not found in this environment: list the suites with \`tracecheck list testsuite\``
        : `version ${version} of test suite "${suiteId}" no longer exists (the suite was deleted): run it again`,
      { suiteId },
    );
  }
  return { version: resource.version, suite: { ...resource.spec, steps: resource.spec.steps ?? [] } };
}

/** The values of a variable set, secrets opened (never to be printed), or `NOT_FOUND`. */
export async function loadVariableSetValues(
  store: Store,
  scope: Scope,
  variableSetId: string,
  secretBox: SecretBox | undefined,
): Promise<RunVariable[]> {
  const resource = await store.getResource<VariableSetSpec>(scope, 'VariableSet', variableSetId);
  if (!resource) {
    throw new TracecheckError(
      'NOT_FOUND',
      `variable set "${variableSetId}" not found in this environment: list them with \`tracecheck list variableset\``,
      { variableSetId },
    );
  }
  return openVariableSetValues(scope, resource.spec.values ?? [], secretBox).map((value) => ({
    key: value.key,
    value: value.value,
    type: value.type === 'secret' ? 'secret' : 'raw',
  }));
}

/** How a run waits for its trace (SPEC §1.7), durations in ms. */
export interface PollingSettings {
  readonly name: string;
  readonly strategy: 'periodic' | 'no-polling';
  readonly retryDelayMs: number;
  readonly timeoutMs: number;
}

function durationMs(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const ns = parseGoDurationNs(text);
  return ns === undefined || ns <= 0n ? fallbackMs : Number(ns / 1_000_000n);
}

/**
 * The polling profile of a run: the one the test names, else the stored profile marked `default`,
 * else the built-in default. A profile deleted since the test was applied falls back the same way.
 */
export async function loadPollingSettings(
  store: Store,
  scope: Scope,
  profileId: string | undefined,
  config: ResolvedPipelineConfig,
): Promise<PollingSettings> {
  let spec: PollingProfileSpec | undefined;
  if (profileId)
    spec = (await store.getResource<PollingProfileSpec>(scope, 'PollingProfile', profileId))?.spec;
  if (!spec) {
    const stored = await store.listResources<PollingProfileSpec>(scope, 'PollingProfile');
    spec = stored.items.find((item) => item.spec.default === true)?.spec ?? stored.items[0]?.spec;
  }
  const fallback = config.defaultPolling;
  if (!spec) return { name: 'default', strategy: 'periodic', ...fallback };
  return {
    name: spec.name,
    strategy: spec.strategy === 'no-polling' ? 'no-polling' : 'periodic',
    retryDelayMs: durationMs(spec.periodic?.retryDelay, fallback.retryDelayMs),
    timeoutMs: durationMs(spec.periodic?.timeout, fallback.timeoutMs),
  };
}

/** The data store runs read (SPEC §1.8): the one marked `default`, else the only one, else the agent's OTLP receivers. */
export async function loadDataStore(store: Store, scope: Scope): Promise<DataStoreJson> {
  const stored = await store.listResources<DataStoreSpec>(scope, 'DataStore');
  const chosen =
    stored.items.find((item) => item.spec.default === true)?.spec ??
    (stored.items.length === 1 ? stored.items[0]?.spec : undefined);
  return chosen ? (chosen as unknown as DataStoreJson) : { type: 'agent' };
}

/** The analyzer settings of the environment (the `Analyzer` singleton, else the defaults of SPEC §8.1). */
export async function loadAnalyzerConfig(store: Store, scope: Scope): Promise<AnalyzerConfig> {
  const spec = (await store.getResource<AnalyzerSpec>(scope, 'Analyzer', 'current'))?.spec;
  if (!spec) return resolveAnalyzerConfig();
  return resolveAnalyzerConfig({
    enabled: spec.enabled,
    minimumScore: spec.minimumScore,
    ...(spec.plugins ? { plugins: spec.plugins } : {}),
  });
}

/** The gates of the `TestRunner` singleton (SPEC §1.12), or undefined when it names none. */
export async function loadTestRunnerGates(
  store: Store,
  scope: Scope,
): Promise<readonly RequiredGate[] | undefined> {
  const spec = (await store.getResource<TestRunnerSpec>(scope, 'TestRunner', 'current'))?.spec;
  return spec?.requiredGates ? parseRequiredGates(spec.requiredGates) : undefined;
}
