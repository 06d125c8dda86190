import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createJetStreamQueue, type DeadLetterRecord, type JetStreamQueueOptions } from './jetstream-queue';
import type { Delivery, Queue, QueueOptions, StageMessage } from './queue';
import { describeQueue } from './queue-contract';
import { checkNatsForTests, createTestSuffix, TEST_NATS_URL } from './testing/nats-for-tests';

/**
 * Needs a NATS server with JetStream (TRACECHECK_TEST_NATS_URL, default nats://127.0.0.1:4222). Every
 * queue works on a stream and subjects of its own (random suffix), deleted at the end.
 */
const natsReachable = await checkNatsForTests('JetStream queue');
const logger = pino({ level: 'silent' });
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./testing/consume-in-child-process.ts', import.meta.url));

describe.skipIf(!natsReachable)('JetStream queue', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const streams: string[] = [];
  const queues: Queue[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });
  afterAll(async () => {
    for (const stream of streams) {
      for (const name of [stream, `${stream}_DEAD`]) await jsm.streams.delete(name).catch(() => false);
    }
    await nc?.close();
  });

  /** Names no other queue (of this or another test run) uses; the streams are deleted after the file. */
  function uniqueNames(): Pick<JetStreamQueueOptions, 'servers' | 'streamName' | 'subjectPrefix'> & {
    streamName: string;
    subjectPrefix: string;
  } {
    const suffix = createTestSuffix();
    const streamName = `TC_TEST_${suffix}`;
    streams.push(streamName);
    return { servers: TEST_NATS_URL, streamName, subjectPrefix: `tc-test.${suffix}` };
  }

  async function openQueue(options: QueueOptions & Partial<JetStreamQueueOptions>): Promise<Queue> {
    const queue = await createJetStreamQueue({ ...uniqueNames(), logger, ...options });
    queues.push(queue);
    return queue;
  }

  describeQueue(`NATS JetStream at ${TEST_NATS_URL}`, (options) =>
    createJetStreamQueue({ ...uniqueNames(), logger, pullExpiresMs: 5000, ...options }),
  );

  const OPTIONS: QueueOptions = { maxDeliveries: 3, backoffMs: [100], ackTimeoutMs: 2000 };

  it('shares a stage between two connections (two worker processes), each message handled once', async () => {
    const names = uniqueNames();
    const [first, second] = await Promise.all([
      openQueue({ ...OPTIONS, ...names, connectionName: 'worker-1' }),
      openQueue({ ...OPTIONS, ...names, connectionName: 'worker-2' }),
    ]);
    const handledBy = new Map<number, string[]>();
    const record =
      (worker: string) =>
      async ({ message }: Delivery) => {
        handledBy.set(message.runId, [...(handledBy.get(message.runId) ?? []), worker]);
        await sleep(20);
      };
    await first!.consume('collect', record('worker-1'), { concurrency: 2 });
    await second!.consume('collect', record('worker-2'), { concurrency: 2 });
    for (let runId = 1; runId <= 20; runId += 1) await first!.publish(messageOf('collect', runId));
    await waitUntil(() => handledBy.size === 20, 'twenty handled messages');
    await sleep(OPTIONS.ackTimeoutMs + 500);
    expect([...handledBy.values()].every((workers) => workers.length === 1)).toBe(true);
    expect(new Set([...handledBy.values()].flat())).toEqual(new Set(['worker-1', 'worker-2']));
    expect((await jsm.streams.info(names.streamName)).state.messages).toBe(0);
  });

  it('creates the streams and consumers once when several processes start at once', async () => {
    const names = uniqueNames();
    const started = await Promise.all(
      [2000, 2000, 2000, 3000].map((ackTimeoutMs) => openQueue({ ...OPTIONS, ...names, ackTimeoutMs })),
    );
    await Promise.all(started.map((queue) => queue.consume('finish', async () => {}, { concurrency: 1 })));
    const consumers = await jsm.consumers.list(names.streamName).next();
    expect(consumers.map((consumer) => consumer.name)).toEqual(['finish']);
    const info = await jsm.streams.info(names.streamName);
    expect(info.config.subjects).toEqual(
      ['trigger', 'collect', 'evaluate', 'finish', 'suite-step'].map(
        (stage) => `${names.subjectPrefix}.${stage}`,
      ),
    );
  });

  it('records each dead letter on the dead-letter stream with the message and the reason', async () => {
    const names = uniqueNames();
    const queue = await openQueue({ ...OPTIONS, ...names, maxDeliveries: 2 });
    const reasons: string[] = [];
    queue.onDeadLetter(async (_, reason) => void reasons.push(reason));
    await queue.consume(
      'evaluate',
      async () => {
        throw new Error('analyzer crashed');
      },
      { concurrency: 1 },
    );
    await queue.publish(messageOf('evaluate', 9));
    await waitUntil(() => reasons.length === 1, 'the dead letter');
    const stored = await jsm.streams.getMessage(`${names.streamName}_DEAD`, { seq: 1 });
    expect(stored?.subject).toBe(`${names.subjectPrefix}.dead.evaluate.1`);
    expect(stored?.json<DeadLetterRecord>()).toMatchObject({
      message: messageOf('evaluate', 9),
      reason: 'gave up after 2 attempts; the last one failed: analyzer crashed',
      attempts: 2,
      streamSequence: 1,
    });
    expect((await jsm.streams.info(names.streamName)).state.messages).toBe(0);
  });

  it('terminates a payload that is not a stage message and records it, without calling any handler', async () => {
    const names = uniqueNames();
    const queue = await openQueue({ ...OPTIONS, ...names });
    const calls: string[] = [];
    queue.onDeadLetter(async (_, reason) => void calls.push(`dead letter: ${reason}`));
    await queue.consume('trigger', async () => void calls.push('handler'), { concurrency: 1 });
    nc.publish(`${names.subjectPrefix}.trigger`, '{"stage":"trigger","runId":"x"}');
    await waitUntil(
      async () => (await jsm.streams.info(`${names.streamName}_DEAD`)).state.messages === 1,
      'the record',
    );
    const stored = await jsm.streams.getMessage(`${names.streamName}_DEAD`, { seq: 1 });
    expect(stored?.json<DeadLetterRecord>()).toMatchObject({
      message: null,
      payload: '{"stage":"trigger","runId":"x"}',
      reason: expect.stringMatching(
        /is not a stage message: organizationId undefined is not a non-empty string$/,
      ),
    });
    expect(calls).toEqual([]);
    expect((await jsm.streams.info(names.streamName)).state.messages).toBe(0);
  });

  it.each([
    [
      'an unreachable server',
      { servers: 'nats://127.0.0.1:1' },
      'SERVER_UNREACHABLE',
      /cannot connect to NATS/,
    ],
    ['a stream name with a dot', { streamName: 'tc.test' }, 'CONFIG_INVALID', /stream name "tc.test"/],
    ['a wildcard subject prefix', { subjectPrefix: 'tc.*' }, 'CONFIG_INVALID', /subject prefix "tc.\*"/],
    ['a pull shorter than 1 s', { pullExpiresMs: 500 }, 'CONFIG_INVALID', /pullExpiresMs 500/],
  ])('rejects %s with a clear error', async (_, overrides, code, message) => {
    await expect(openQueue({ ...OPTIONS, ...overrides })).rejects.toMatchObject({ code, message });
  });

  describe('a worker killed with SIGKILL mid-handler', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    it('leaves its message to the surviving consumer, which handles and acks it exactly once', async () => {
      const names = uniqueNames();
      const survivor = await openQueue({ ...OPTIONS, ...names });
      const spawned = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify({ ...names, ackTimeoutMs: 2000, stage: 'trigger' })],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      child = spawned;
      const events = collectJsonLines(spawned);
      await waitUntil(
        () => events.some((event) => event.event === 'ready'),
        'the child worker to start',
        30_000,
      );

      await survivor.publish(messageOf('trigger', 77));
      await waitUntil(
        () => events.some((event) => event.event === 'started'),
        'the child to start the handler',
      );
      expect(events.find((event) => event.event === 'started')).toEqual({
        event: 'started',
        runId: 77,
        attempt: 1,
      });

      const handled: Delivery[] = [];
      await survivor.consume('trigger', async (delivery) => void handled.push(delivery), { concurrency: 1 });
      spawned.kill('SIGKILL');
      await once(spawned, 'exit');

      await waitUntil(() => handled.length === 1, 'the redelivery to the survivor');
      await sleep(OPTIONS.ackTimeoutMs + 1000);
      expect(handled.map(({ message, attempt }) => ({ message, attempt }))).toEqual([
        { message: messageOf('trigger', 77), attempt: 2 },
      ]);
      const consumer = await jsm.consumers.info(names.streamName, 'trigger');
      expect({ pending: consumer.num_pending, unacked: consumer.num_ack_pending }).toEqual({
        pending: 0,
        unacked: 0,
      });
      expect((await jsm.streams.info(names.streamName)).state.messages).toBe(0);
      expect(events.filter((event) => event.event === 'started')).toHaveLength(1);
    });
  });
});

function messageOf(stage: StageMessage['stage'], runId: number): StageMessage {
  return { stage, organizationId: 'org-int', environmentId: 'env-int', runId };
}

/** The JSON lines a child prints, parsed as they come. */
function collectJsonLines(child: ChildProcess): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines)
      if (line.trim() !== '') events.push(JSON.parse(line) as Record<string, unknown>);
  });
  return events;
}

async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadlineMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
