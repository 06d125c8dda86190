/**
 * A worker for the crash test: consumes one stage of a JetStream queue in its own process, prints a
 * JSON line when it is ready and one when a handler starts, and never finishes a handler, so the test
 * can kill it with SIGKILL mid-handler.
 *
 * Usage: node --import tsx consume-in-child-process.ts '{"servers":…,"streamName":…,"subjectPrefix":…,"ackTimeoutMs":2000,"stage":"trigger"}'
 */
import { pino } from 'pino';
import { createJetStreamQueue } from '../jetstream-queue';
import type { Stage } from '../queue';

interface ChildOptions {
  readonly servers: string;
  readonly streamName: string;
  readonly subjectPrefix: string;
  readonly ackTimeoutMs: number;
  readonly stage: Stage;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const queue = await createJetStreamQueue({
  servers: options.servers,
  streamName: options.streamName,
  subjectPrefix: options.subjectPrefix,
  ackTimeoutMs: options.ackTimeoutMs,
  maxDeliveries: 3,
  backoffMs: [100],
  logger: pino({ level: 'silent' }),
});
await queue.consume(
  options.stage,
  async ({ message, attempt }) => {
    process.stdout.write(`${JSON.stringify({ event: 'started', runId: message.runId, attempt })}\n`);
    // Works until the test kills the process: the message is never acked here.
    await new Promise<never>(() => undefined);
  },
  { concurrency: 1 },
);
process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
