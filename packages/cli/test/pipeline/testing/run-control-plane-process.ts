/**
 * One process of the distributed control plane for the fault test: the api role or a worker, on
 * PostgreSQL, JetStream, the NATS event bus and the NATS link relay. Prints one JSON line
 * `{"event":"ready","url":…}` once started; stops gracefully on SIGTERM.
 *
 * Usage: node --import tsx run-control-plane-process.ts '{"role":"worker","name":"w1",…}'
 */

import {
  connectNats,
  createControlPlane,
  createJetStreamQueue,
  createNatsEventBus,
  createNatsLinkRelay,
  createPostgresStore,
} from '@tracecheck/server';
import { destination, pino } from 'pino';

export interface ControlPlaneProcessOptions {
  readonly role: 'api' | 'worker';
  /** Names the process in NATS connections and run events. */
  readonly name: string;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly natsUrl: string;
  readonly streamName: string;
  /** Prefix of the queue's, the bus's and the relay's subjects (unique per test). */
  readonly subjectPrefix: string;
  readonly ackTimeoutMs: number;
  readonly settleMs: number;
  readonly agentKey: string;
  readonly scope: { readonly organizationId: string; readonly environmentId: string };
}

const options = JSON.parse(process.argv[2] ?? '{}') as ControlPlaneProcessOptions;
const logger = pino({ level: 'error', base: { process: options.name } }, destination(2));

const store = await createPostgresStore({ connectionString: options.databaseUrl, schema: options.schema });
const queue = await createJetStreamQueue({
  servers: options.natsUrl,
  streamName: options.streamName,
  subjectPrefix: `${options.subjectPrefix}.pipeline`,
  maxDeliveries: 5,
  backoffMs: [200, 1000],
  ackTimeoutMs: options.ackTimeoutMs,
  pullExpiresMs: 5000,
  logger,
  connectionName: `${options.name}-queue`,
});
const bus = await createNatsEventBus({
  servers: options.natsUrl,
  subjectPrefix: `${options.subjectPrefix}.events`,
  logger,
  connectionName: `${options.name}-events`,
});
const linkConnection = await connectNats(options.natsUrl, `${options.name}-link`);
const relay = createNatsLinkRelay({
  connection: linkConnection,
  subjectPrefix: `${options.subjectPrefix}.link`,
  logger,
});

const plane = createControlPlane({
  mode: 'distributed',
  roles: [options.role],
  store,
  queue,
  bus,
  relay,
  logger,
  version: '0.1.0',
  http: { host: '127.0.0.1', port: 0 },
  defaultScope: options.scope,
  authenticateAgent: async (token) => (token === options.agentKey ? options.scope : undefined),
  pipeline: {
    settleMs: options.settleMs,
    heartbeatMs: Math.max(100, Math.floor(options.ackTimeoutMs / 4)),
    workerName: options.name,
  },
  agentLink: { resendMs: 200, outcomeCheckMs: 1000, agentWaitMs: 15_000 },
});
const { url } = await plane.start();
process.stdout.write(`${JSON.stringify({ event: 'ready', url: url ?? null })}\n`);

process.once('SIGTERM', () => {
  void plane
    .stop()
    .then(() => linkConnection.close())
    .finally(() => process.exit(0));
});
