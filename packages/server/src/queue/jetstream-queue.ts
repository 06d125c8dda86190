import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { TracecheckError } from '@tracecheck/core';
import { type Logger, pino } from 'pino';
import { assertSubjectPrefix, connectNats, describeServers } from './connect-nats';
import { describeError, reasonAfterFailure, reasonAfterTimeout } from './dead-letter-reason';
import { type ParsedStageMessage, parseStageMessage } from './parse-stage-message';
import {
  type ConsumeOptions,
  type DeadLetterHandler,
  type Delivery,
  type Queue,
  type QueueOptions,
  STAGES,
  type Stage,
  type StageHandler,
  type StageMessage,
} from './queue';
import { assertConsumeOptions, backoffDelayMs, resolveQueueOptions } from './resolve-queue-options';

export interface JetStreamQueueOptions extends QueueOptions {
  /** NATS server URLs, e.g. `nats://nats:4222`. */
  readonly servers: string | readonly string[];
  /** The work-queue stream; default `TRACECHECK_PIPELINE`. Dead letters go to `<streamName>_DEAD`. */
  readonly streamName?: string;
  /** Stage `s` is published on `<subjectPrefix>.<s>`, dead letters on `<subjectPrefix>.dead.<s>.<seq>`; default `tracecheck.pipeline`. */
  readonly subjectPrefix?: string;
  /** How long dead letters are kept for inspection; default 14 days. */
  readonly deadLetterMaxAgeMs?: number;
  /** How long one pull request waits for a message before the next one is sent; default 30 s, at least 1 s. */
  readonly pullExpiresMs?: number;
  /** Handler failures, dead letters and broker trouble are logged here; default: pino on standard output. */
  readonly logger?: Logger;
  /** The connection name the NATS server shows (e.g. `worker-2`); default `tracecheck-queue`. */
  readonly connectionName?: string;
}

/** What a dead letter looks like on `<subjectPrefix>.dead.<stage>.<seq>`. */
export interface DeadLetterRecord {
  /** The message, or null when its payload was not a stage message (then `payload` has the text). */
  readonly message: StageMessage | null;
  readonly payload?: string;
  readonly reason: string;
  readonly attempts: number;
  /** Sequence of the message in the work-queue stream. */
  readonly streamSequence: number;
  readonly deadAt: string;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,200}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a consumer waits before pulling again after the broker failed a pull. */
const PULL_RETRY_MS = 1000;
const nanosOf = (ms: number) => Math.round(ms * 1_000_000);

/**
 * The queue of the distributed mode, on NATS JetStream: a work-queue stream with one subject per
 * stage and one durable pull consumer per stage, shared by every worker process (each message goes to
 * one of them). Acks are explicit; a handler's heartbeat is an in-progress ack; a failure is a nak with
 * the backoff; a worker that dies leaves its message unacked and the server hands it to another worker
 * after `ackTimeoutMs`. The delivery after the last allowed attempt is not run: it is dead-lettered
 * (recorded on the dead-letter stream, handed to the dead-letter handlers, then terminated), so a
 * crash on the last attempt still fails the run.
 *
 * Several processes may start at once: the streams and consumers are created idempotently.
 * @example const queue = await createJetStreamQueue({ servers: 'nats://nats:4222', maxDeliveries: 5, backoffMs: [1000, 5000], ackTimeoutMs: 30000 })
 */
