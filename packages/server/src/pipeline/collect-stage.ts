import { Buffer } from 'node:buffer';
import {
  decideTraceCompleteness,
  decodeOtlpProtobuf,
  isFinalState,
  isRunState,
  isTracecheckError,
  type SpanInput,
  type SpanRecord,
  type TraceCompleteness,
  type TraceId,
  toSpanInput,
} from '@tracecheck/core';
import type { DataStoreJson, PollJobResult } from '@tracecheck/protocol';
import type { LiveEvent } from '../events/event-bus';
import type { Delivery, StageHandler } from '../queue/queue';
import type { RunRecord, Scope } from '../store/store';
import { catchUpRun, moveRun, publishStageOf } from './move-run';
import type { PipelineContext } from './pipeline-context';
import { type RunEventInput, recordRunEvents } from './run-events';
import {
  loadDataStore,
  loadPollingSettings,
  loadRunTest,
  type PollingSettings,
  type RunnableTest,
} from './run-resources';
import { encodeRunTrace, triggerRootOf } from './run-trace';
import {
  formatDuration,
  isOtlpDataStore,
  scopeOf,
  stopWatchingTrace,
  watchTrace,
  withHeartbeat,
} from './stage-support';

/** The event type a skip request is recorded with; the collector of the run listens for it. */
export const SKIP_TRACE_COLLECTION = 'SKIP_TRACE_COLLECTION';

/** The spans of one trace collected so far, each span id once (the first copy wins). */
class SpanCollection {
  private readonly records = new Map<string, SpanRecord>();
  readonly inputs: SpanInput[] = [];

  constructor(private readonly traceId: string) {}

  /** Adds the records of this trace; returns how many were new. */
  add(records: readonly SpanRecord[]): number {
    let added = 0;
    for (const record of records) {
      if (record.traceId !== this.traceId || this.records.has(record.spanId)) continue;
      this.records.set(record.spanId, record);
      this.inputs.push(toSpanInput(record));
      added++;
    }
    return added;
  }

  get size(): number {
    return this.records.size;
  }

  spans(): Iterable<SpanRecord> {
    return this.records.values();
  }
}

type CollectOutcome =
  | { readonly kind: 'complete'; readonly decision: TraceCompleteness & { complete: true } }
  | { readonly kind: 'skipped'; readonly reason: string }
  /** The run left AWAITING_TRACE meanwhile (stopped, or another worker finished the collection). */
  | { readonly kind: 'abandoned' };

interface CollectionSetup {
  readonly run: RunRecord;
  readonly test: RunnableTest;
  readonly polling: PollingSettings;
  readonly dataStore: DataStoreJson;
  readonly polled: boolean;
}

/**
 * The collect stage: gathers the run's spans as they arrive (pushed by the agent through the store
 * and the event bus, or fetched by poll jobs for external data stores) and decides with
 * `decideTraceCompleteness` on every arrival and on timers, never by sleeping. On completion it saves
 * the trace once and moves AWAITING_TRACE → ANALYZING_TRACE; a timeout without a single span ends the
 * run TRACE_FAILED with a diagnosis. One collector per run in a process: a duplicate delivery waits
 * for it.
 */
export function createCollectStage(context: PipelineContext): StageHandler {
  const active = new Map<string, Promise<void>>();
  return async (delivery) => {
    const scope = scopeOf(delivery.message);
    const run = await context.store.getRun(scope, delivery.message.runId);
    if (!run) {
      context.logger.warn({ runId: delivery.message.runId }, 'collect stage: the run no longer exists');
      return;
    }
    if (run.state !== 'AWAITING_TRACE') {
      if (run.state !== 'CREATED' && run.state !== 'EXECUTING')
        await catchUpRun(context, scope, run, delivery);
      return;
    }
    const key = `${scope.organizationId}/${scope.environmentId}/${run.id}`;
    const running = active.get(key);
    if (running) {
      await withHeartbeat(delivery, context.config.heartbeatMs, () => running);
      return;
    }
    const collecting = withHeartbeat(delivery, context.config.heartbeatMs, () =>
      collectTrace(context, delivery, scope, run),
    );
    active.set(key, collecting);
    try {
      await collecting;
    } finally {
      active.delete(key);
    }
  };
}

