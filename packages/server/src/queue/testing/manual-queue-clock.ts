import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { QueueClock } from '../memory-queue';

/** A clock for tests: time moves only when `advance()` is called. */
export interface ManualQueueClock extends QueueClock {
  /** Milliseconds since the clock was created. */
  readonly nowMs: number;
  /** Moves time forward by `ms`, firing due timers in time order and letting promises settle after each. */
  advance(ms: number): Promise<void>;
}

/**
 * Fake time for the memory queue: tests decide when a backoff or an ack deadline has passed.
 * @example const clock = createManualQueueClock(); createMemoryQueue({ ...options, clock }); await clock.advance(1000)
 */
export function createManualQueueClock(): ManualQueueClock {
  let nowMs = 0;
  let nextId = 0;
  const timers = new Map<number, { dueMs: number; callback: () => void }>();

  return {
    get nowMs() {
      return nowMs;
    },
    setTimer(callback, delayMs) {
      nextId += 1;
      const id = nextId;
      timers.set(id, { dueMs: nowMs + delayMs, callback });
      return () => timers.delete(id);
    },
    async advance(ms) {
      const targetMs = nowMs + ms;
      await settle();
      for (;;) {
        // The earliest due timer, oldest first among equals (ids grow with creation).
        let next: [number, { dueMs: number; callback: () => void }] | undefined;
        for (const timer of timers) {
          if (timer[1].dueMs <= targetMs && (next === undefined || timer[1].dueMs < next[1].dueMs))
            next = timer;
        }
        if (next === undefined) break;
        timers.delete(next[0]);
        nowMs = next[1].dueMs;
        next[1].callback();
        await settle();
      }
      nowMs = targetMs;
    },
  };
}

/** Lets pending promise chains (handlers, dispatch microtasks) run to their next real wait. */
async function settle(): Promise<void> {
  for (let round = 0; round < 5; round += 1) await nextMacrotask();
}
