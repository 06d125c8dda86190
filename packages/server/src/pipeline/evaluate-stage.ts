import {
  type AnalyzerOutcome,
  analyzeTrace,
  evaluateRequiredGates,
  evaluateTest,
  isRunPassing,
  parseRequiredGates,
  resolveRequiredGates,
  type Trace,
} from '@tracecheck/core';
import type { StageHandler } from '../queue/queue';
import type { RunRecord, RunState, Scope } from '../store/store';
import { catchUpRun, moveRun, publishStageOf } from './move-run';
import type { PipelineContext } from './pipeline-context';
import type { RunEventInput } from './run-events';
import { loadAnalyzerConfig, loadRunTest, loadTestRunnerGates, type RunnableTest } from './run-resources';
import { assembleRunTrace } from './run-trace';
import { maskSecretsInJson, openRunVariables, variableContextOf, variableMapOf } from './run-variables';
import { scopeOf, withHeartbeat } from './stage-support';

const EVALUATING: readonly RunState[] = ['ANALYZING_TRACE', 'AWAITING_TEST_RESULTS'];

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The evaluate stage: assembles the stored trace under its trigger root, runs the analyzer
 * (ANALYZING_TRACE → AWAITING_TEST_RESULTS), then outputs, specs and required gates, and moves the run
 * to FINISHED with its results and verdict. Both moves are compare-and-sets, so a redelivered
 * evaluation never finishes a run twice. A crash of the analyzer ends the run ANALYZING_ERROR, one of
 * the assertion engine ASSERTION_FAILED (SPEC §7.1).
 */
export function createEvaluateStage(context: PipelineContext): StageHandler {
  return async (delivery) => {
    const scope = scopeOf(delivery.message);
    const run = await context.store.getRun(scope, delivery.message.runId);
    if (!run) {
      context.logger.warn({ runId: delivery.message.runId }, 'evaluate stage: the run no longer exists');
      return;
    }
    if (!EVALUATING.includes(run.state)) {
      if (run.state !== 'CREATED' && run.state !== 'EXECUTING' && run.state !== 'AWAITING_TRACE') {
        await catchUpRun(context, scope, run, delivery);
      }
      return;
    }
    await withHeartbeat(delivery, context.config.heartbeatMs, () => evaluateRun(context, scope, run));
  };
}

async function failEvaluation(
  context: PipelineContext,
  scope: Scope,
  run: RunRecord,
  state: 'ANALYZING_ERROR' | 'ASSERTION_FAILED',
  message: string,
): Promise<void> {
  const moved = await moveRun(context, scope, run.id, {
    from: EVALUATING,
    patch: { state, lastErrorState: message },
    stage: 'evaluate',
    why: message,
    events: [
      { type: 'EVALUATION_FAILED', stage: 'evaluate', title: `The run ended ${state}`, description: message },
    ],
  });
  if (moved) await publishStageOf(context, scope, moved);
}