async function collectTrace(
  context: PipelineContext,
  delivery: Delivery,
  scope: Scope,
  run: RunRecord,
): Promise<void> {
  let test: RunnableTest;
  try {
    test = await loadRunTest(context.store, scope, run);
  } catch (error) {
    if (!isTracecheckError(error)) throw error;
    const moved = await moveRun(context, scope, run.id, {
      from: ['AWAITING_TRACE'],
      patch: { state: 'TRACE_FAILED', lastErrorState: error.message },
      stage: 'collect',
      why: error.message,
    });
    if (moved) await publishStageOf(context, scope, moved);
    return;
  }
  const polling = await loadPollingSettings(context.store, scope, test.pollingProfile, context.config);
  const dataStore = await loadDataStore(context.store, scope);
  const setup: CollectionSetup = { run, test, polling, dataStore, polled: !isOtlpDataStore(dataStore) };

  // Saved by an earlier delivery that stopped before moving the run on.
  const saved = await context.store.readRunTrace(scope, run.id);
  if (saved) {
    await completeCollection(context, scope, setup, saved, [
      {
        type: 'TRACE_COLLECTED',
        stage: 'collect',
        title: 'Trace collected',
        description: 'an earlier attempt saved the trace before it could move the run on',
      },
    ]);
    return;
  }

  const skipReason = test.skipTraceCollection
    ? 'the test sets skipTraceCollection: only the trigger span is evaluated'
    : polling.strategy === 'no-polling'
      ? `the polling profile "${polling.name}" does not collect traces (strategy no-polling)`
      : undefined;
  const collection = new SpanCollection(run.traceId);
  let outcome: CollectOutcome;
  if (skipReason) outcome = { kind: 'skipped', reason: skipReason };
  else outcome = await waitForTrace(context, delivery, scope, setup, collection);

  switch (outcome.kind) {
    case 'abandoned':
      return;
    case 'skipped':
      stopWatchingTrace(context, scope, run);
      await completeCollection(context, scope, setup, encodeRunTrace(run, collection.spans()), [
        {
          type: 'TRACE_COLLECTED',
          stage: 'collect',
          title: 'Trace collection skipped',
          description: `${outcome.reason}; ${collection.size} ${collection.size === 1 ? 'span' : 'spans'} had arrived`,
          data: { spanCount: collection.size, skipped: true },
        },
      ]);
      return;
    case 'complete': {
      stopWatchingTrace(context, scope, run);
      const { decision } = outcome;
      if (decision.cause === 'deadline' && collection.size === 0) {
        const diagnosis = diagnoseMissingTrace(setup, decision);
        const moved = await moveRun(context, scope, run.id, {
          from: ['AWAITING_TRACE'],
          patch: { state: 'TRACE_FAILED', lastErrorState: diagnosis },
          stage: 'collect',
          why: 'no span of the trace arrived before the polling timeout',
          events: [
            {
              type: 'TRACE_NOT_FOUND',
              stage: 'collect',
              title: 'No trace found',
              description: diagnosis,
              data: { timeoutMs: polling.timeoutMs, dataStore: dataStore.type, traceId: run.traceId },
            },
          ],
        });
        if (moved) await publishStageOf(context, scope, moved);
        return;
      }
      await completeCollection(context, scope, setup, encodeRunTrace(run, collection.spans()), [
        {
          type: 'TRACE_COLLECTED',
          stage: 'collect',
          title:
            decision.cause === 'settled'
              ? 'Trace complete'
              : 'Polling timeout: evaluating the spans that arrived',
          description: decision.reason,
          data: {
            cause: decision.cause,
            spanCount: decision.spanCount,
            unmatchedSelectors: decision.unmatchedSelectors,
            missingParents: decision.missingParents,
          },
        },
      ]);
      return;
    }
  }
}

/** Saves the trace once and moves the run to ANALYZING_TRACE; the winner queues the evaluation. */
async function completeCollection(
  context: PipelineContext,
  scope: Scope,
  setup: CollectionSetup,
  trace: Uint8Array,
  events: readonly RunEventInput[],
): Promise<void> {
  const { run } = setup;
  try {
    await context.store.saveRunTrace(scope, run.id, trace);
  } catch (error) {
    // Another collector of the same run (a duplicate delivery on another worker) saved first: its
    // trace is the run's trace.
    if (!(isTracecheckError(error) && error.code === 'CONFLICT')) throw error;
  }
  const moved = await moveRun(context, scope, run.id, {
    from: ['AWAITING_TRACE'],
    patch: { state: 'ANALYZING_TRACE', obtainedTraceAt: new Date(context.nowMs()) },
    stage: 'collect',
    why: 'the trace is complete; the analyzer, outputs and specs run next',
    events,
  });
  if (moved) await publishStageOf(context, scope, moved);
}

function decodeBase64Chunk(otlpBase64: string): SpanRecord[] {
  return decodeOtlpProtobuf(new Uint8Array(Buffer.from(otlpBase64, 'base64')));
}

/**
 * Waits for the run's trace: subscribes to the run's live events first (so no arrival is missed),
 * then reads what the store already has, starts the watch or the polls, and decides on every
 * arrival, on the settle timer and at the deadline.
 */
