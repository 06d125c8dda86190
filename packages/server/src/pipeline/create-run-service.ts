import {
  evaluateTest,
  findMissingVariables,
  isFinalState,
  isTracecheckError,
  parseRequiredGates,
  TracecheckError,
} from '@tracecheck/core';
import { assertRunGroupId } from '../store/run-group-store';
import type { RunRecord, RunVariable, Scope, SuiteRunRecord } from '../store/store';
import { SKIP_TRACE_COLLECTION } from './collect-stage';
import { createTestRun, queueTrigger } from './create-test-run';
import { moveRun, publishStageOf } from './move-run';
import type { PipelineContext } from './pipeline-context';
import { findReferencedVariables } from './referenced-variables';
import { publishSuiteRunState, recordRunEvents, stateChanged } from './run-events';
import {
  loadLatestTest,
  loadSuite,
  loadTest,
  loadVariableSetValues,
  type RunnableTest,
} from './run-resources';
import type {
  DryRunResult,
  MissingVariables,
  RunInformation,
  RunService,
  StartRunOutcome,
  StartSuiteRunOutcome,
} from './run-service';
import { assembleRunTrace } from './run-trace';
import { openRunVariables, sealRunVariables, variableContextOf, variableMapOf } from './run-variables';
import { isSuiteRunFinal } from './suite-step-stage';

const NOT_FINAL_STATES = [
  'CREATED',
  'EXECUTING',
  'AWAITING_TRACE',
  'ANALYZING_TRACE',
  'AWAITING_TEST_RESULTS',
] as const;

function runNotFound(testId: string, runId: number): TracecheckError {
  return new TracecheckError(
    'NOT_FOUND',
    `run ${runId} of test "${testId}" not found in this environment: list the runs with GET /api/tests/${testId}/run`,
    { testId, runId },
  );
}

async function loadRun(
  context: PipelineContext,
  scope: Scope,
  testId: string,
  runId: number,
): Promise<RunRecord> {
  const run = await context.store.getRun(scope, runId);
  if (!run || run.testId !== testId) throw runNotFound(testId, runId);
  return run;
}

async function loadRunTrace(context: PipelineContext, scope: Scope, run: RunRecord): Promise<Uint8Array> {
  const stored = await context.store.readRunTrace(scope, run.id);
  if (!stored) {
    throw new TracecheckError(
      'CONFLICT',
      `run ${run.id} has no stored trace (it is ${run.state}): wait until its trace is collected, or run the test again`,
      { runId: run.id, state: run.state },
    );
  }
  return stored;
}

/** The variables of a new run in precedence order: the variable set, then the ad-hoc ones (SPEC §6.2). */
async function gatherVariables(
  context: PipelineContext,
  scope: Scope,
  info: RunInformation,
): Promise<RunVariable[]> {
  const fromSet = info.variableSetId
    ? await loadVariableSetValues(context.store, scope, info.variableSetId, context.secretBox)
    : [];
  const adHoc = (info.variables ?? []).map((variable) => ({
    key: variable.key,
    value: variable.value,
    type: 'raw' as const,
  }));
  return [...fromSet, ...adHoc];
}

/** The value a variable had in the test's latest run: the default the CLI offers (SPEC §6.3). */
async function latestValues(
  context: PipelineContext,
  scope: Scope,
  testId: string,
): Promise<ReadonlyMap<string, string>> {
  const latest = (await context.store.listRuns(scope, { testId, take: 1 })).items[0];
  const values = new Map<string, string>();
  for (const variable of latest?.variables ?? []) {
    values.set(variable.key, variable.type === 'secret' ? '' : variable.value);
  }
  return values;
}

async function findMissing(
  context: PipelineContext,
  scope: Scope,
  testId: string,
  test: RunnableTest,
  variables: readonly RunVariable[],
  earlierOutputNames: readonly string[],
): Promise<MissingVariables | undefined> {
  const missing = findMissingVariables({
    referenced: findReferencedVariables(test),
    available: variableContextOf(variables),
    outputNames: [...earlierOutputNames, ...test.outputs.map((output) => output.name)],
  });
  if (missing.length === 0) return undefined;
  const defaults = await latestValues(context, scope, testId);
  return { testId, variables: missing.map((key) => ({ key, defaultValue: defaults.get(key) ?? '' })) };
}

function requiredGatesOf(info: RunInformation): string[] | null {
  return info.requiredGates && info.requiredGates.length > 0 ? parseRequiredGates(info.requiredGates) : null;
}

interface SpecInputShape {
  readonly selector: string;
  readonly name?: string;
  readonly assertions: readonly string[];
}

