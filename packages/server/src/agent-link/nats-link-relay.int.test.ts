import type { NatsConnection } from '@nats-io/transport-node';
import type { AgentJob } from '@tracecheck/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connectNats } from '../queue/connect-nats';
import { checkNatsForTests, createTestSuffix, TEST_NATS_URL } from '../queue/testing/nats-for-tests';
import { createMemoryLinkRelay, type JobUpdate, type LinkRelay } from './link-relay';
import { createNatsLinkRelay } from './nats-link-relay';

/** Needs NATS (TRACECHECK_TEST_NATS_URL); each test uses subjects of its own. */
const natsReachable = await checkNatsForTests('NATS link relay');
const logger = pino({ level: 'silent' });
const SCOPE = { organizationId: 'acme.corp', environmentId: 'prod *' };

const job = (id: string, kind: 'stop' | 'watch-trace' = 'stop'): AgentJob =>
  kind === 'stop'
    ? { kind, id, scope: SCOPE, runId: 1 }
    : { kind, id, scope: SCOPE, runId: 1, traceId: '0af7651916cd43dd8448eb211c80319c' };

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The behaviour both relays share: one target per job unless broadcast, updates per job id. */
function describeRelay(name: string, openRelays: (count: number) => Promise<LinkRelay[]>): void {
  describe(name, () => {
    it('hands a job to one subscriber of its environment, a broadcast job to every one', async () => {
      const [first, second, sender] = await openRelays(3);
      const received: string[] = [];
      await first!.subscribeJobs(SCOPE, (j) => received.push(`first:${j.id}`));
      await second!.subscribeJobs(SCOPE, (j) => received.push(`second:${j.id}`));
      await sender!.subscribeJobs({ organizationId: 'other', environmentId: 'prod' }, (j) =>
        received.push(`other:${j.id}`),
      );
      for (const id of ['a', 'b', 'c', 'd']) await sender!.sendJob(job(id), false);
      await sender!.sendJob(job('w', 'watch-trace'), true);
      await settle();
      const singles = received.filter((entry) => !entry.endsWith(':w'));
      expect(singles.map((entry) => entry.split(':')[1]).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(received.filter((entry) => entry.endsWith(':w')).sort()).toEqual(['first:w', 'second:w']);
    });

    it('delivers the updates of a job to its subscribers only, until they unsubscribe', async () => {
      const [worker, replica] = await openRelays(2);
      const updates: JobUpdate[] = [];
      const stop = await worker!.subscribeUpdates('job-1', (update) => updates.push(update));
      await replica!.publishUpdate({ type: 'accepted', jobId: 'job-1' });
      await replica!.publishUpdate({ type: 'accepted', jobId: 'job-2' });
      await replica!.publishUpdate({
        type: 'outcome',
        jobId: 'job-1',
        outcome: { ok: true, result: { kind: 'stop', ok: true } },
      });
      await settle();
      stop();
      await replica!.publishUpdate({ type: 'accepted', jobId: 'job-1' });
      await settle();
      expect(updates).toEqual([
        { type: 'accepted', jobId: 'job-1' },
        { type: 'outcome', jobId: 'job-1', outcome: { ok: true, result: { kind: 'stop', ok: true } } },
      ]);
    });

    it('drops a job nobody subscribes to (the dispatcher sends it again)', async () => {
      const [sender] = await openRelays(1);
      await expect(sender!.sendJob(job('lost'), false)).resolves.toBeUndefined();
    });
  });
}

describeRelay('memory link relay', async (count) => {
  const relay = createMemoryLinkRelay();
  return Array.from({ length: count }, () => relay);
});

describe.skipIf(!natsReachable)('NATS link relay', () => {
  let connections: NatsConnection[] = [];
  let relays: LinkRelay[] = [];
  afterEach(async () => {
    for (const relay of relays) await relay.close();
    for (const connection of connections) await connection.close();
    relays = [];
    connections = [];
  });

  describeRelay(`NATS at ${TEST_NATS_URL}`, async (count) => {
    const subjectPrefix = `tc-link-test.${createTestSuffix()}`;
    return Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const connection = await connectNats(TEST_NATS_URL, `relay-${index}`);
        connections.push(connection);
        const relay = createNatsLinkRelay({ connection, subjectPrefix, logger });
        relays.push(relay);
        return relay;
      }),
    );
  });

  it('rejects a subject prefix that is not a NATS subject', async () => {
    const connection = await connectNats(TEST_NATS_URL, 'relay-bad');
    connections.push(connection);
    expect(() => createNatsLinkRelay({ connection, subjectPrefix: 'bad prefix.>', logger })).toThrow(
      /the link subject prefix "bad prefix.>" is not a NATS subject/,
    );
  });
});
