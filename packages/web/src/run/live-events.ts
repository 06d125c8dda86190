/**
 * Reading the live events of a run (`/api/events/stream?runId=…`): each Server-Sent Event is parsed
 * once here, and what it carries is merged into what the page already shows.
 */
import { isRunState } from '@tracecheck/core';
import type { LiveEventView, RunEventView, TestRunView } from '../api/api-types';

const LIVE_EVENT_TYPES: ReadonlySet<string> = new Set(['run', 'suite-run', 'run-event', 'spans']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The event of one `data:` line, or `null` when it is not a live event (a proxy's noise, a newer type). */
export function parseLiveEvent(data: string): LiveEventView | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.type !== 'string' || !LIVE_EVENT_TYPES.has(value.type)) return null;
  if (typeof value.runId !== 'number') return null;
  return value as unknown as LiveEventView;
}

/** True for a payload that is a whole TestRun (the stream's first event and every state change). */
export function isTestRunPayload(value: unknown): value is TestRunView {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    typeof value.testId === 'string' &&
    typeof value.state === 'string' &&
    isRunState(value.state)
  );
}

/** True for a payload that is one line of the run's event log. */
export function isRunEventPayload(value: unknown): value is RunEventView {
  return isObject(value) && typeof value.seq === 'number' && typeof value.title === 'string';
}

/** The `otlpBase64` of a `spans` event's payload, or `null`. */
export function spansOfPayload(value: unknown): string | null {
  return isObject(value) && typeof value.otlpBase64 === 'string' ? value.otlpBase64 : null;
}

/**
 * The run after a `run` event: the payload when it is a whole run, else the run with the event's state
 * (an event may carry the state alone).
 */
export function applyRunEvent(run: TestRunView, event: LiveEventView): TestRunView {
  if (isTestRunPayload(event.payload)) return event.payload;
  if (event.state !== undefined && isRunState(event.state) && event.state !== run.state) {
    return { ...run, state: event.state };
  }
  return run;
}

/**
 * The event log with `incoming` merged in: ordered by `seq`, each `seq` once (the stream may repeat
 * what the first read already had).
 */
export function mergeRunEvents(
  existing: readonly RunEventView[],
  incoming: readonly RunEventView[],
): RunEventView[] {
  const bySeq = new Map<number, RunEventView>();
  for (const event of existing) bySeq.set(event.seq, event);
  for (const event of incoming) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
