/** A FIFO lock: `lock()` resolves with the function that releases it. */
interface Mutex {
  lock(): Promise<() => void>;
}

/** Creates a mutex; waiters get the lock in the order they asked for it. */
export function createMutex(): Mutex {
  let tail: Promise<void> = Promise.resolve();
  return {
    lock() {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const acquired = tail.then(() => release);
      tail = tail.then(() => released);
      return acquired;
    },
  };
}
