/**
 * Everything a run page shows, kept current while the run goes on: the run (its state from the live
 * stream), the test, the event log, and the trace, rebuilt as spans arrive.
 */
import { decodeOtlpProtobuf, isFinalState, type SpanRecord, type Trace } from '@tracecheck/core';
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { RunEventView, TestRunView, TestView } from '../api/api-types';
import { coalesceReads } from '../api/coalesce-reads';
import { assembleRunTrace, decodeLiveSpans } from '../trace/decode-trace';
import {
  applyRunEvent,
  isRunEventPayload,
  mergeRunEvents,
  parseLiveEvent,
  spansOfPayload,
} from './live-events';

export type TraceState =
  | { readonly status: 'loading' }
  /** Downloaded, being decoded (big traces take a moment). */
  | { readonly status: 'decoding'; readonly bytes: number }
  /** No span has arrived (yet). */
  | { readonly status: 'none' }
  | { readonly status: 'ready'; readonly trace: Trace }
  | { readonly status: 'error'; readonly message: string };

export type RunDataState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: ApiError }
  | {
      readonly status: 'ready';
      readonly run: TestRunView;
      readonly test: TestView | null;
      readonly events: readonly RunEventView[];
      readonly trace: TraceState;
      /** True while the live stream is open. */
      readonly live: boolean;
    };

/** A trace read as far as its span records. */
type DecodedTrace =
  | { readonly status: 'records'; readonly records: SpanRecord[] }
  | { readonly status: 'none' }
  | { readonly status: 'error'; readonly message: string };

/** From this size on, the page says it is decoding the trace before it does (a moment at 100k spans). */
const SHOW_DECODING_BYTES = 4 * 1024 * 1024;

/** The shortest pause between two rebuilds of a live trace; a big trace waits longer (see below). */
const MIN_REBUILD_INTERVAL_MS = 500;

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError(0, 'INTERNAL', error instanceof Error ? error.message : String(error));
}

/** Lets the browser paint ("Decoding…") before a long synchronous decode. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Loads the run page's data and follows the run live until it ends. `reload()` reads everything again
 * (after "Run again" or "Stop").
 */
