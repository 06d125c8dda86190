import { TracecheckError } from '@tracecheck/core';
import { type Logger, pino } from 'pino';
import { assertSubjectPrefix, connectNats } from '../queue/connect-nats';
import { assertTopic, type EventBus, topicsOf } from './event-bus';
import { parseLiveEvent } from './parse-live-event';

export interface NatsEventBusOptions {
  /** NATS server URLs, e.g. `nats://nats:4222`. */
  readonly servers: string | readonly string[];
  /** Topic `t` travels on `<subjectPrefix>.<t>`; default `tracecheck.events`. */
  readonly subjectPrefix?: string;
  /** Listener failures and undecodable payloads are logged here; default: pino on standard output. */
  readonly logger?: Logger;
  /** The connection name the NATS server shows (e.g. `api-2`); default `tracecheck-events`. */
  readonly connectionName?: string;
}

/**
 * The bus of the distributed mode, on NATS core pub/sub (live events are not durable: a client that
 * reconnects reloads the run). Every api replica has its own connection; an event published by any
 * replica reaches the subscribers of all of them. Payloads are JSON.
 * @example const bus = await createNatsEventBus({ servers: 'nats://nats:4222' })
 */
export async function createNatsEventBus(options: NatsEventBusOptions): Promise<EventBus> {
  const prefix = options.subjectPrefix ?? 'tracecheck.events';
  assertSubjectPrefix(prefix);
  const logger = options.logger ?? pino({ base: { component: 'nats-event-bus' } });
  const nc = await connectNats(options.servers, options.connectionName ?? 'tracecheck-events');
  let closing: Promise<void> | undefined;

  function assertOpen(action: string): void {
    if (closing !== undefined) {
      throw new TracecheckError('INTERNAL', `cannot ${action}: the event bus is closed; create a new one`);
    }
  }

  return {
    async publish(event) {
      assertOpen(`publish a "${event.type}" event`);
      const topics = topicsOf(event);
      topics.forEach(assertTopic);
      const data = JSON.stringify(event);
      for (const topic of topics) nc.publish(`${prefix}.${topic}`, data);
    },

    async subscribe(topic, listener) {
      assertOpen(`subscribe to "${topic}"`);
      assertTopic(topic);
      const subscription = nc.subscribe(`${prefix}.${topic}`, {
        callback(error, msg) {
          if (error !== null) {
            logger.error({ err: error, topic }, 'live-event subscription failed');
            return;
          }
          let event: ReturnType<typeof parseLiveEvent>;
          try {
            event = parseLiveEvent(msg.json());
          } catch {
            event = undefined;
          }
          if (event === undefined) {
            logger.warn(
              { topic, payload: msg.string().slice(0, 200) },
              'dropping a payload that is not a live event',
            );
            return;
          }
          try {
            listener(event);
          } catch (listenerError) {
            logger.error({ err: listenerError, topic, runId: event.runId }, 'live-event listener failed');
          }
        },
      });
      // The server knows the subscription once it answered a ping sent after it.
      await nc.flush();
      return () => {
        if (!nc.isClosed()) subscription.unsubscribe();
      };
    },

    close() {
      closing ??= nc.isClosed() ? Promise.resolve() : nc.drain();
      return closing;
    },
  };
}
