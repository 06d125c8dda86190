/**
 * The durable work queue of the run pipeline. Two adapters — in-process memory and NATS JetStream
 * (work-queue stream, explicit acks, redelivery with backoff, dead letters) — pass `describeQueue()`.
 *
 * Messages carry ids only (ARCHITECTURE.md, "A run, end to end"). A message is delivered at least
 * once: handlers are idempotent, keyed by (run, stage).
 */

/** The pipeline's stages, in pipeline order; each is one subject of the queue. */
export const STAGES = ['trigger', 'collect', 'evaluate', 'finish', 'suite-step'] as const;

export type Stage = (typeof STAGES)[number];

export interface StageMessage {
  readonly stage: Stage;
  readonly organizationId: string;
  readonly environmentId: string;
  /** Test run id, or suite run id for `suite-step`. */
  readonly runId: number;
}

/** What a handler gets with each delivery. */
export interface Delivery {
  readonly message: StageMessage;
  /** 1 on the first delivery, then 2, 3… */
  readonly attempt: number;
  /**
   * Tells the queue the handler is still working: the ack deadline starts again. A handler that runs
   * longer than `ackTimeoutMs` must call it, or its message is handed to another consumer.
   */
  heartbeat(): void;
}

/** A handler resolves to acknowledge; throws to have the message redelivered after a backoff. */
export type StageHandler = (delivery: Delivery) => Promise<void>;

/**
 * Called when a message ran out of attempts: the run must be marked failed with the reason. A handler
 * that throws is called again after the backoff, so it must be idempotent too.
 */
export type DeadLetterHandler = (message: StageMessage, reason: string) => Promise<void>;

export interface ConsumeOptions {
  /** Messages handled at once by this consumer. */
  readonly concurrency: number;
}

export interface QueueOptions {
  /** Attempts before a message is dead-lettered (1 = no retry). */
  readonly maxDeliveries: number;
  /** Delays after a failed attempt before the next one (the last one repeats). */
  readonly backoffMs: readonly number[];
  /**
   * How long a delivery may go without ack or heartbeat before it is redelivered. The deadline is the
   * wait: a delivery that misses it is redelivered at once (to any consumer), or dead-lettered when it
   * was the last attempt.
   */
  readonly ackTimeoutMs: number;
}

export interface Queue {
  publish(message: StageMessage): Promise<void>;
  /** Starts consuming one stage; resolves once the consumer is subscribed. May be called per stage more than once. */
  consume(stage: Stage, handler: StageHandler, options: ConsumeOptions): Promise<void>;
  onDeadLetter(handler: DeadLetterHandler): void;
  /** Stops consuming; in-flight handlers finish first (their messages are acked or redelivered). */
  close(): Promise<void>;
}
