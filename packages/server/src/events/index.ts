/**
 * Live events of runs and suite runs: the `EventBus` interface, the in-process adapter of the embedded
 * mode, the NATS adapter of the distributed mode (fan-out across api replicas) (their contract suite is in the *-contract.ts file beside them, for tests only).
 */

export * from './event-bus';
// Imports vitest: only test files may load it (as with describeStore).
export { createMemoryEventBus, type MemoryEventBusOptions } from './memory-event-bus';
export { createNatsEventBus, type NatsEventBusOptions } from './nats-event-bus';
