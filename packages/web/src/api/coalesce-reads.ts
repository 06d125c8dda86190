/**
 * One read at a time for a live page: a read asked for while one runs becomes one more read after it,
 * however many were asked for, so a burst of events costs two reads, not one per event.
 */
export interface CoalescedReads<T> {
  /** Reads, e.g. `() => api.getSuiteRun(suiteId, runId)`. */
  readonly read: () => Promise<T>;
  /** Gets each answer. */
  readonly onRead: (value: T) => void;
  /** Gets a failed read's error; the next ask reads again. */
  readonly onFailed: (error: unknown) => void;
  /** True once the page is gone: no read follows then. */
  readonly isCancelled: () => boolean;
}

/**
 * Returns the function that asks for a read.
 *
 * @example
 * const refreshEvents = coalesceReads({ read: () => api.getRunEvents(testId, runId), onRead: merge,
 *   onFailed: () => {}, isCancelled: () => cancelled });
 */
export function coalesceReads<T>(reads: CoalescedReads<T>): () => void {
  let reading = false;
  let stale = false;
  const ask = () => {
    if (reading) {
      stale = true;
      return;
    }
    reading = true;
    stale = false;
    reads.read().then(
      (value) => {
        reading = false;
        reads.onRead(value);
        if (stale && !reads.isCancelled()) ask();
      },
      (error: unknown) => {
        reading = false;
        reads.onFailed(error);
      },
    );
  };
  return ask;
}