function waitForTrace(
  context: PipelineContext,
  delivery: Delivery,
  scope: Scope,
  setup: CollectionSetup,
  collection: SpanCollection,
): Promise<CollectOutcome> {
  const { run, test, polling, polled } = setup;
  const trigger = triggerRootOf(run);
  const selectors = [
    ...test.specs.map((spec) => spec.selector),
    ...test.outputs.map((output) => output.selector),
  ];
  const deadlineMs = (run.serviceTriggeredAt ?? run.createdAt).getTime() + polling.timeoutMs;
  // A polled backend answers only every retryDelay: the next poll must confirm nothing new came.
  const settleMs = polled ? context.config.settleMs + polling.retryDelayMs : context.config.settleMs;
  const log = context.logger.child({ runId: run.id, traceId: run.traceId });

  return new Promise<CollectOutcome>((resolve, reject) => {
    let settled = false;
    let lastSpanAtMs: number | null = null;
    let decideTimer: NodeJS.Timeout | undefined;
    let pollTimer: NodeJS.Timeout | undefined;
    let unsubscribe: (() => void) | undefined;
    let reading: Promise<void> | undefined;
    let readAgain = false;
    const reportedProblems = new Set<string>();

    const cleanup = () => {
      settled = true;
      clearTimeout(decideTimer);
      clearTimeout(pollTimer);
      unsubscribe?.();
      context.signal.removeEventListener('abort', onStop);
    };
    const finish = (outcome: CollectOutcome) => {
      if (settled) return;
      cleanup();
      resolve(outcome);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      cleanup();
      reject(error);
    };
    const onStop = () => fail(context.signal.reason ?? new Error('the workers are stopping'));

    const schedule = (delayMs: number) => {
      if (settled) return;
      clearTimeout(decideTimer);
      decideTimer = setTimeout(decide, Math.max(0, delayMs));
    };
    const addSpans = (records: readonly SpanRecord[]) => {
      if (settled || collection.add(records) === 0) return;
      lastSpanAtMs = context.nowMs();
      schedule(settleMs);
    };
    const decideNow = () =>
      decideTraceCompleteness({
        traceId: run.traceId as TraceId,
        spans: collection.inputs,
        trigger,
        selectors,
        lastSpanAtMs,
        nowMs: context.nowMs(),
        settleMs,
        missingParentGraceMs: context.config.missingParentGraceMs,
        deadlineMs,
      });

    /** Reads every chunk the store holds for the run (coalesced: one read at a time). */
    const readStoredSpans = (): Promise<void> => {
      if (reading) {
        readAgain = true;
        return reading;
      }
      reading = (async () => {
        do {
          readAgain = false;
          const chunks = await context.store.readRunSpans(scope, run.id);
          for (const chunk of chunks) addSpans(decodeOtlpProtobuf(chunk));
        } while (readAgain && !settled);
      })().finally(() => {
        reading = undefined;
      });
      return reading;
    };

    function decide(): void {
      if (settled) return;
      const decision = decideNow();
      if (!decision.complete) {
        schedule(decision.recheckInMs);
        return;
      }
      // A live event may have been lost on the way (the bus delivers at most once): the store has
      // every chunk, so read it once more before calling the trace complete.
      const before = collection.size;
      readStoredSpans().then(() => {
        if (settled) return;
        if (decision.cause === 'settled' && collection.size > before) return; // addSpans rescheduled
        const final = decideNow();
        finish({ kind: 'complete', decision: final.complete ? final : decision });
      }, fail);
    }

    const reportProblem = (event: RunEventInput) => {
      if (reportedProblems.has(event.description)) return;
      reportedProblems.add(event.description);
      recordRunEvents(context, scope, run, [event]).catch((error: unknown) =>
        log.warn({ err: error }, 'could not record a collection event'),
      );
    };

    const onEvent = (event: LiveEvent) => {
      if (settled) return;
      switch (event.type) {
        case 'spans': {
          const payload = event.payload as { otlpBase64?: unknown } | undefined;
          if (typeof payload?.otlpBase64 === 'string') {
            try {
              addSpans(decodeBase64Chunk(payload.otlpBase64));
            } catch (error) {
              log.warn({ err: error }, 'a spans event could not be decoded; reading the store');
              readStoredSpans().catch(fail);
            }
          } else readStoredSpans().catch(fail);
          return;
        }
        case 'run-event': {
          const payload = event.payload as { type?: unknown } | undefined;
          if (payload?.type === SKIP_TRACE_COLLECTION) {
            readStoredSpans().then(
              () => finish({ kind: 'skipped', reason: 'trace collection was skipped on request' }),
              fail,
            );
          }
          return;
        }
        case 'run':
          if (event.state !== undefined && isRunState(event.state) && event.state !== 'AWAITING_TRACE') {
            if (isFinalState(event.state) || event.state === 'ANALYZING_TRACE') finish({ kind: 'abandoned' });
          }
          return;
        default:
          return;
      }
    };

    const poll = (count: number) => {
      if (settled) return;
      context.agents
        .dispatch(
          {
            kind: 'poll',
            id: `run-${run.id}-poll-${delivery.attempt}-${count}`,
            scope,
            runId: run.id,
            traceId: run.traceId,
            dataStore: setup.dataStore,
          },
          { timeoutMs: Math.max(30_000, polling.retryDelayMs * 2), signal: context.signal },
        )
        .then(
          (answer) => {
            const result = answer as PollJobResult;
            if (result.found && result.otlpBase64) addSpans(decodeBase64Chunk(result.otlpBase64));
            if (result.error) {
              reportProblem({
                type: 'DATA_STORE_ERROR',
                stage: 'collect',
                title: `The ${setup.dataStore.type} data store could not answer`,
                description: result.error,
              });
            }
          },
          (error: unknown) => {
            if (!isTracecheckError(error)) return;
            reportProblem({
              type: 'AGENT_UNAVAILABLE',
              stage: 'collect',
              title: 'A poll found no agent',
              description: error.message,
            });
          },
        )
        .finally(() => {
          if (!settled) pollTimer = setTimeout(() => poll(count + 1), polling.retryDelayMs);
        });
    };

    context.signal.addEventListener('abort', onStop, { once: true });
    if (context.signal.aborted) {
      onStop();
      return;
    }

    (async () => {
      unsubscribe = await context.bus.subscribe(
        `${scope.organizationId}.${scope.environmentId}.run.${run.id}`,
        onEvent,
      );
      if (settled) {
        unsubscribe();
        return;
      }
      const events = await context.store.listRunEvents(scope, run.id);
      await recordRunEvents(context, scope, run, [
        {
          type: 'COLLECTION_STARTED',
          stage: 'collect',
          title:
            delivery.attempt === 1
              ? 'Collecting the trace'
              : `Collecting the trace again (attempt ${delivery.attempt})`,
          description: polled
            ? `polling the ${setup.dataStore.type} data store every ${formatDuration(polling.retryDelayMs)} for up to ${formatDuration(polling.timeoutMs)} (profile "${polling.name}")`
            : `waiting for spans pushed by the agent for up to ${formatDuration(polling.timeoutMs)} (profile "${polling.name}"); complete when every selector matches, no span waits for its parent and ${formatDuration(settleMs)} pass without a new span`,
          data: {
            timeoutMs: polling.timeoutMs,
            settleMs,
            dataStore: setup.dataStore.type,
            selectors,
            worker: context.config.workerName,
            attempt: delivery.attempt,
          },
        },
      ]);
      if (events.some((event) => event.type === SKIP_TRACE_COLLECTION)) {
        await readStoredSpans();
        finish({ kind: 'skipped', reason: 'trace collection was skipped on request' });
        return;
      }
      await readStoredSpans();
      if (polled) poll(1);
      else {
        watchTrace(context, scope, run).catch((error: unknown) => {
          if (!isTracecheckError(error)) return;
          reportProblem({
            type: 'AGENT_UNAVAILABLE',
            stage: 'collect',
            title: 'The agent did not start watching the trace',
            description: error.message,
          });
        });
      }
      schedule(0);
    })().catch(fail);
  });
}

