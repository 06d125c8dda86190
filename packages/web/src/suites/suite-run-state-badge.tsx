/** A suite run's state and verdict as a coloured pill; a running suite run pulses. */
import type { SuiteRunView } from '../api/api-types';
import { describeSuiteRun } from './suite-run-view';

export function SuiteRunStateBadge({
  run,
}: {
  readonly run: Pick<
    SuiteRunView,
    'state' | 'fail' | 'allStepsRequiredGatesPassed' | 'steps' | 'lastErrorState'
  >;
}) {
  const description = describeSuiteRun(run);
  return (
    <span
      className={`state-badge tone-${description.tone}`}
      title={run.lastErrorState ?? description.explanation}
      data-state={run.state}
    >
      {description.tone === 'running' ? <span className="pulse" aria-hidden="true" /> : null}
      {description.label}
    </span>
  );
}
