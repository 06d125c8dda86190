import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryQueue } from './memory-queue';
import type { Delivery, Queue, QueueOptions, StageMessage } from './queue';
import { describeQueue } from './queue-contract';
import { createManualQueueClock, type ManualQueueClock } from './testing/manual-queue-clock';

const logger = pino({ level: 'silent' });

describeQueue('memory', async (options) => createMemoryQueue({ ...options, logger }));

const MESSAGE: StageMessage = {
  stage: 'collect',
  organizationId: 'org-1',
  environmentId: 'env-1',
  runId: 42,
};

describe('memory queue on a manual clock', () => {
  let clock: ManualQueueClock;
  let queue: Queue;
  const releases: (() => void)[] = [];

  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    await queue.close();
  });

  function openQueue(options: Partial<QueueOptions> = {}): Queue {
    clock = createManualQueueClock();
    queue = createMemoryQueue({
      maxDeliveries: 3,
      backoffMs: [100, 500],
      ackTimeoutMs: 1000,
      ...options,
      clock,
      logger,
    });
    return queue;
  }

  /** A handler that records when each attempt started and behaves as `plan[attempt - 1]` says. */
  function plannedHandler(plan: readonly ('throw' | 'ack' | 'hang')[]) {
    const startedAtMs: number[] = [];
    const handler = async ({ attempt }: Delivery) => {
      startedAtMs.push(clock.nowMs);
      const step = plan[attempt - 1] ?? 'ack';
      if (step === 'throw') throw new Error(`attempt ${attempt} failed`);
      if (step === 'hang') await new Promise<void>((resolve) => releases.push(resolve));
    };
    return { handler, startedAtMs };
  }

  it.each([
    {
      name: 'each failure waits its backoff, the last delay repeating',
      options: { maxDeliveries: 4 },
      plan: ['throw', 'throw', 'throw', 'ack'] as const,
      startedAtMs: [0, 100, 600, 1100],
      deadLetters: [],
    },
    {
      name: 'a missed ack deadline redelivers at once',
      options: {},
      plan: ['hang', 'ack'] as const,
      startedAtMs: [0, 1000],
      deadLetters: [],
    },
    {
      name: 'a deadline after a failure counts as the next attempt',
      options: {},
      plan: ['throw', 'hang', 'ack'] as const,
      startedAtMs: [0, 100, 1100],
      deadLetters: [],
    },
    {
      name: 'the last failure dead-letters with the error',
      options: { maxDeliveries: 2 },
      plan: ['throw', 'throw'] as const,
      startedAtMs: [0, 100],
      deadLetters: ['gave up after 2 attempts; the last one failed: attempt 2 failed'],
    },
    {
      name: 'a missed deadline on the last attempt dead-letters with the timeout',
      options: { maxDeliveries: 2 },
      plan: ['throw', 'hang'] as const,
      startedAtMs: [0, 100],
      deadLetters: [
        'gave up after 2 attempts; the last one did not finish within the ack timeout of 1000 ms ' +
          '(the worker crashed or hung without a heartbeat)',
      ],
    },
  ])('$name', async ({ options, plan, startedAtMs, deadLetters }) => {
    openQueue(options);
    const reasons: string[] = [];
    queue.onDeadLetter(async (_, reason) => void reasons.push(reason));
    const planned = plannedHandler(plan);
    await queue.consume('collect', planned.handler, { concurrency: 2 });
    await queue.publish(MESSAGE);
    await clock.advance(10_000);
    expect(planned.startedAtMs).toEqual(startedAtMs);
    expect(reasons).toEqual(deadLetters);
  });

  it('starts the ack deadline again on each heartbeat', async () => {
    openQueue();
    const attempts: number[] = [];
    let heartbeat = () => {};
    await queue.consume(
      'collect',
      async (delivery) => {
        attempts.push(delivery.attempt);
        heartbeat = () => delivery.heartbeat();
        await new Promise<void>((resolve) => releases.push(resolve));
      },
      { concurrency: 2 },
    );
    await queue.publish(MESSAGE);
    await clock.advance(900);
    heartbeat();
    await clock.advance(900);
    heartbeat();
    await clock.advance(999);
    expect(attempts).toEqual([1]);
    await clock.advance(1);
    expect(attempts).toEqual([1, 2]);
  });

  it('lets the first ack of any delivery settle the message: later results are ignored', async () => {
    openQueue({ maxDeliveries: 2 });
    const reasons: string[] = [];
    queue.onDeadLetter(async (_, reason) => void reasons.push(reason));
    const finishers: ((error?: Error) => void)[] = [];
    await queue.consume(
      'collect',
      () =>
        new Promise<void>((resolve, reject) =>
          finishers.push((error) => (error ? reject(error) : resolve())),
        ),
      { concurrency: 2 },
    );
    await queue.publish(MESSAGE);
    await clock.advance(1000);
    expect(finishers).toHaveLength(2);
    // The late first delivery finishes the work; the second one then fails, too late to matter.
    finishers[0]!();
    await clock.advance(0);
    finishers[1]!(new Error('duplicate'));
    await clock.advance(10_000);
    expect(finishers).toHaveLength(2);
    expect(reasons).toEqual([]);
  });

  it('retries the dead-letter handlers on the backoff until they succeed', async () => {
    openQueue({ maxDeliveries: 1 });
    const calledAtMs: number[] = [];
    queue.onDeadLetter(async () => {
      calledAtMs.push(clock.nowMs);
      if (calledAtMs.length < 3) throw new Error('store unreachable');
    });
    const planned = plannedHandler(['throw']);
    await queue.consume('collect', planned.handler, { concurrency: 1 });
    await queue.publish(MESSAGE);
    await clock.advance(10_000);
    expect(calledAtMs).toEqual([0, 100, 600]);
  });

  it('hands out messages round-robin over consumers with free slots', async () => {
    openQueue();
    const handledBy: string[] = [];
    const release: (() => void)[] = [];
    const handlerOf = (consumer: string) => async () => {
      handledBy.push(consumer);
      await new Promise<void>((resolve) => release.push(resolve));
    };
    await queue.consume('trigger', handlerOf('a'), { concurrency: 1 });
    await queue.consume('trigger', handlerOf('b'), { concurrency: 2 });
    for (let runId = 1; runId <= 4; runId += 1) await queue.publish({ ...MESSAGE, stage: 'trigger', runId });
    await clock.advance(0);
    expect(handledBy).toEqual(['a', 'b', 'b']);
    release[0]!();
    await clock.advance(0);
    expect(handledBy).toEqual(['a', 'b', 'b', 'a']);
    for (const resolve of release) resolve();
  });
});
