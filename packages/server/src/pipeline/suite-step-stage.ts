import { isFinalState, isTracecheckError, type TestSuiteSpec } from '@tracecheck/core';
import type { StageHandler } from '../queue/queue';
import type {
  RunRecord,
  RunVariable,
  Scope,
  SuiteRunPatch,
  SuiteRunRecord,
  SuiteRunState,
} from '../store/store';
import { createTestRun, queueTrigger } from './create-test-run';
import { publishStageOf } from './move-run';
import type { PipelineContext } from './pipeline-context';
import { publishSuiteRunState } from './run-events';
import { loadLatestTest, loadSuite } from './run-resources';
import { openRunVariables } from './run-variables';
import { scopeOf } from './stage-support';

const SUITE_FINAL_STATES: ReadonlySet<SuiteRunState> = new Set(['FINISHED', 'FAILED', 'STOPPED']);

/** Whether a suite run has ended (FINISHED, FAILED or STOPPED). */
export function isSuiteRunFinal(state: SuiteRunState): boolean {
  return SUITE_FINAL_STATES.has(state);
}

/** The outputs a finished step hands to the next steps (SPEC §6.4), as run variables. */
function outputVariablesOf(run: RunRecord): RunVariable[] {
  if (!Array.isArray(run.outputs)) return [];
  return run.outputs.flatMap((output: unknown) => {
    if (typeof output !== 'object' || output === null) return [];
    const { name, value } = output as { name?: unknown; value?: unknown };
    return typeof name === 'string' && typeof value === 'string'
      ? [{ key: name, value, type: 'raw' as const }]
      : [];
  });
}

async function updateSuite(
  context: PipelineContext,
  scope: Scope,
  suiteRun: SuiteRunRecord,
  patch: SuiteRunPatch,
): Promise<SuiteRunRecord> {
  const final = patch.state !== undefined && isSuiteRunFinal(patch.state);
  const updated =
    (await context.store.updateSuiteRun(scope, suiteRun.id, {
      ...patch,
      ...(final ? { completedAt: new Date(context.nowMs()) } : {}),
    })) ?? suiteRun;
  await publishSuiteRunState(context, scope, updated);
  return updated;
}

/**
 * The suite-step stage (SPEC §6.4): runs a suite's steps one after the other. Queued when a suite run
 * starts and whenever one of its step runs finishes: it starts the next step with the suite's
 * variables plus the outputs of the earlier steps, or ends the suite — FAILED as soon as a step ends
 * in an error state or STOPPED, FINISHED after the last step (failing assertions do not stop it).
 * A redelivered message finds the step it already started.
 */
export function createSuiteStepStage(context: PipelineContext): StageHandler {
  return async (delivery) => {
    const scope = scopeOf(delivery.message);
    let suiteRun = await context.store.getSuiteRun(scope, delivery.message.runId);
    if (!suiteRun || isSuiteRunFinal(suiteRun.state)) return;

    let suite: TestSuiteSpec;
    try {
      suite = (await loadSuite(context.store, scope, suiteRun.suiteId, suiteRun.suiteVersion)).suite;
    } catch (error) {
      if (!isTracecheckError(error)) throw error;
      await updateSuite(context, scope, suiteRun, { state: 'FAILED', lastErrorState: error.message });
      return;
    }
    if (suiteRun.state === 'CREATED')
      suiteRun = await updateSuite(context, scope, suiteRun, { state: 'EXECUTING' });

    // The step runs are found by their suite run id: a step created by a delivery that stopped before
    // noting it in `stepRunIds` is found too.
    const found = await context.store.listRuns(scope, {
      testSuiteRunId: suiteRun.id,
      take: 10_000,
      sortBy: 'id',
      sortDirection: 'asc',
    });
    const steps = [...found.items].sort((a, b) => Number(a.metadata.step) - Number(b.metadata.step));
    const last = steps.at(-1);
    if (last) {
      if (!isFinalState(last.state)) {
        if (!suiteRun.stepRunIds.includes(last.id)) {
          suiteRun = await updateSuite(context, scope, suiteRun, {
            stepRunIds: steps.map((step) => step.id),
          });
          await publishStageOf(context, scope, last);
        }
        return;
      }
      if (last.state !== 'FINISHED') {
        const detail = last.lastErrorState ? `: ${last.lastErrorState}` : '';
        await updateSuite(context, scope, suiteRun, {
          state: 'FAILED',
          stepRunIds: steps.map((step) => step.id),
          lastErrorState: `step ${last.metadata.step} (test "${last.testId}", run ${last.id}) ended ${last.state}${detail}`,
        });
        return;
      }
    }
    if (steps.length >= suite.steps.length) {
      await updateSuite(context, scope, suiteRun, {
        state: 'FINISHED',
        stepRunIds: steps.map((step) => step.id),
      });
      return;
    }

    const index = steps.length;
    const testId = suite.steps[index]!;
    let version: number;
    try {
      version = (await loadLatestTest(context.store, scope, testId)).version;
    } catch (error) {
      if (!isTracecheckError(error)) throw error;
      await updateSuite(context, scope, suiteRun, {
        state: 'FAILED',
        lastErrorState: `step ${index + 1}: ${error.message}`,
      });
      return;
    }
    const run = await createTestRun(context, scope, {
      testId,
      testVersion: version,
      variableSetId: suiteRun.variableSetId,
      variables: [
        ...openRunVariables(scope, suiteRun.variables, context.secretBox),
        ...steps.flatMap(outputVariablesOf),
      ],
      requiredGates: suiteRun.requiredGates,
      metadata: {
        ...suiteRun.metadata,
        step: String(index + 1),
        testsuite_run_id: String(suiteRun.id),
        testsuite_id: suiteRun.suiteId,
        testsuite_version: String(suiteRun.suiteVersion),
      },
      runGroupId: suiteRun.runGroupId,
      testSuiteId: suiteRun.suiteId,
      testSuiteRunId: suiteRun.id,
      source: 'suite',
    });
    await updateSuite(context, scope, suiteRun, { stepRunIds: [...steps.map((step) => step.id), run.id] });
    await queueTrigger(context, scope, run);
  };
}
