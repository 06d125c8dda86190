import { TracecheckError } from '@tracecheck/core';
import { type Logger, pino } from 'pino';
import { assertTopic, type EventBus, type LiveEvent, topicsOf } from './event-bus';

export interface MemoryEventBusOptions {
  /** Listener failures are logged here; default: a pino logger on standard output. */
  readonly logger?: Logger;
}

type Listener = (event: LiveEvent) => void;

/**
 * The in-process bus of the embedded mode (one process, so one bus): listeners of an event's topics
 * are called before `publish()` resolves.
 * @example const bus = createMemoryEventBus(); await bus.subscribe('acme.prod.run.42', (event) => send(event))
 */
export function createMemoryEventBus(options: MemoryEventBusOptions = {}): EventBus {
  const logger = options.logger ?? pino({ base: { component: 'memory-event-bus' } });
  // One entry per subscription (a Set of wrappers, so one function subscribed twice is called twice).
  const subscriptions = new Map<string, Set<{ readonly listener: Listener }>>();
  let closed = false;

  function assertOpen(action: string): void {
    if (closed) {
      throw new TracecheckError('INTERNAL', `cannot ${action}: the event bus is closed; create a new one`);
    }
  }

  return {
    async publish(event) {
      assertOpen(`publish a "${event.type}" event`);
      const topics = topicsOf(event);
      topics.forEach(assertTopic);
      for (const topic of topics) {
        // A copy: a listener may unsubscribe (itself or others) while the event is delivered.
        for (const subscription of [...(subscriptions.get(topic) ?? [])]) {
          try {
            subscription.listener(event);
          } catch (error) {
            logger.error({ err: error, topic, runId: event.runId }, 'live-event listener failed');
          }
        }
      }
    },

    async subscribe(topic, listener) {
      assertOpen(`subscribe to "${topic}"`);
      assertTopic(topic);
      const subscription = { listener };
      const set = subscriptions.get(topic) ?? new Set();
      set.add(subscription);
      subscriptions.set(topic, set);
      return () => {
        set.delete(subscription);
        if (set.size === 0 && subscriptions.get(topic) === set) subscriptions.delete(topic);
      };
    },

    async close() {
      closed = true;
      subscriptions.clear();
    },
  };
}
