import { describe, expect, it } from 'vitest';
import { coalesceReads } from './coalesce-reads';

/** A read whose answers the test gives one by one. */
function controlledRead() {
  const pending: { resolve: (value: number) => void; reject: (error: Error) => void }[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { read, pending };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('coalesceReads', () => {
  it('turns the asks made during a read into one more read after it', async () => {
    const { read, pending } = controlledRead();
    const answers: number[] = [];
    const ask = coalesceReads({
      read,
      onRead: (value) => answers.push(value),
      onFailed: () => {},
      isCancelled: () => false,
    });
    ask();
    ask();
    ask();
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(1);
    await settle();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve(2);
    await settle();
    expect(pending).toHaveLength(2);
    expect(answers).toEqual([1, 2]);
  });

  it('reads no more once the page is gone', async () => {
    const { read, pending } = controlledRead();
    let cancelled = false;
    const ask = coalesceReads({ read, onRead: () => {}, onFailed: () => {}, isCancelled: () => cancelled });
    ask();
    ask();
    cancelled = true;
    pending[0]?.resolve(1);
    await settle();
    expect(pending).toHaveLength(1);
  });

  it('hands a failure on and reads again at the next ask', async () => {
    const { read, pending } = controlledRead();
    const failures: unknown[] = [];
    const ask = coalesceReads({
      read,
      onRead: () => {},
      onFailed: (error) => failures.push(error),
      isCancelled: () => false,
    });
    ask();
    ask();
    pending[0]?.reject(new Error('offline'));
    await settle();
    expect(failures).toEqual([new Error('offline')]);
    expect(pending).toHaveLength(1);
    ask();
    expect(pending).toHaveLength(2);
  });
});
