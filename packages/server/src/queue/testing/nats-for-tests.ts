import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';

/** The NATS server the integration tests use: `TRACECHECK_TEST_NATS_URL`, or a local one. */
export const TEST_NATS_URL = process.env.TRACECHECK_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Whether the integration tests of `what` can run. Without a NATS server they are skipped with a loud
 * warning, unless TRACECHECK_REQUIRE_SERVICES=1 (CI), where a missing server fails the suite.
 * @example const natsReachable = await checkNatsForTests('JetStream queue'); describe.skipIf(!natsReachable)(…)
 */
export async function checkNatsForTests(what: string): Promise<boolean> {
  let problem: string | undefined;
  try {
    const nc = await connect({ servers: TEST_NATS_URL, timeout: 3000, reconnect: false });
    await nc.close();
  } catch (error) {
    problem = error instanceof Error ? error.message || error.name : String(error);
  }
  if (problem === undefined) return true;
  const advice =
    `NATS is not reachable at ${TEST_NATS_URL} (${problem}). Start one with JetStream, e.g. ` +
    '`docker run --rm -p 4222:4222 nats:2 -js` or `nats-server -js`, ' +
    'or point TRACECHECK_TEST_NATS_URL at a server the tests may create streams on.';
  if (process.env.TRACECHECK_REQUIRE_SERVICES === '1') {
    throw new Error(`${advice} TRACECHECK_REQUIRE_SERVICES=1 makes this a failure.`);
  }
  console.warn(`\n⚠ SKIPPING the ${what} tests: ${advice}\n`);
  return false;
}

/** A random suffix for stream and subject names, so test runs in parallel never share them. */
export function createTestSuffix(): string {
  return randomBytes(5).toString('hex');
}