function readSpecs(specs: unknown): SpecInputShape[] {
  const invalid = () =>
    new TracecheckError(
      'REQUEST_INVALID',
      'the dry run needs "specs": a list of {selector, name?, assertions: [text]} (the specs of a test)',
    );
  if (!Array.isArray(specs)) throw invalid();
  return specs.map((spec: unknown) => {
    if (typeof spec !== 'object' || spec === null) throw invalid();
    const { selector, name, assertions } = spec as Record<string, unknown>;
    if (
      typeof selector !== 'string' ||
      !Array.isArray(assertions) ||
      !assertions.every((a) => typeof a === 'string')
    ) {
      throw invalid();
    }
    return { selector, ...(typeof name === 'string' && name !== '' ? { name } : {}), assertions };
  });
}

/**
 * The run operations of the API, on the pipeline: starting a test or suite run (with the
 * missing-variable check of SPEC §6.3), rerun on the stored trace, stop, skip of trace collection and
 * the assertion dry run.
 * @example
 * const runs = createRunService(createPipelineContext({ store, queue, bus, agents, logger }, signal));
 * const outcome = await runs.startTestRun(scope, 'create-order', { source: 'cli' });
 */
export function createRunService(context: PipelineContext): RunService {
  async function stopRun(scope: Scope, testId: string, runId: number): Promise<RunRecord> {
    const run = await loadRun(context, scope, testId, runId);
    if (isFinalState(run.state)) return run;
    const moved = await moveRun(context, scope, run.id, {
      from: NOT_FINAL_STATES,
      patch: { state: 'STOPPED' },
      stage: 'run',
      why: 'the run was stopped on request',
      events: [
        {
          type: 'RUN_STOPPED',
          stage: 'run',
          title: 'Run stopped',
          description: `stopped while ${run.state}`,
        },
      ],
    });
    if (!moved) return loadRun(context, scope, testId, runId);
    context.agents
      .dispatch(
        { kind: 'stop', id: `run-${run.id}-stop`, scope, runId: run.id },
        { timeoutMs: 30_000, signal: context.signal },
      )
      .catch((error: unknown) =>
        context.logger.debug({ err: error, runId: run.id }, 'no agent took the stop of a run'),
      );
    await publishStageOf(context, scope, moved);
    return moved;
  }

  /** A run started with a group id creates the group when it does not exist yet (idempotent). */
  async function joinRunGroup(scope: Scope, info: RunInformation): Promise<void> {
    if (!info.runGroupId) return;
    await context.store.runGroups.ensure(scope, {
      id: info.runGroupId,
      metadata: {},
      source: info.source ?? 'api',
    });
  }

  return {
    async startTestRun(scope, testId, info): Promise<StartRunOutcome> {
      if (info.runGroupId) assertRunGroupId(info.runGroupId);
      const { version, test } = await loadTest(context.store, scope, testId, info.version);
      const requiredGates = requiredGatesOf(info);
      const variables = await gatherVariables(context, scope, info);
      const missing = await findMissing(context, scope, testId, test, variables, []);
      if (missing) return { ok: false, missingVariables: [missing] };
      await joinRunGroup(scope, info);
      const run = await createTestRun(context, scope, {
        testId,
        testVersion: version,
        variableSetId: info.variableSetId ?? null,
        variables,
        requiredGates,
        metadata: info.metadata ?? {},
        runGroupId: info.runGroupId ?? null,
        testSuiteId: null,
        testSuiteRunId: null,
        source: info.source ?? 'api',
      });
      await queueTrigger(context, scope, run);
      return { ok: true, run };
    },

    async startSuiteRun(scope, suiteId, info): Promise<StartSuiteRunOutcome> {
      if (info.runGroupId) assertRunGroupId(info.runGroupId);
      const { version, suite } = await loadSuite(context.store, scope, suiteId);
      const requiredGates = requiredGatesOf(info);
      const variables = await gatherVariables(context, scope, info);
      const missingVariables: MissingVariables[] = [];
      const outputNames: string[] = [];
      for (const testId of suite.steps) {
        const { test } = await loadLatestTest(context.store, scope, testId);
        const missing = await findMissing(context, scope, testId, test, variables, outputNames);
        if (missing) missingVariables.push(missing);
        outputNames.push(...test.outputs.map((output) => output.name));
      }
      if (missingVariables.length > 0) return { ok: false, missingVariables };
      await joinRunGroup(scope, info);
      const run = await context.store.createSuiteRun(scope, {
        suiteId,
        suiteVersion: version,
        variableSetId: info.variableSetId ?? null,
        variables: sealRunVariables(scope, variables, context.secretBox),
        requiredGates,
        metadata: info.metadata ?? {},
        runGroupId: info.runGroupId ?? null,
      });
      await publishSuiteRunState(context, scope, run);
      await context.queue.publish({ stage: 'suite-step', ...scope, runId: run.id });
      return { ok: true, run };
    },

    async rerun(scope, testId, runId) {
      const original = await loadRun(context, scope, testId, runId);
      const trace = await loadRunTrace(context, scope, original);
      const { version } = await loadLatestTest(context.store, scope, testId);
      const created = await context.store.createRun(scope, {
        testId,
        testVersion: version,
        traceId: original.traceId,
        spanId: original.spanId,
        variableSetId: original.variableSetId,
        variables: original.variables,
        requiredGates: original.requiredGates,
        metadata: original.metadata,
        runGroupId: original.runGroupId,
        testSuiteId: null,
        testSuiteRunId: null,
        source: original.source,
        branch: original.branch,
      });
      await recordRunEvents(context, scope, created, [
        {
          type: 'RUN_CREATED',
          stage: 'run',
          title: 'Run created from a stored trace',
          description: `version ${version} of test "${testId}" is evaluated again on the trace of run ${original.id}`,
          data: { rerunOf: original.id, traceId: original.traceId },
        },
        stateChanged('run', 'CREATED', 'the run reuses a stored trace'),
      ]);
      await context.store.saveRunTrace(scope, created.id, trace);
      const moved = await moveRun(context, scope, created.id, {
        from: ['CREATED'],
        patch: {
          state: 'ANALYZING_TRACE',
          resolvedTrigger: original.resolvedTrigger,
          triggerResult: original.triggerResult,
          serviceTriggeredAt: original.serviceTriggeredAt,
          serviceTriggerCompletedAt: original.serviceTriggerCompletedAt,
          obtainedTraceAt: new Date(context.nowMs()),
        },
        stage: 'run',
        why: `the trace of run ${original.id} is evaluated with the test's current specs`,
      });
      const run = moved ?? created;
      await publishStageOf(context, scope, run);
      return run;
    },

    stopRun,

    async stopSuiteRun(scope, suiteId, suiteRunId) {
      const suiteRun = await context.store.getSuiteRun(scope, suiteRunId);
      if (!suiteRun || suiteRun.suiteId !== suiteId) {
        throw new TracecheckError(
          'NOT_FOUND',
          `run ${suiteRunId} of test suite "${suiteId}" not found in this environment: list them with GET /api/testsuites/${suiteId}/run`,
          { suiteId, suiteRunId },
        );
      }
      if (isSuiteRunFinal(suiteRun.state)) return suiteRun;
      const updated: SuiteRunRecord =
        (await context.store.updateSuiteRun(scope, suiteRun.id, {
          state: 'STOPPED',
          completedAt: new Date(context.nowMs()),
        })) ?? suiteRun;
      for (const stepRunId of updated.stepRunIds) {
        const step = await context.store.getRun(scope, stepRunId);
        if (step && !isFinalState(step.state)) await stopRun(scope, step.testId, step.id);
      }
      await publishSuiteRunState(context, scope, updated);
      return updated;
    },

    async skipTraceCollection(scope, testId, runId) {
      const run = await loadRun(context, scope, testId, runId);
      if (
        isFinalState(run.state) ||
        run.state === 'ANALYZING_TRACE' ||
        run.state === 'AWAITING_TEST_RESULTS'
      ) {
        return run;
      }
      // Recorded, so a collector that starts later skips too; published, so the one collecting now stops.
      await recordRunEvents(context, scope, run, [
        {
          type: SKIP_TRACE_COLLECTION,
          stage: 'collect',
          title: 'Trace collection skipped',
          description: 'trace collection ends now; the spans that arrived are evaluated',
        },
      ]);
      return loadRun(context, scope, testId, runId);
    },

    async dryRun(scope, testId, runId, specs): Promise<DryRunResult> {
      const run = await loadRun(context, scope, testId, runId);
      const trace = assembleRunTrace(run, await loadRunTrace(context, scope, run));
      const variables = variableMapOf(
        variableContextOf(openRunVariables(scope, run.variables, context.secretBox)),
      );
      if (Array.isArray(run.outputs)) {
        for (const output of run.outputs as { name?: unknown; value?: unknown }[]) {
          if (typeof output?.name === 'string' && typeof output.value === 'string')
            variables.set(output.name, output.value);
        }
      }
      try {
        const evaluation = evaluateTest({
          trace,
          specs: readSpecs(specs),
          variables,
          random: context.random,
          nowMs: context.nowMs,
        });
        return { allPassed: evaluation.allPassed, results: evaluation.results };
      } catch (error) {
        if (isTracecheckError(error)) throw error;
        throw new TracecheckError(
          'INTERNAL',
          `the dry run failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  };
}
