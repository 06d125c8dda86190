/** A run's state as a coloured pill; a running run pulses. */
import type { RunState } from '@tracecheck/core';
import { describeRunState } from './describe-run-state';

export function RunStateBadge(props: {
  readonly run: { readonly state: RunState; readonly passed: boolean | null; readonly fail: number };
}) {
  const description = describeRunState(props.run);
  return (
    <span
      className={`state-badge tone-${description.tone}`}
      title={description.explanation}
      data-state={props.run.state}
    >
      {description.tone === 'running' ? <span className="pulse" aria-hidden="true" /> : null}
      {description.label}
    </span>
  );
}
