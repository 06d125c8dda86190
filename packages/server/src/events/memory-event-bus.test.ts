import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { assertTopic, type LiveEvent, topicsOf } from './event-bus';
import { describeEventBus } from './event-bus-contract';
import { createMemoryEventBus } from './memory-event-bus';
import { parseLiveEvent } from './parse-live-event';

const logger = pino({ level: 'silent' });

// One process, one bus: every "replica" is the same bus.
describeEventBus('memory', () => {
  const bus = createMemoryEventBus({ logger });
  return { openBus: async () => bus };
});

describe('memory event bus', () => {
  it('has delivered to every listener when publish resolves', async () => {
    const bus = createMemoryEventBus({ logger });
    const received: number[] = [];
    await bus.subscribe('acme.prod.run.3', (event) => received.push(event.runId));
    await bus.publish({ type: 'run', organizationId: 'acme', environmentId: 'prod', runId: 3 });
    expect(received).toEqual([3]);
  });
});

describe('topics', () => {
  it.each<[string, LiveEvent, string[]]>([
    ['a run', { type: 'run', organizationId: 'o', environmentId: 'e', runId: 4 }, ['o.e', 'o.e.run.4']],
    [
      'a run event',
      { type: 'run-event', organizationId: 'o', environmentId: 'e', runId: 4 },
      ['o.e', 'o.e.run.4'],
    ],
    ['spans', { type: 'spans', organizationId: 'o', environmentId: 'e', runId: 4 }, ['o.e', 'o.e.run.4']],
    [
      'a suite run',
      { type: 'suite-run', organizationId: 'o', environmentId: 'e', runId: 2 },
      ['o.e', 'o.e.suite.2'],
    ],
  ])('puts %s on its environment and its own topic', (_, event, topics) => {
    expect(topicsOf(event)).toEqual(topics);
    for (const topic of topics) expect(() => assertTopic(topic)).not.toThrow();
  });
});

describe('parseLiveEvent', () => {
  it.each<[string, unknown, LiveEvent | undefined]>([
    [
      'a full event',
      {
        type: 'run',
        organizationId: 'o',
        environmentId: 'e',
        runId: 1,
        testId: 't',
        state: 'FINISHED',
        payload: [1],
      },
      {
        type: 'run',
        organizationId: 'o',
        environmentId: 'e',
        runId: 1,
        testId: 't',
        state: 'FINISHED',
        payload: [1],
      },
    ],
    [
      'an event with unknown fields',
      { type: 'spans', organizationId: 'o', environmentId: 'e', runId: 1, secret: 'x' },
      { type: 'spans', organizationId: 'o', environmentId: 'e', runId: 1 },
    ],
    ['an unknown type', { type: 'test', organizationId: 'o', environmentId: 'e', runId: 1 }, undefined],
    ['a string run id', { type: 'run', organizationId: 'o', environmentId: 'e', runId: '1' }, undefined],
    [
      'a numeric state',
      { type: 'run', organizationId: 'o', environmentId: 'e', runId: 1, state: 3 },
      undefined,
    ],
    ['null', null, undefined],
  ])('reads %s', (_, value, expected) => {
    expect(parseLiveEvent(value)).toEqual(expected);
  });
});
