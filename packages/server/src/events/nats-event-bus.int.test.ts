import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { checkNatsForTests, createTestSuffix, TEST_NATS_URL } from '../queue/testing/nats-for-tests';
import type { LiveEvent } from './event-bus';
import { describeEventBus } from './event-bus-contract';
import { createNatsEventBus } from './nats-event-bus';

/**
 * Needs a NATS server (TRACECHECK_TEST_NATS_URL, default nats://127.0.0.1:4222). Each harness uses a
 * subject prefix of its own (random suffix), so test runs in parallel never see each other's events.
 */
const natsReachable = await checkNatsForTests('NATS event bus');
const logger = pino({ level: 'silent' });

describe.skipIf(!natsReachable)('NATS event bus', () => {
  describeEventBus(`NATS at ${TEST_NATS_URL}, one connection per replica`, () => {
    const subjectPrefix = `tc-test.${createTestSuffix()}.events`;
    return { openBus: () => createNatsEventBus({ servers: TEST_NATS_URL, subjectPrefix, logger }) };
  });

  it('drops payloads that are not live events and keeps delivering', async () => {
    const subjectPrefix = `tc-test.${createTestSuffix()}.events`;
    const bus = await createNatsEventBus({ servers: TEST_NATS_URL, subjectPrefix, logger });
    const raw = await connect({ servers: TEST_NATS_URL });
    try {
      const received: LiveEvent[] = [];
      await bus.subscribe('acme.prod', (event) => received.push(event));
      raw.publish(`${subjectPrefix}.acme.prod`, 'not json');
      raw.publish(`${subjectPrefix}.acme.prod`, '{"type":"run","runId":"1"}');
      const event: LiveEvent = { type: 'run', organizationId: 'acme', environmentId: 'prod', runId: 1 };
      raw.publish(`${subjectPrefix}.acme.prod`, JSON.stringify(event));
      await raw.flush();
      await expect.poll(() => received).toEqual([event]);
    } finally {
      await raw.close();
      await bus.close();
    }
  });

  it.each([
    [
      'an unreachable server',
      { servers: 'nats://127.0.0.1:1' },
      'SERVER_UNREACHABLE',
      /cannot connect to NATS/,
    ],
    [
      'a wildcard subject prefix',
      { servers: TEST_NATS_URL, subjectPrefix: 'events.>' },
      'CONFIG_INVALID',
      /"events.>"/,
    ],
  ])('rejects %s with a clear error', async (_, options, code, message) => {
    await expect(createNatsEventBus({ ...options, logger })).rejects.toMatchObject({ code, message });
  });
});