async function evaluateRun(context: PipelineContext, scope: Scope, loaded: RunRecord): Promise<void> {
  let run = loaded;
  const stored = await context.store.readRunTrace(scope, run.id);
  if (!stored) {
    await failEvaluation(context, scope, run, 'ASSERTION_FAILED', 'the run has no stored trace to evaluate');
    return;
  }
  let test: RunnableTest;
  let trace: Trace;
  try {
    test = await loadRunTest(context.store, scope, run);
    trace = assembleRunTrace(run, stored);
  } catch (error) {
    await failEvaluation(context, scope, run, 'ASSERTION_FAILED', describeError(error));
    return;
  }

  let analyzer: AnalyzerOutcome;
  try {
    analyzer = analyzeTrace(trace, await loadAnalyzerConfig(context.store, scope));
  } catch (error) {
    await failEvaluation(
      context,
      scope,
      run,
      'ANALYZING_ERROR',
      `the analyzer failed: ${describeError(error)}`,
    );
    return;
  }
  const linter = analyzer.ran ? analyzer.result : null;
  if (run.state === 'ANALYZING_TRACE') {
    const moved = await moveRun(context, scope, run.id, {
      from: ['ANALYZING_TRACE'],
      patch: { state: 'AWAITING_TEST_RESULTS', linter },
      stage: 'evaluate',
      why: 'the analyzer ran; outputs and specs are evaluated next',
      events: [
        analyzer.ran
          ? {
              type: 'ANALYZER_FINISHED',
              stage: 'evaluate',
              title: `Analyzer score ${analyzer.result.score}`,
              description: `the trace scored ${analyzer.result.score} of 100 (minimum ${analyzer.result.minimumScore}); the analyzer ${analyzer.result.passed ? 'passed' : 'failed'}`,
              data: { score: analyzer.result.score, passed: analyzer.result.passed },
            }
          : {
              type: 'ANALYZER_FINISHED',
              stage: 'evaluate',
              title: 'Analyzer disabled',
              description: 'the analyzer is disabled in this environment; its gates are not evaluated',
            },
      ],
    });
    if (!moved) return;
    run = moved;
  }

  const variables = variableContextOf(openRunVariables(scope, run.variables, context.secretBox));
  let evaluation: ReturnType<typeof evaluateTest>;
  try {
    evaluation = evaluateTest({
      trace,
      specs: test.specs,
      outputs: test.outputs,
      variables: variableMapOf(variables),
      random: context.random,
      nowMs: context.nowMs,
    });
  } catch (error) {
    await failEvaluation(
      context,
      scope,
      run,
      'ASSERTION_FAILED',
      `the assertion engine failed: ${describeError(error)}`,
    );
    return;
  }
  const override =
    run.requiredGates && run.requiredGates.length > 0 ? parseRequiredGates(run.requiredGates) : undefined;
  const gates = evaluateRequiredGates({
    required: resolveRequiredGates(override, await loadTestRunnerGates(context.store, scope)),
    allPassed: evaluation.allPassed,
    analyzer,
  });
  const verdict = isRunPassing({ state: 'FINISHED', allPassed: evaluation.allPassed, gates });

  const events: RunEventInput[] = evaluation.outputs
    .filter((output) => !output.resolved)
    .map((output) => ({
      type: 'OUTPUT_UNRESOLVED' as const,
      stage: 'evaluate' as const,
      title: `Output ${output.name} not resolved`,
      description: output.error ?? `no span matched the selector of output "${output.name}"`,
      data: { output: output.name },
    }));
  events.push(
    {
      type: 'SPECS_EVALUATED',
      stage: 'evaluate',
      title: evaluation.allPassed ? 'Every assertion passed' : 'Some assertions failed',
      description: `${evaluation.passed} passed, ${evaluation.failed} failed over ${test.specs.length} ${test.specs.length === 1 ? 'spec' : 'specs'}`,
      data: { passed: evaluation.passed, failed: evaluation.failed },
    },
    {
      type: 'RUN_FINISHED',
      stage: 'evaluate',
      title: verdict ? 'The run passed' : 'The run failed',
      description:
        gates.failed.length === 0
          ? 'every gate passed'
          : `failed gates: ${gates.failed.join(', ')} (required: ${gates.required.join(', ') || 'none'})`,
      data: { verdict, requiredGatesResult: gates },
    },
  );
  const moved = await moveRun(context, scope, run.id, {
    from: EVALUATING,
    patch: {
      state: 'FINISHED',
      linter,
      result: maskSecretsInJson({ allPassed: evaluation.allPassed, results: evaluation.results }, variables),
      outputs: evaluation.outputs,
      requiredGatesResult: gates,
      passed: evaluation.passed,
      failed: evaluation.failed,
      verdict,
    },
    stage: 'evaluate',
    why: 'outputs, specs and required gates were evaluated',
    events,
  });
  if (moved) await publishStageOf(context, scope, moved);
}
