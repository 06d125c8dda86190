import { TracecheckError } from '@tracecheck/core';
import { type Logger, pino } from 'pino';
import { reasonAfterFailure, reasonAfterTimeout } from './dead-letter-reason';
import { parseStageMessage } from './parse-stage-message';
import type {
  ConsumeOptions,
  DeadLetterHandler,
  Delivery,
  Queue,
  QueueOptions,
  Stage,
  StageHandler,
  StageMessage,
} from './queue';
import { assertConsumeOptions, backoffDelayMs, resolveQueueOptions } from './resolve-queue-options';

/** The timers the memory queue waits with; tests pass a manual clock. */
export interface QueueClock {
  /** Calls `callback` once after `delayMs`; the returned function cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

/** Node's own timers. */
const systemQueueClock: QueueClock = {
  setTimer(callback, delayMs) {
    const handle = setTimeout(callback, delayMs);
    return () => clearTimeout(handle);
  },
};

export interface MemoryQueueOptions extends QueueOptions {
  /** Default: Node's timers. */
  readonly clock?: QueueClock;
  /** Handler failures and dead letters are logged here; default: a pino logger on standard output. */
  readonly logger?: Logger;
}

/** Where a message is: waiting in its stage's FIFO, with a handler, waiting out a backoff, or done. */
type EntryState = 'ready' | 'in-flight' | 'backoff' | 'settled';

interface Entry {
  readonly message: StageMessage;
  state: EntryState;
  deliveries: number;
  /** Number of the current delivery; results of older deliveries are recognised by it. */
  lease: number;
  /** Cancels the ack deadline (in flight) or the backoff wait. */
  cancelTimer: (() => void) | undefined;
}

interface Consumer {
  readonly handler: StageHandler;
  readonly concurrency: number;
  active: number;
}

/**
 * The in-process queue of the embedded mode: one FIFO per stage, round-robin over the stage's
 * consumers within their concurrency, ack when the handler resolves, redelivery after the backoff when
 * it throws or right away when its ack deadline passes without heartbeat, dead letters after
 * `maxDeliveries`. Messages live as long as the queue object (the embedded mode re-enqueues
 * unfinished runs from the store on start).
 * @example const queue = createMemoryQueue({ maxDeliveries: 5, backoffMs: [1000, 5000], ackTimeoutMs: 30000 })
 */
export function createMemoryQueue(options: MemoryQueueOptions): Queue {
  const { maxDeliveries, backoffMs, ackTimeoutMs } = resolveQueueOptions(options);
  const clock = options.clock ?? systemQueueClock;
  const logger = options.logger ?? pino({ base: { component: 'memory-queue' } });
  const ready = new Map<Stage, Entry[]>();
  const consumers = new Map<Stage, Consumer[]>();
  const nextConsumer = new Map<Stage, number>();
  const deadLetterHandlers: DeadLetterHandler[] = [];
  /** Messages not yet acked or dead-lettered. */
  const live = new Set<Entry>();
  const inFlight = new Set<Promise<void>>();
  /** Dead-letter retries waiting for their backoff. */
  const retryTimers = new Set<() => void>();
  const dispatchScheduled = new Set<Stage>();
  let closing: Promise<void> | undefined;

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  function enqueue(stage: Stage, entry: Entry): void {
    entry.state = 'ready';
    entry.cancelTimer = undefined;
    const fifo = ready.get(stage) ?? [];
    fifo.push(entry);
    ready.set(stage, fifo);
    scheduleDispatch(stage);
  }

  /** Dispatches on a microtask so a handler never runs inside `publish()` or another handler's settlement. */
  function scheduleDispatch(stage: Stage): void {
    if (dispatchScheduled.has(stage)) return;
    dispatchScheduled.add(stage);
    queueMicrotask(() => {
      dispatchScheduled.delete(stage);
      dispatch(stage);
    });
  }

  function dispatch(stage: Stage): void {
    const fifo = ready.get(stage);
    while (closing === undefined && fifo !== undefined && fifo.length > 0) {
      const consumer = pickConsumer(stage);
      if (consumer === undefined) return;
      const entry = fifo.shift()!;
      deliver(stage, entry, consumer);
    }
  }

  /** Round-robin over the stage's consumers that have a free slot. */
  function pickConsumer(stage: Stage): Consumer | undefined {
    const list = consumers.get(stage) ?? [];
    const start = nextConsumer.get(stage) ?? 0;
    for (let offset = 0; offset < list.length; offset += 1) {
      const index = (start + offset) % list.length;
      const consumer = list[index]!;
      if (consumer.active < consumer.concurrency) {
        nextConsumer.set(stage, index + 1);
        return consumer;
      }
    }
    return undefined;
  }

  function deliver(stage: Stage, entry: Entry, consumer: Consumer): void {
    entry.deliveries += 1;
    entry.lease += 1;
    entry.state = 'in-flight';
    const attempt = entry.deliveries;
    const lease = entry.lease;
    const isCurrent = () => entry.state === 'in-flight' && entry.lease === lease;
    const armDeadline = () => {
      entry.cancelTimer?.();
      entry.cancelTimer = clock.setTimer(() => {
        if (isCurrent()) expire(stage, entry, attempt);
      }, ackTimeoutMs);
    };
    armDeadline();
    const delivery: Delivery = {
      message: entry.message,
      attempt,
      heartbeat() {
        if (isCurrent()) armDeadline();
      },
    };
    consumer.active += 1;
    const work = (async () => {
      try {
        await consumer.handler(delivery);
        settle(stage, entry);
      } catch (error) {
        if (isCurrent()) fail(stage, entry, attempt, error);
      } finally {
        consumer.active -= 1;
        scheduleDispatch(stage);
      }
    })();
    track(work);
  }

  /** An ack from any delivery settles the message: its work is done, later results are ignored. */
  function settle(stage: Stage, entry: Entry): void {
    if (entry.state === 'settled') return;
    if (entry.state === 'ready') {
      const fifo = ready.get(stage) ?? [];
      fifo.splice(fifo.indexOf(entry), 1);
    }
    entry.cancelTimer?.();
    entry.cancelTimer = undefined;
    entry.state = 'settled';
    live.delete(entry);
  }

  function fail(stage: Stage, entry: Entry, attempt: number, error: unknown): void {
    entry.cancelTimer?.();
    if (attempt >= maxDeliveries) {
      deadLetter(entry, reasonAfterFailure(attempt, error));
      return;
    }
    const delayMs = backoffDelayMs(backoffMs, attempt);
    logger.warn(
      { err: error, ...entry.message, attempt, retryInMs: delayMs },
      'stage handler failed; retrying',
    );
    entry.state = 'backoff';
    entry.cancelTimer = clock.setTimer(() => enqueue(stage, entry), delayMs);
  }

  function expire(stage: Stage, entry: Entry, attempt: number): void {
    if (attempt >= maxDeliveries) {
      deadLetter(entry, reasonAfterTimeout(attempt, ackTimeoutMs));
      return;
    }
    logger.warn(
      { ...entry.message, attempt, ackTimeoutMs },
      'stage handler missed its ack deadline; redelivering',
    );
    enqueue(stage, entry);
  }

  function deadLetter(entry: Entry, reason: string): void {
    entry.cancelTimer = undefined;
    entry.state = 'settled';
    live.delete(entry);
    logger.error({ ...entry.message, attempts: entry.deliveries, reason }, 'stage message dead-lettered');
    callDeadLetterHandlers(entry.message, reason, 1);
  }

  /** Calls every dead-letter handler; when one throws, all are called again after the backoff. */
  function callDeadLetterHandlers(message: StageMessage, reason: string, round: number): void {
    const work = (async () => {
      try {
        for (const handler of deadLetterHandlers) await handler(message, reason);
      } catch (error) {
        if (closing !== undefined) return;
        const delayMs = backoffDelayMs(backoffMs, round);
        logger.error({ err: error, ...message, retryInMs: delayMs }, 'dead-letter handler failed; retrying');
        const cancel = clock.setTimer(() => {
          retryTimers.delete(cancel);
          callDeadLetterHandlers(message, reason, round + 1);
        }, delayMs);
        retryTimers.add(cancel);
      }
    })();
    track(work);
  }

  function assertOpen(action: string): void {
    if (closing !== undefined) {
      throw new TracecheckError('INTERNAL', `cannot ${action}: the queue is closed; create a new queue`);
    }
  }

  return {
    async publish(message) {
      assertOpen(`publish ${JSON.stringify(message)}`);
      const parsed = parseStageMessage(message);
      if (!parsed.ok) {
        throw new TracecheckError('INTERNAL', `cannot publish ${JSON.stringify(message)}: ${parsed.problem}`);
      }
      const entry: Entry = {
        message: parsed.message,
        state: 'ready',
        deliveries: 0,
        lease: 0,
        cancelTimer: undefined,
      };
      live.add(entry);
      enqueue(parsed.message.stage, entry);
    },

    async consume(stage: Stage, handler: StageHandler, consumeOptions: ConsumeOptions) {
      assertOpen(`consume stage "${stage}"`);
      assertConsumeOptions(consumeOptions);
      const list = consumers.get(stage) ?? [];
      list.push({ handler, concurrency: consumeOptions.concurrency, active: 0 });
      consumers.set(stage, list);
      scheduleDispatch(stage);
    },

    onDeadLetter(handler) {
      deadLetterHandlers.push(handler);
    },

    close() {
      closing ??= (async () => {
        // A handler that fails while we wait may start a dead-letter call: wait for those too.
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        for (const cancel of retryTimers) cancel();
        retryTimers.clear();
        // What is left dies with the process memory; stop its timers so nothing fires after close.
        for (const entry of live) {
          entry.cancelTimer?.();
          entry.state = 'settled';
        }
        live.clear();
        ready.clear();
      })();
      return closing;
    },
  };
}