export async function createJetStreamQueue(options: JetStreamQueueOptions): Promise<Queue> {
  const { maxDeliveries, backoffMs, ackTimeoutMs } = resolveQueueOptions(options);
  const streamName = options.streamName ?? 'TRACECHECK_PIPELINE';
  const deadStreamName = `${streamName}_DEAD`;
  const prefix = options.subjectPrefix ?? 'tracecheck.pipeline';
  const pullExpiresMs = options.pullExpiresMs ?? 30_000;
  const logger = options.logger ?? pino({ base: { component: 'jetstream-queue' } });
  assertNames(streamName, prefix, pullExpiresMs);

  const nc = await connectNats(options.servers, options.connectionName ?? 'tracecheck-queue');
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
    await ensureStream(jsm, {
      name: streamName,
      subjects: STAGES.map((stage) => `${prefix}.${stage}`),
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
    });
    await ensureStream(jsm, {
      name: deadStreamName,
      subjects: [`${prefix}.dead.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanosOf(options.deadLetterMaxAgeMs ?? 14 * DAY_MS),
    });
  } catch (error) {
    await nc.close();
    // An API error is the server refusing our settings (e.g. subjects taken by another stream).
    throw new TracecheckError(
      error instanceof JetStreamApiError ? 'CONFIG_INVALID' : 'SERVER_UNREACHABLE',
      `cannot set up the JetStream streams "${streamName}" and "${deadStreamName}" on ${describeServers(options.servers)}: ` +
        `${describeError(error)}; start nats-server with JetStream enabled (-js) and check the stream settings`,
      undefined,
      { cause: error },
    );
  }
  const js = jetstream(nc);
  const deadLetterHandlers: DeadLetterHandler[] = [];
  const slots = new Set<Promise<void>>();
  const pendingPulls = new Set<ConsumerMessages>();
  const abortPauses = new AbortController();
  let closing: Promise<void> | undefined;

  function assertOpen(action: string): void {
    if (closing !== undefined) {
      throw new TracecheckError('INTERNAL', `cannot ${action}: the queue is closed; create a new queue`);
    }
  }

  async function openConsumer(stage: Stage): Promise<Consumer> {
    const config: Partial<ConsumerConfig> = {
      durable_name: stage,
      filter_subject: `${prefix}.${stage}`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanosOf(ackTimeoutMs),
      // Unlimited on the server: the queue itself stops after maxDeliveries, so that the delivery after
      // a crashed last attempt still reaches a worker, which dead-letters it.
      max_deliver: -1,
    };
    try {
      await jsm.consumers.add(streamName, config);
    } catch (error) {
      // Another process created it with other settings (servers that refuse to change it on add).
      if (!(error instanceof JetStreamApiError)) throw error;
      await jsm.consumers.update(streamName, stage, config);
    }
    return js.consumers.get(streamName, stage);
  }

  /** One slot of a consumer: pulls one message at a time, so nothing waits in a buffer while its ack timer runs. */
  async function runSlot(stage: Stage, consumer: Consumer, handler: StageHandler): Promise<void> {
    while (closing === undefined) {
      let pulled: JsMsg | undefined;
      let pull: ConsumerMessages | undefined;
      try {
        pull = await consumer.fetch({ max_messages: 1, expires: pullExpiresMs });
        pendingPulls.add(pull);
        // close() may have withdrawn the other pulls while this one was being sent. Not awaited: the
        // pull only reports closed once the loop below has iterated it.
        if (closing !== undefined) void pull.close();
        for await (const msg of pull) pulled = msg;
      } catch (error) {
        if (closing !== undefined) break;
        logger.warn({ err: error, stage, stream: streamName }, 'pulling from JetStream failed; retrying');
        await pause(PULL_RETRY_MS);
      } finally {
        if (pull !== undefined) pendingPulls.delete(pull);
      }
      if (pulled === undefined) continue;
      try {
        await handleMessage(stage, pulled, handler);
      } catch (error) {
        // Only the broker can fail here (ack or nak on a lost connection): the message comes back.
        logger.error({ err: error, stage, seq: pulled.seq }, 'settling a queue message failed');
      }
    }
  }

  async function pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: abortPauses.signal }).catch(() => undefined);
  }

  async function handleMessage(stage: Stage, msg: JsMsg, handler: StageHandler): Promise<void> {
    const attempt = msg.info.deliveryCount;
    let parsed: ParsedStageMessage;
    try {
      parsed = parseStageMessage(msg.json());
    } catch (error) {
      parsed = { ok: false, problem: `payload is not JSON (${describeError(error)})` };
    }
    if (!parsed.ok) {
      await dropMalformed(stage, msg, parsed.problem);
      return;
    }
    const message = parsed.message;
    if (attempt > maxDeliveries) {
      // The last attempt ended without ack or nak: it crashed or hung (or its dead-lettering did, and
      // then the reason was recorded already).
      await deadLetter(stage, msg, message, reasonAfterTimeout(attempt - 1, ackTimeoutMs), 'look-up');
      return;
    }
    let finished = false;
    const delivery: Delivery = {
      message,
      attempt,
      heartbeat() {
        if (!finished) msg.working();
      },
    };
    try {
      await handler(delivery);
      finished = true;
      msg.ack();
    } catch (error) {
      finished = true;
      if (attempt >= maxDeliveries) {
        await deadLetter(stage, msg, message, reasonAfterFailure(attempt, error), 'record');
        return;
      }
      const delayMs = backoffDelayMs(backoffMs, attempt);
      logger.warn({ err: error, ...message, attempt, retryInMs: delayMs }, 'stage handler failed; retrying');
      msg.nak(delayMs);
    }
  }

  /**
   * Records the dead letter on the dead-letter stream (or, on a redelivery, reads the reason recorded
   * before), calls the handlers until they succeed, then terminates the message so it never comes back.
   */
  async function deadLetter(
    stage: Stage,
    msg: JsMsg,
    message: StageMessage,
    newReason: string,
    recorded: 'record' | 'look-up',
  ): Promise<void> {
    let reason = newReason;
    try {
      const previous = recorded === 'look-up' ? await readDeadLetterReason(stage, msg.seq) : undefined;
      if (previous === undefined) await recordDeadLetter(stage, msg, { message, reason });
      reason = previous ?? reason;
    } catch (error) {
      logger.error({ err: error, ...message }, 'recording a dead letter failed; the message will come back');
      msg.nak(backoffDelayMs(backoffMs, 1));
      return;
    }
    logger.error({ ...message, attempts: msg.info.deliveryCount, reason }, 'stage message dead-lettered');
    const heartbeat = setInterval(
      () => {
        try {
          msg.working();
        } catch (error) {
          logger.warn({ err: error, ...message }, 'heartbeat of a dead letter failed');
        }
      },
      Math.max(1, ackTimeoutMs / 3),
    );
    try {
      for (let round = 1; ; round += 1) {
        try {
          for (const handler of deadLetterHandlers) await handler(message, reason);
          break;
        } catch (error) {
          if (closing !== undefined) {
            // Another worker takes over: the recorded reason comes back with the message.
            msg.nak();
            return;
          }
          const delayMs = backoffDelayMs(backoffMs, round);
          logger.error(
            { err: error, ...message, retryInMs: delayMs },
            'dead-letter handler failed; retrying',
          );
          await pause(delayMs);
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
    // Without a reason: servers before 2.11 do not understand `+TERM <reason>` and would redeliver.
    msg.term();
  }

  async function dropMalformed(stage: Stage, msg: JsMsg, problem: string): Promise<void> {
    const reason = `message ${msg.seq} on ${msg.subject} is not a stage message: ${problem}`;
    logger.error({ stage, stream: streamName, seq: msg.seq, reason }, 'dropping a malformed queue message');
    try {
      await recordDeadLetter(stage, msg, { message: null, payload: msg.string(), reason });
      msg.term();
    } catch (error) {
      logger.error(
        { err: error, stage, seq: msg.seq },
        'recording the malformed message failed; it will come back',
      );
      msg.nak(backoffDelayMs(backoffMs, 1));
    }
  }

  async function recordDeadLetter(
    stage: Stage,
    msg: JsMsg,
    content: Pick<DeadLetterRecord, 'message' | 'payload' | 'reason'>,
  ): Promise<void> {
    const record: DeadLetterRecord = {
      ...content,
      attempts: msg.info.deliveryCount,
      streamSequence: msg.seq,
      deadAt: new Date().toISOString(),
    };
    await js.publish(`${prefix}.dead.${stage}.${msg.seq}`, JSON.stringify(record), {
      msgID: `${streamName}.${msg.seq}`,
    });
  }

  async function readDeadLetterReason(stage: Stage, seq: number): Promise<string | undefined> {
    const stored = await jsm.streams.getMessage(deadStreamName, {
      last_by_subj: `${prefix}.dead.${stage}.${seq}`,
    });
    if (stored === null) return undefined;
    const record = stored.json<Partial<DeadLetterRecord>>();
    return typeof record.reason === 'string' ? record.reason : undefined;
  }

  return {
    async publish(message) {
      assertOpen(`publish ${JSON.stringify(message)}`);
      const parsed = parseStageMessage(message);
      if (!parsed.ok) {
        throw new TracecheckError('INTERNAL', `cannot publish ${JSON.stringify(message)}: ${parsed.problem}`);
      }
      await js.publish(`${prefix}.${parsed.message.stage}`, JSON.stringify(parsed.message));
    },

    async consume(stage: Stage, handler: StageHandler, consumeOptions: ConsumeOptions) {
      assertOpen(`consume stage "${stage}"`);
      assertConsumeOptions(consumeOptions);
      const consumer = await openConsumer(stage);
      for (let slot = 0; slot < consumeOptions.concurrency; slot += 1) {
        const running = runSlot(stage, consumer, handler);
        slots.add(running);
        void running.finally(() => slots.delete(running));
      }
    },

    onDeadLetter(handler) {
      deadLetterHandlers.push(handler);
    },

    close() {
      closing ??= (async () => {
        abortPauses.abort();
        // Withdrawing the pull requests: the server no longer sends to an inbox nobody listens on.
        // Not awaited one by one: each pull reports closed only once its slot has iterated it.
        for (const pull of pendingPulls) void pull.close();
        await Promise.allSettled([...slots]);
        await nc.drain();
      })();
      return closing;
    },
  };
}

function assertNames(streamName: string, prefix: string, pullExpiresMs: number): void {
  if (!STREAM_NAME.test(streamName)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `JetStream stream name "${streamName}" is not valid: use letters, digits, _ and - (no dots or spaces)`,
    );
  }
  assertSubjectPrefix(prefix);
  if (!Number.isFinite(pullExpiresMs) || pullExpiresMs < 1000) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `pullExpiresMs ${String(pullExpiresMs)} is below the 1000 ms NATS accepts for a pull request: give at least 1000`,
    );
  }
}

/** Creates the stream, or brings an existing one to this configuration (several processes start at once). */
async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & Pick<StreamConfig, 'name'>,
): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (error) {
    // 10058: the stream exists with another configuration (an older version or other options).
    if (!(error instanceof JetStreamApiError) || error.code !== 10058) throw error;
    await jsm.streams.update(config.name, config);
  }
}
