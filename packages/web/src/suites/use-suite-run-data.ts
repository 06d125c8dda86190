/**
 * A suite run kept current while it goes on: the suite run's own live stream
 * (`/api/events/stream?suiteRunId=`) says when a step starts and when the suite ends; the running
 * step's stream (`?runId=`) moves that step through its states in between.
 */
import { isFinalState } from '@tracecheck/core';
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { SuiteRunView } from '../api/api-types';
import { coalesceReads } from '../api/coalesce-reads';
import { applyRunEvent, parseLiveEvent } from '../run/live-events';
import { applyStepRun, applySuiteRunEvent, isSuiteRunFinal, runningStepOf } from './suite-run-view';

export type SuiteRunDataState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: ApiError }
  | {
      readonly status: 'ready';
      readonly run: SuiteRunView;
      /** True while the live stream is open. */
      readonly live: boolean;
    };

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError(0, 'INTERNAL', error instanceof Error ? error.message : String(error));
}

/** Loads a suite run and follows it live until it ends; `reload()` reads it again (after "Stop"). */
export function useSuiteRunData(
  suiteId: string,
  runId: string,
): SuiteRunDataState & { readonly reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<SuiteRunDataState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` asks for a fresh read
  useEffect(() => {
    let cancelled = false;
    let suiteStream: EventSource | null = null;
    let stepStream: { readonly stepId: string; readonly source: EventSource } | null = null;
    let run: SuiteRunView | null = null;

    const closeStepStream = () => {
      stepStream?.source.close();
      stepStream = null;
    };
    const closeAll = () => {
      suiteStream?.close();
      suiteStream = null;
      closeStepStream();
    };

    /** Shows `next` and follows its running step (one step stream at a time). */
    const show = (next: SuiteRunView, live: boolean) => {
      if (cancelled) return;
      run = next;
      setState({ status: 'ready', run: next, live });
      if (isSuiteRunFinal(next.state)) {
        closeAll();
        return;
      }
      const running = runningStepOf(next);
      if (running?.id === stepStream?.stepId) return;
      closeStepStream();
      if (running !== undefined) followStep(running.id);
    };

    const followStep = (stepId: string) => {
      const source = new EventSource(api.runEventsUrl(stepId));
      stepStream = { stepId, source };
      source.onmessage = (message: MessageEvent<string>) => {
        const event = parseLiveEvent(message.data);
        if (event === null || event.type !== 'run' || cancelled || run === null) return;
        const current = run.steps.find((step) => step.id === stepId);
        if (current === undefined) return;
        const step = applyRunEvent(current, event);
        // The step's stream ends with its final state; the suite's stream says what comes next.
        if (isFinalState(step.state) && stepStream?.stepId === stepId) closeStepStream();
        show(applyStepRun(run, step), suiteStream !== null);
      };
    };

    // One read at a time; an event that asks for one meanwhile asks for one more read after it.
    const read = coalesceReads({
      read: () => api.getSuiteRun(suiteId, runId),
      onRead: (fresh) => show(fresh, suiteStream !== null),
      onFailed: (error) => {
        // A read that fails while the stream is open is tried again with the next event.
        if (!cancelled && run === null) setState({ status: 'error', error: toApiError(error) });
      },
      isCancelled: () => cancelled,
    });

    const followSuite = () => {
      const source = new EventSource(api.suiteRunEventsUrl(runId));
      suiteStream = source;
      source.onmessage = (message: MessageEvent<string>) => {
        const event = parseLiveEvent(message.data);
        if (event === null || event.type !== 'suite-run' || cancelled || run === null) return;
        const applied = applySuiteRunEvent(run, event);
        const final = isSuiteRunFinal(applied.run.state);
        // The final state closes the stream: the server ends it, and EventSource would reconnect.
        if (final) closeAll();
        show(applied.run, !final);
        // A step that ended between two events is read whole with the final suite run.
        if (!applied.complete || final) read();
      };
      source.onopen = () => {
        if (run !== null && !cancelled) setState({ status: 'ready', run, live: true });
      };
      // EventSource reconnects by itself after a network error; the page says it is not live meanwhile.
      source.onerror = () => {
        if (run !== null && !cancelled && suiteStream === source)
          setState({ status: 'ready', run, live: false });
      };
    };

    api.getSuiteRun(suiteId, runId).then(
      (first) => {
        if (cancelled) return;
        if (!isSuiteRunFinal(first.state)) followSuite();
        show(first, false);
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'error', error: toApiError(error) });
      },
    );

    return () => {
      cancelled = true;
      closeAll();
    };
  }, [api, suiteId, runId, generation]);

  return { ...state, reload };
}
