import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus, LiveEvent } from './event-bus';

/**
 * Opens buses that see each other's events, like api replicas: for NATS each bus is a connection of
 * its own; the memory adapter (one process, one bus) hands out the same bus. The contract closes
 * every bus it opened after each test.
 */
export interface EventBusHarness {
  openBus(): Promise<EventBus>;
}

/**
 * The contract every EventBus adapter passes. A subscriber that must *not* receive something is
 * checked with a sentinel: an event published after it, from the same bus, that it does receive.
 * @example describeEventBus('memory', () => { const bus = createMemoryEventBus(); return { openBus: async () => bus }; })
 */
export function describeEventBus(
  name: string,
  createHarness: () => EventBusHarness | Promise<EventBusHarness>,
): void {
  describe(`EventBus contract: ${name}`, () => {
    const opened: EventBus[] = [];

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
    });

    async function openBuses(count: number): Promise<EventBus[]> {
      const harness = await createHarness();
      const buses: EventBus[] = [];
      for (let index = 0; index < count; index += 1) buses.push(await harness.openBus());
      opened.push(...buses);
      return buses;
    }

    it('delivers an event on its environment topic and on its run or suite-run topic', async () => {
      const [bus] = await openBuses(1);
      const received = { environment: [] as LiveEvent[], run7: [] as LiveEvent[], suite3: [] as LiveEvent[] };
      await bus!.subscribe('acme.prod', (event) => received.environment.push(event));
      await bus!.subscribe('acme.prod.run.7', (event) => received.run7.push(event));
      await bus!.subscribe('acme.prod.suite.3', (event) => received.suite3.push(event));
      const run7 = eventOf({ runId: 7, state: 'EXECUTING', payload: { trigger: { status: 200 } } });
      const run8 = eventOf({ runId: 8, state: 'FINISHED' });
      const suite3 = eventOf({ type: 'suite-run', runId: 3, suiteId: 'checkout', state: 'WORKING' });
      const step = eventOf({
        type: 'run-event',
        runId: 7,
        testId: 'login',
        payload: { title: 'trace complete' },
      });
      for (const event of [run7, run8, suite3, step]) await bus!.publish(event);
      await waitUntil(() => received.environment.length === 4, 'four events on the environment topic');
      expect(received.environment).toEqual([run7, run8, suite3, step]);
      expect(received.run7).toEqual([run7, step]);
      expect(received.suite3).toEqual([suite3]);
    });

    it('keeps events to their organization and environment', async () => {
      const [bus] = await openBuses(1);
      const received: LiveEvent[] = [];
      await bus!.subscribe('acme.prod', (event) => received.push(event));
      await bus!.subscribe('acme.prod.run.1', (event) => received.push(event));
      await bus!.publish(eventOf({ environmentId: 'staging', runId: 1 }));
      await bus!.publish(eventOf({ organizationId: 'globex', runId: 1 }));
      const sentinel = eventOf({ runId: 2, state: 'sentinel' });
      await bus!.publish(sentinel);
      await waitUntil(() => received.length > 0, 'the sentinel');
      expect(received).toEqual([sentinel]);
    });

    it('fans an event out to every subscriber of a topic, on every replica, once each', async () => {
      const [first, second] = await openBuses(2);
      const received: string[] = [];
      await first!.subscribe('acme.prod.run.5', () => received.push('first-a'));
      await first!.subscribe('acme.prod.run.5', () => received.push('first-b'));
      await second!.subscribe('acme.prod.run.5', () => received.push('second'));
      await first!.publish(eventOf({ runId: 5 }));
      await waitUntil(() => received.length >= 3, 'three deliveries');
      await sleep(100);
      expect(received.sort()).toEqual(['first-a', 'first-b', 'second']);
    });

    it('delivers the events of another replica in the order they were published', async () => {
      const [publisher, subscriber] = await openBuses(2);
      const states: string[] = [];
      await subscriber!.subscribe('acme.prod.run.9', (event) => states.push(event.state ?? ''));
      const published = Array.from({ length: 20 }, (_, index) => `state-${index}`);
      for (const state of published) await publisher!.publish(eventOf({ runId: 9, state }));
      await waitUntil(() => states.length === published.length, 'twenty events from the other replica');
      expect(states).toEqual(published);
    });

    it('stops delivering to a listener once it unsubscribed, and not to the others', async () => {
      const [bus] = await openBuses(1);
      const kept: number[] = [];
      const dropped: number[] = [];
      await bus!.subscribe('acme.prod', (event) => kept.push(event.runId));
      const unsubscribe = await bus!.subscribe('acme.prod', (event) => dropped.push(event.runId));
      await bus!.publish(eventOf({ runId: 1 }));
      await waitUntil(() => kept.length === 1 && dropped.length === 1, 'the first event twice');
      unsubscribe();
      unsubscribe();
      await bus!.publish(eventOf({ runId: 2 }));
      await waitUntil(() => kept.length === 2, 'the second event');
      expect({ kept, dropped }).toEqual({ kept: [1, 2], dropped: [1] });
    });

    it('still delivers to the other listeners when one throws', async () => {
      const [bus] = await openBuses(1);
      const received: number[] = [];
      await bus!.subscribe('acme.prod', () => {
        throw new Error('client went away');
      });
      await bus!.subscribe('acme.prod', (event) => received.push(event.runId));
      await bus!.publish(eventOf({ runId: 1 }));
      await bus!.publish(eventOf({ runId: 2 }));
      await waitUntil(() => received.length === 2, 'both events');
      expect(received).toEqual([1, 2]);
    });

    it.each([
      ['a wildcard', 'acme.*'],
      ['a full wildcard', '>'],
      ['an unknown kind', 'acme.prod.test.4'],
      ['a run id that is not a number', 'acme.prod.run.x'],
      ['an empty token', 'acme..run.1'],
    ])('rejects a subscription to %s topic', async (_, topic) => {
      const [bus] = await openBuses(1);
      await expect(bus!.subscribe(topic, () => {})).rejects.toMatchObject({
        code: 'REQUEST_INVALID',
        message: expect.stringContaining(`"${topic}"`),
      });
    });

    it('rejects an event whose ids would make another topic', async () => {
      const [bus] = await openBuses(1);
      await expect(bus!.publish(eventOf({ organizationId: 'acme.prod' }))).rejects.toMatchObject({
        code: 'REQUEST_INVALID',
      });
    });

    it('refuses publish and subscribe once closed', async () => {
      const [bus] = await openBuses(1);
      await bus!.close();
      await bus!.close();
      await expect(bus!.publish(eventOf({}))).rejects.toThrow(/closed/);
      await expect(bus!.subscribe('acme.prod', () => {})).rejects.toThrow(/closed/);
    });
  });
}

function eventOf(overrides: Partial<LiveEvent>): LiveEvent {
  return { type: 'run', organizationId: 'acme', environmentId: 'prod', runId: 1, ...overrides };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadlineMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
