import { isFinalState, isRunState, TracecheckError } from '@tracecheck/core';
import type { LiveEvent } from '../events/event-bus';
import type { Scope, Store } from '../store/store';
import { toRunGroupView } from './run-group-views';
import { toTestRunView, toTestSuiteRunView } from './run-views';

/** What a live-event subscription follows: one run, one suite run, one run group, or the environment. */
export type LiveEventTarget =
  | { readonly kind: 'run'; readonly runId: number }
  | { readonly kind: 'suite-run'; readonly suiteRunId: number }
  | { readonly kind: 'run-group'; readonly runGroupId: string }
  | { readonly kind: 'environment' };

const SUITE_FINAL_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'STOPPED']);

/** The event-bus topic of a target. */
export function topicOfTarget(scope: Scope, target: LiveEventTarget): string {
  const base = `${scope.organizationId}.${scope.environmentId}`;
  switch (target.kind) {
    case 'run':
      return `${base}.run.${target.runId}`;
    case 'suite-run':
      return `${base}.suite.${target.suiteRunId}`;
    case 'run-group':
      return `${base}.group.${target.runGroupId}`;
    case 'environment':
      return base;
  }
}

/** True for the event after which nothing more happens to the target (never for the environment). */
export function endsTarget(target: LiveEventTarget, event: LiveEvent): boolean {
  if (event.state === undefined) return false;
  switch (target.kind) {
    case 'run':
      return event.type === 'run' && isRunState(event.state) && isFinalState(event.state);
    case 'suite-run':
      return event.type === 'suite-run' && SUITE_FINAL_STATES.has(event.state);
    case 'run-group':
      // A finished group may get more runs later; a client following it decides when to stop.
      return false;
    case 'environment':
      return false;
  }
}

/**
 * The target's current state as a live event, so a client that subscribes late still sees where it
 * is; undefined for the environment. Rejects with `NOT_FOUND` when the target does not exist.
 */
export async function readTargetState(
  store: Store,
  scope: Scope,
  target: LiveEventTarget,
  now: Date,
): Promise<LiveEvent | undefined> {
  const base = { organizationId: scope.organizationId, environmentId: scope.environmentId };
  switch (target.kind) {
    case 'run': {
      const run = await store.getRun(scope, target.runId);
      if (run === undefined) {
        throw new TracecheckError(
          'NOT_FOUND',
          `run ${target.runId} not found in this environment: start one with POST /api/tests/<id>/run`,
          { runId: target.runId },
        );
      }
      const payload = toTestRunView(run, now);
      return { ...base, type: 'run', runId: run.id, testId: run.testId, state: run.state, payload };
    }
    case 'suite-run': {
      const run = await store.getSuiteRun(scope, target.suiteRunId);
      if (run === undefined) {
        throw new TracecheckError(
          'NOT_FOUND',
          `suite run ${target.suiteRunId} not found in this environment: start one with POST /api/testsuites/<id>/run`,
          { suiteRunId: target.suiteRunId },
        );
      }
      const steps = await Promise.all(run.stepRunIds.map((stepRunId) => store.getRun(scope, stepRunId)));
      const payload = toTestSuiteRunView(
        run,
        steps.filter((step) => step !== undefined),
        now,
      );
      return { ...base, type: 'suite-run', runId: run.id, suiteId: run.suiteId, state: run.state, payload };
    }
    case 'run-group': {
      const group = await store.runGroups.get(scope, target.runGroupId);
      if (group === undefined) {
        throw new TracecheckError(
          'NOT_FOUND',
          `run group "${target.runGroupId}" not found in this environment: create it with POST /api/rungroups`,
          { runGroupId: target.runGroupId },
        );
      }
      return {
        ...base,
        type: 'run-group',
        runId: 0,
        runGroupId: group.id,
        state: group.state,
        payload: toRunGroupView(group),
      };
    }
    case 'environment':
      return undefined;
  }
}