export function useRunData(testId: string, runId: string): RunDataState & { readonly reload: () => void } {
  const api = useApi();
  const [state, setState] = useState<RunDataState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` asks for a fresh read
  useEffect(() => {
    let cancelled = false;
    let source: EventSource | null = null;
    let rebuildTimer: ReturnType<typeof setTimeout> | undefined;
    let rebuildIntervalMs = MIN_REBUILD_INTERVAL_MS;
    // Span records of the trace so far: from the first read, then from the live stream.
    let records: SpanRecord[] = [];
    let finalTraceLoaded = false;

    const update = (change: (ready: Extract<RunDataState, { status: 'ready' }>) => RunDataState) =>
      setState((current) => (cancelled || current.status !== 'ready' ? current : change(current)));
    const setTrace = (trace: TraceState) => update((current) => ({ ...current, trace }));

    const rebuild = (traceId: string) => {
      const startedMs = performance.now();
      const trace = assembleRunTrace(traceId, records);
      // Rebuilding costs in proportion to the trace: wait a few times that long before the next one.
      rebuildIntervalMs = Math.max(MIN_REBUILD_INTERVAL_MS, (performance.now() - startedMs) * 4);
      setTrace(trace === null ? { status: 'none' } : { status: 'ready', trace });
    };

    /**
     * Decodes the trace read by `request` as soon as its bytes arrive, while the page's other reads may
     * still be on their way. Never rejects: a failed read or decode is a result.
     */
    const decodeTrace = async (request: Promise<Uint8Array | null>): Promise<DecodedTrace> => {
      let bytes: Uint8Array | null;
      try {
        bytes = await request;
      } catch (error) {
        return { status: 'error', message: toApiError(error).detail };
      }
      if (bytes === null) return { status: 'none' };
      if (bytes.byteLength >= SHOW_DECODING_BYTES) {
        // A big trace takes a moment: say so (when the page shows already) before the decoding starts.
        setTrace({ status: 'decoding', bytes: bytes.byteLength });
        await nextFrame();
      }
      try {
        const startedMs = performance.now();
        const decoded = decodeOtlpProtobuf(bytes);
        // User Timing entries: the cost of big traces shows in the browser's performance panel.
        performance.measure('tracecheck:decode-otlp', { start: startedMs });
        return { status: 'records', records: decoded };
      } catch (error) {
        return { status: 'error', message: error instanceof Error ? error.message : String(error) };
      }
    };

    /** Assembles the trace `decoding` yields (read anew by default) and shows it. */
    const loadTrace = async (
      run: TestRunView,
      final: boolean,
      decoding = decodeTrace(api.getRunTrace(testId, runId)),
    ) => {
      const read = await decoding;
      if (cancelled) return;
      if (read.status === 'error') {
        // The run is still worth showing without its trace: the trace area says what went wrong.
        setTrace({ status: 'error', message: read.message });
        return;
      }
      if (read.status === 'none') {
        if (records.length === 0 && !finalTraceLoaded) setTrace({ status: 'none' });
        return;
      }
      try {
        // Live spans that arrived during the read are kept; a span read twice keeps its last version.
        records = final ? read.records : read.records.concat(records);
        const assembledMs = performance.now();
        const trace = assembleRunTrace(run.traceId, records);
        performance.measure('tracecheck:assemble-trace', { start: assembledMs });
        finalTraceLoaded = final;
        // The final trace takes no more live spans: its records are not needed (a large trace's records
        // weigh as much as the trace itself).
        if (final) records = [];
        setTrace(trace === null ? { status: 'none' } : { status: 'ready', trace });
      } catch (error) {
        setTrace({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      }
    };

    const finish = async () => {
      source?.close();
      source = null;
      try {
        const [run, events] = await Promise.all([api.getRun(testId, runId), api.getRunEvents(testId, runId)]);
        if (cancelled) return;
        update((current) => ({
          ...current,
          run,
          events: mergeRunEvents(current.events, events),
          live: false,
        }));
        await loadTrace(run, true);
      } catch (error) {
        if (!cancelled) setState({ status: 'error', error: toApiError(error) });
      }
    };

    // One read of the event log at a time; lines announced meanwhile ask for one more read after it.
    const refreshEvents = coalesceReads({
      read: () => api.getRunEvents(testId, runId),
      onRead: (events) => update((ready) => ({ ...ready, events: mergeRunEvents(ready.events, events) })),
      // The log is read again when the run ends; a failed read in between only delays it.
      onFailed: () => {},
      isCancelled: () => cancelled,
    });

    const follow = (firstRun: TestRunView) => {
      const stream = new EventSource(api.runEventsUrl(runId));
      source = stream;
      let run = firstRun;
      let traceRequested = false;
      stream.onmessage = (message: MessageEvent<string>) => {
        const event = parseLiveEvent(message.data);
        if (event === null || cancelled) return;
        switch (event.type) {
          case 'run': {
            run = applyRunEvent(run, event);
            const current = run;
            update((ready) => ({ ...ready, run: current }));
            if (isFinalState(current.state)) {
              void finish();
            } else if (!traceRequested && current.obtainedTraceAt !== null) {
              // The trace is complete (the analyzer or the assertions run now): read its final form.
              traceRequested = true;
              void loadTrace(current, false);
            }
            break;
          }
          case 'run-event':
            if (isRunEventPayload(event.payload)) {
              const line = event.payload;
              update((ready) => ({ ...ready, events: mergeRunEvents(ready.events, [line]) }));
            } else {
              // The line came without its place in the log (seq, time): read the log again.
              refreshEvents();
            }
            break;
          case 'spans': {
            const otlpBase64 = spansOfPayload(event.payload);
            if (otlpBase64 === null || finalTraceLoaded) break;
            for (const record of decodeLiveSpans(otlpBase64)) records.push(record);
            if (rebuildTimer === undefined) {
              rebuildTimer = setTimeout(() => {
                rebuildTimer = undefined;
                if (!cancelled && !finalTraceLoaded) rebuild(run.traceId);
              }, rebuildIntervalMs);
            }
            break;
          }
          case 'suite-run':
            break;
        }
      };
      stream.onopen = () => update((ready) => ({ ...ready, live: true }));
      // EventSource reconnects by itself after a network error; the page says it is not live meanwhile.
      stream.onerror = () => update((ready) => ({ ...ready, live: false }));
    };

    (async () => {
      // Every read starts at once: the trace, the biggest, downloads (and is decoded) while the run is
      // read and parsed.
      const traceDecoding = decodeTrace(api.getRunTrace(testId, runId));
      try {
        const [run, test, events] = await Promise.all([
          api.getRun(testId, runId),
          api.getTest(testId).then(
            (resource) => resource.spec,
            // The page still shows the run when the test was deleted since.
            () => null,
          ),
          api.getRunEvents(testId, runId),
        ]);
        if (cancelled) return;
        const final = isFinalState(run.state);
        setState({ status: 'ready', run, test, events, trace: { status: 'loading' }, live: false });
        if (!final) follow(run);
        await loadTrace(run, final, traceDecoding);
      } catch (error) {
        if (!cancelled) setState({ status: 'error', error: toApiError(error) });
      }
    })();

    return () => {
      cancelled = true;
      source?.close();
      if (rebuildTimer !== undefined) clearTimeout(rebuildTimer);
    };
  }, [api, testId, runId, generation]);

  return { ...state, reload };
}
