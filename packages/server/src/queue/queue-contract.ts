import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery, Queue, QueueOptions, Stage, StageMessage } from './queue';

/** Opens a fresh, empty queue with these options; the contract closes it at the end of each test. */
export type OpenQueue = (options: QueueOptions) => Promise<Queue>;

/** Short real-time settings: the contract runs against real brokers, so it cannot fake time. */
const OPTIONS: QueueOptions = { maxDeliveries: 3, backoffMs: [100, 200], ackTimeoutMs: 1000 };

/**
 * The contract every Queue adapter passes. Time is real (a broker's timers cannot be faked), so the
 * tests wait, but never assert on speed: only on order, counts, attempts and lower bounds of waits.
 * @example describeQueue('memory', async (options) => createMemoryQueue(options))
 */
export function describeQueue(name: string, openQueue: OpenQueue): void {
  describe(`Queue contract: ${name}`, () => {
    const opened: Queue[] = [];
    const releases: (() => void)[] = [];

    afterEach(async () => {
      for (const release of releases.splice(0)) release();
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
    });

    async function createQueue(overrides: Partial<QueueOptions> = {}): Promise<Queue> {
      const queue = await openQueue({ ...OPTIONS, ...overrides });
      opened.push(queue);
      return queue;
    }

    /** A promise a hanging handler waits on; released by the test, or at the latest after it. */
    function createGate(): { readonly opened: Promise<void>; open(): void } {
      let open = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      releases.push(open);
      return { opened: gate, open };
    }

    it('delivers each message to the consumers of its stage, and keeps messages until a consumer comes', async () => {
      const queue = await createQueue();
      const received: Delivery[] = [];
      const record = async (delivery: Delivery) => {
        received.push(delivery);
      };
      await queue.consume('trigger', record, { concurrency: 1 });
      await queue.consume('collect', record, { concurrency: 1 });
      await queue.publish(messageOf('trigger', 1));
      await queue.publish(messageOf('collect', 2));
      await queue.publish(messageOf('evaluate', 3));
      await waitUntil(() => received.length === 2, 'the trigger and collect messages to arrive');
      expect(received.map(({ message, attempt }) => ({ message, attempt })).sort(byRunId)).toEqual([
        { message: messageOf('trigger', 1), attempt: 1 },
        { message: messageOf('collect', 2), attempt: 1 },
      ]);

      await queue.consume('evaluate', record, { concurrency: 1 });
      await waitUntil(() => received.length === 3, 'the evaluate message published before its consumer');
      expect(received[2]).toMatchObject({ message: messageOf('evaluate', 3), attempt: 1 });
    });

    it('delivers the messages of a stage in publish order to a consumer of concurrency 1', async () => {
      const queue = await createQueue();
      const runIds = Array.from({ length: 10 }, (_, index) => index + 1);
      for (const runId of runIds) await queue.publish(messageOf('collect', runId));
      const received: number[] = [];
      await queue.consume('collect', async ({ message }) => void received.push(message.runId), {
        concurrency: 1,
      });
      await waitUntil(() => received.length === runIds.length, 'all ten messages');
      expect(received).toEqual(runIds);
    });

    it('runs at most `concurrency` handlers of a consumer at once, and uses all of them', async () => {
      const queue = await createQueue();
      const allBusy = createGate();
      let active = 0;
      let maxActive = 0;
      const done: number[] = [];
      await queue.consume(
        'evaluate',
        async ({ message }) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          if (active === 3) allBusy.open();
          // Holding the slot until three run at once gives a fourth one the chance to break the limit.
          await Promise.race([allBusy.opened, sleep(3000)]);
          await sleep(50);
          active -= 1;
          done.push(message.runId);
        },
        { concurrency: 3 },
      );
      for (let runId = 1; runId <= 9; runId += 1) await queue.publish(messageOf('evaluate', runId));
      await waitUntil(() => done.length === 9, 'nine handled messages');
      expect(maxActive).toBe(3);
      expect([...done].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('redelivers a message whose handler threw, with the next attempt number, until it is acked', async () => {
      const queue = await createQueue();
      const attempts: number[] = [];
      const deadLetters: string[] = [];
      queue.onDeadLetter(async (_, reason) => void deadLetters.push(reason));
      await queue.consume(
        'finish',
        async ({ attempt }) => {
          attempts.push(attempt);
          if (attempt === 1) throw new Error('store unreachable');
        },
        { concurrency: 1 },
      );
      await queue.publish(messageOf('finish', 7));
      await waitUntil(() => attempts.length === 2, 'the second attempt');
      await sleep(OPTIONS.ackTimeoutMs + 300);
      expect(attempts).toEqual([1, 2]);
      expect(deadLetters).toEqual([]);
    });

    it('waits the backoff of each failed attempt before the next one, the last delay repeating', async () => {
      const backoffMs = [200, 400];
      const queue = await createQueue({ maxDeliveries: 4, backoffMs });
      const failedAtMs: number[] = [];
      const startedAtMs: number[] = [];
      await queue.consume(
        'collect',
        async ({ attempt }) => {
          startedAtMs.push(Date.now());
          if (attempt < 4) {
            failedAtMs.push(Date.now());
            throw new Error(`attempt ${attempt} fails`);
          }
        },
        { concurrency: 1 },
      );
      await queue.publish(messageOf('collect', 1));
      await waitUntil(() => startedAtMs.length === 4, 'the fourth attempt');
      const waitsMs = failedAtMs.map((failedMs, index) => startedAtMs[index + 1]! - failedMs);
      // Timers may round down by a millisecond; the waits must not be shorter than that.
      expect(waitsMs[0]).toBeGreaterThanOrEqual(200 - 2);
      expect(waitsMs[1]).toBeGreaterThanOrEqual(400 - 2);
      expect(waitsMs[2]).toBeGreaterThanOrEqual(400 - 2);
    });

    it('redelivers a message whose handler hangs past the ack deadline without heartbeat', async () => {
      const queue = await createQueue();
      const hung = createGate();
      const attempts: number[] = [];
      const finished: number[] = [];
      await queue.consume(
        'trigger',
        async ({ attempt }) => {
          attempts.push(attempt);
          if (attempt === 1) await hung.opened;
          finished.push(attempt);
        },
        { concurrency: 2 },
      );
      await queue.publish(messageOf('trigger', 1));
      await waitUntil(() => finished.includes(2), 'the redelivery after the ack deadline');
      hung.open();
      await waitUntil(() => finished.length === 2, 'the hung handler to return');
      await sleep(OPTIONS.ackTimeoutMs + 300);
      expect(attempts).toEqual([1, 2]);
    });

    it('does not redeliver while the handler sends heartbeats', async () => {
      const queue = await createQueue();
      const attempts: number[] = [];
      let finished = false;
      await queue.consume(
        'collect',
        async (delivery) => {
          attempts.push(delivery.attempt);
          const untilMs = Date.now() + OPTIONS.ackTimeoutMs * 2.5;
          while (Date.now() < untilMs) {
            delivery.heartbeat();
            await sleep(OPTIONS.ackTimeoutMs / 4);
          }
          finished = true;
        },
        { concurrency: 2 },
      );
      await queue.publish(messageOf('collect', 1));
      await waitUntil(() => finished, 'the long handler');
      await sleep(OPTIONS.ackTimeoutMs + 300);
      expect(attempts).toEqual([1]);
    });

    it('dead-letters a message after maxDeliveries failed attempts, with the last error as reason', async () => {
      const queue = await createQueue({ maxDeliveries: 2 });
      const attempts: number[] = [];
      const deadLetters: { message: StageMessage; reason: string }[] = [];
      queue.onDeadLetter(async (message, reason) => void deadLetters.push({ message, reason }));
      await queue.consume(
        'trigger',
        async ({ attempt }) => {
          attempts.push(attempt);
          throw new Error('agent "edge-1" is not connected');
        },
        { concurrency: 1 },
      );
      await queue.publish(messageOf('trigger', 5));
      await waitUntil(() => deadLetters.length === 1, 'the dead letter');
      await sleep(500);
      expect(attempts).toEqual([1, 2]);
      expect(deadLetters).toEqual([
        {
          message: messageOf('trigger', 5),
          reason: 'gave up after 2 attempts; the last one failed: agent "edge-1" is not connected',
        },
      ]);
    });

    it('dead-letters a message whose last attempt missed the ack deadline, without running it again', async () => {
      const queue = await createQueue({ maxDeliveries: 1 });
      const hung = createGate();
      const attempts: number[] = [];
      const reasons: string[] = [];
      queue.onDeadLetter(async (_, reason) => void reasons.push(reason));
      await queue.consume(
        'collect',
        async ({ attempt }) => {
          attempts.push(attempt);
          await hung.opened;
        },
        { concurrency: 2 },
      );
      await queue.publish(messageOf('collect', 3));
      await waitUntil(() => reasons.length === 1, 'the dead letter');
      hung.open();
      expect(attempts).toEqual([1]);
      expect(reasons[0]).toMatch(
        /^gave up after 1 attempt; the last one did not finish within the ack timeout/,
      );
    });

    it('calls the dead-letter handlers again when one of them throws', async () => {
      const queue = await createQueue({ maxDeliveries: 1 });
      const calls: string[] = [];
      queue.onDeadLetter(async (message, reason) => {
        calls.push(reason);
        if (calls.length === 1) throw new Error('store unreachable while failing run ' + message.runId);
      });
      await queue.consume(
        'evaluate',
        async () => {
          throw new Error('spec crashed');
        },
        { concurrency: 1 },
      );
      await queue.publish(messageOf('evaluate', 8));
      await waitUntil(() => calls.length === 2, 'the second dead-letter call');
      await sleep(500);
      const reason = 'gave up after 1 attempt; the last one failed: spec crashed';
      expect(calls).toEqual([reason, reason]);
    });

    it('shares a stage between two consumers: each acked message is handled once, by one of them', async () => {
      const queue = await createQueue();
      const handledBy = new Map<number, string[]>();
      const active = { a: 0, b: 0 };
      const bothBusy = createGate();
      const handlerOf =
        (consumer: 'a' | 'b') =>
        async ({ message }: Delivery) => {
          active[consumer] += 1;
          if (active.a > 0 && active.b > 0) bothBusy.open();
          handledBy.set(message.runId, [...(handledBy.get(message.runId) ?? []), consumer]);
          await Promise.race([bothBusy.opened, sleep(2000)]);
          active[consumer] -= 1;
        };
      await queue.consume('trigger', handlerOf('a'), { concurrency: 2 });
      await queue.consume('trigger', handlerOf('b'), { concurrency: 2 });
      for (let runId = 1; runId <= 20; runId += 1) await queue.publish(messageOf('trigger', runId));
      await waitUntil(() => handledBy.size === 20 && active.a + active.b === 0, 'twenty handled messages');
      await sleep(OPTIONS.ackTimeoutMs + 300);
      const handlers = [...handledBy.values()];
      expect(handlers.every((consumers) => consumers.length === 1)).toBe(true);
      expect(handlers.flat().filter((consumer) => consumer === 'a').length).toBeGreaterThan(0);
      expect(handlers.flat().filter((consumer) => consumer === 'b').length).toBeGreaterThan(0);
    });

    it('closes only after in-flight handlers finished, then refuses publish and consume', async () => {
      const queue = await createQueue();
      const running = createGate();
      const release = createGate();
      let handlerFinished = false;
      await queue.consume(
        'finish',
        async () => {
          running.open();
          await release.opened;
          handlerFinished = true;
        },
        { concurrency: 1 },
      );
      await queue.publish(messageOf('finish', 1));
      await running.opened;
      let closed = false;
      const closing = queue.close().then(() => {
        closed = true;
      });
      await sleep(200);
      expect(closed).toBe(false);
      release.open();
      await closing;
      expect(handlerFinished).toBe(true);
      await expect(queue.publish(messageOf('finish', 2))).rejects.toThrow(/closed/);
      await expect(queue.consume('finish', async () => {}, { concurrency: 1 })).rejects.toThrow(/closed/);
    });

    it.each([
      ['maxDeliveries 0', { maxDeliveries: 0 }, /maxDeliveries 0/],
      ['an empty backoff', { backoffMs: [] }, /backoffMs \[\]/],
      ['a negative backoff', { backoffMs: [100, -1] }, /backoffMs \[100,-1\]/],
      ['ackTimeoutMs 0', { ackTimeoutMs: 0 }, /ackTimeoutMs 0/],
    ])('rejects %s with CONFIG_INVALID', async (_, overrides, message) => {
      await expect(createQueue(overrides)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message });
    });

    it('rejects a consumer concurrency of 0 and a message that is not a stage message', async () => {
      const queue = await createQueue();
      await expect(queue.consume('trigger', async () => {}, { concurrency: 0 })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      });
      const fractional = { ...messageOf('trigger', 1), runId: 1.5 };
      await expect(queue.publish(fractional)).rejects.toThrow(/runId 1.5 is not a whole number/);
    });
  });
}

function messageOf(stage: Stage, runId: number): StageMessage {
  return { stage, organizationId: 'org-contract', environmentId: 'env-contract', runId };
}

function byRunId(a: { message: StageMessage }, b: { message: StageMessage }): number {
  return a.message.runId - b.message.runId;
}

/** Polls until `condition` holds; fails naming what it waited for. */
async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadlineMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