function diagnoseMissingTrace(setup: CollectionSetup, decision: TraceCompleteness): string {
  const { run, polling, dataStore } = setup;
  const waited = formatDuration(polling.timeoutMs);
  const gaps =
    decision.unmatchedSelectors.length > 0
      ? ` Selectors that never matched: ${decision.unmatchedSelectors.join(', ')}.`
      : '';
  if (setup.polled) {
    return (
      `no span of trace ${run.traceId} was found in the ${dataStore.type} data store within ${waited}. Check that the ` +
      `application exports its spans to that ${dataStore.type}; that the trace context is propagated (the system under ` +
      'test must continue the trace of the traceparent header the trigger sends, not start a new one); and that the ' +
      `data store settings point at the right backend (tracecheck get datastore).${gaps}`
    );
  }
  return (
    `no span of trace ${run.traceId} reached the agent within ${waited}. Check that the application's OTLP exporter ` +
    'sends to the agent (OTLP/gRPC on port 4317, OTLP/HTTP on port 4318 at /v1/traces); that the trace context is ' +
    'propagated (the service must read the traceparent header the trigger sends and continue that trace, not start a ' +
    'new one); that spans are exported before the timeout (batching exporters wait up to 5 s: shorten the delay or ' +
    `raise the polling profile's timeout); and that the data store of the environment is the agent (${dataStore.type} now).${gaps}`
  );
}
