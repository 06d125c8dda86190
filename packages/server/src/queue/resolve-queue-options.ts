import { TracecheckError } from '@tracecheck/core';
import type { ConsumeOptions, QueueOptions } from './queue';

/**
 * Checks the retry policy once, where the queue is created, so the adapters can trust it.
 * @example resolveQueueOptions({ maxDeliveries: 5, backoffMs: [1000, 5000, 30000], ackTimeoutMs: 30000 })
 */
export function resolveQueueOptions(options: QueueOptions): QueueOptions {
  const { maxDeliveries, backoffMs, ackTimeoutMs } = options;
  if (!Number.isSafeInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `queue maxDeliveries ${String(maxDeliveries)} is not a whole number of at least 1: ` +
        'set how many attempts a message gets before it is dead-lettered (1 = no retry)',
    );
  }
  if (backoffMs.length === 0 || backoffMs.some((delayMs) => !Number.isFinite(delayMs) || delayMs < 0)) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `queue backoffMs ${JSON.stringify(backoffMs)} is not a non-empty list of delays >= 0 ms: ` +
        'give the waits between attempts, e.g. [1000, 5000, 30000] (the last one repeats)',
    );
  }
  if (!Number.isFinite(ackTimeoutMs) || ackTimeoutMs < 1) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `queue ackTimeoutMs ${String(ackTimeoutMs)} is not a duration of at least 1 ms: ` +
        'give how long a handler may run without a heartbeat before its message is redelivered',
    );
  }
  return { maxDeliveries, backoffMs: [...backoffMs], ackTimeoutMs };
}

/** Rejects a consumer concurrency that is not a whole number of at least 1. */
export function assertConsumeOptions(options: ConsumeOptions): void {
  if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `consumer concurrency ${String(options.concurrency)} is not a whole number of at least 1: ` +
        'give how many messages this consumer handles at once',
    );
  }
}

/** The wait after failed attempt number `attempt` (1-based); the last delay repeats. */
export function backoffDelayMs(backoffMs: readonly number[], attempt: number): number {
  return backoffMs[Math.min(attempt, backoffMs.length) - 1] ?? 0;
}
