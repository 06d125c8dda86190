/**
 * The durable work queue of the run pipeline: the `Queue` interface, the in-process adapter of the
 * embedded mode, the NATS JetStream adapter of the distributed mode (their contract suite is in the *-contract.ts file beside them, for tests only).
 */

export { connectNats } from './connect-nats';
export { createJetStreamQueue, type DeadLetterRecord, type JetStreamQueueOptions } from './jetstream-queue';
export { createMemoryQueue, type MemoryQueueOptions, type QueueClock } from './memory-queue';
export * from './queue';
// Imports vitest: only test files may load it (as with describeStore).
