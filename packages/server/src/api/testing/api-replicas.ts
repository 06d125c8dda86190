/**
 * API replicas for integration tests: each with its own NATS connection (as separate processes would
 * have) and its own in-memory queue, all sharing one PGlite store, so a test can publish on one and
 * watch a client of another.
 */
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createAgentHub } from '../../agent-link/agent-hub';
import { createMemoryLinkRelay } from '../../agent-link/link-relay';
import type { EventBus } from '../../events/event-bus';
import { createNatsEventBus } from '../../events/nats-event-bus';
import { createPipelineContext } from '../../pipeline/create-pipeline-workers';
import { createRunService } from '../../pipeline/create-run-service';
import type { PipelineContext } from '../../pipeline/pipeline-context';
import { createMemoryQueue } from '../../queue/memory-queue';
import { createTestSuffix, TEST_NATS_URL } from '../../queue/testing/nats-for-tests';
import { createPgliteStore } from '../../store/pglite-store';
import type { Scope, Store } from '../../store/store';
import { createApiServer, createHeaderScopeResolver } from '../create-api-server';
import { registerEventSocketRoute } from '../event-socket-route';

export interface ApiReplica {
  readonly app: FastifyInstance;
  readonly bus: EventBus;
  readonly context: PipelineContext;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>` */
  readonly wsBase: string;
}

export interface ApiReplicas {
  readonly store: Store;
  /** The prefix of the bus subjects of these replicas. */
  readonly subjectPrefix: string;
  /** Starts one more replica, listening on a free loopback port. */
  start(name: string): Promise<ApiReplica>;
  /** Closes every replica, its bus connection, then the store. */
  close(): Promise<void>;
}

/** A test with one spec on `GET /orders`, to apply with `PUT /api/tests`. */
export const ORDERS_TEST = {
  type: 'Test',
  spec: {
    id: 'orders',
    name: 'Orders',
    trigger: { type: 'http', httpRequest: { method: 'GET', url: 'http://shop.local/orders' } },
    specs: [{ selector: 'span[name="GET /orders"]', assertions: ['attr:http.status_code = 200'] }],
  },
} as const;

/**
 * Creates the shared store (with `scope`'s organization and environment) and a bus subject prefix of
 * its own, so parallel test files never see each other's events.
 * @example const replicas = await createApiReplicas(SCOPE); const first = await replicas.start('api-1');
 */
export async function createApiReplicas(scope: Scope): Promise<ApiReplicas> {
  const logger = pino({ level: 'silent' });
  const subjectPrefix = `tc-test.${createTestSuffix()}.events`;
  const stopping = new AbortController();
  const store = await createPgliteStore();
  await store.upsertOrganization({ id: scope.organizationId, name: scope.organizationId });
  await store.upsertEnvironment(scope, scope.environmentId);
  const replicas: ApiReplica[] = [];
  return {
    store,
    subjectPrefix,
    async start(name) {
      const bus = await createNatsEventBus({
        servers: TEST_NATS_URL,
        subjectPrefix,
        logger,
        connectionName: name,
      });
      const queue = createMemoryQueue({ logger, maxDeliveries: 3, backoffMs: [100], ackTimeoutMs: 30_000 });
      const agents = createAgentHub({
        store,
        bus,
        relay: createMemoryLinkRelay(),
        logger,
        serverVersion: 'test',
      });
      const context = createPipelineContext({ store, queue, bus, agents, logger }, stopping.signal);
      const resolveScope = createHeaderScopeResolver(scope);
      const app = createApiServer({
        store,
        bus,
        runs: createRunService(context),
        logger,
        resolveScope,
        version: 'test',
        ready: () => true,
      });
      await registerEventSocketRoute(app, { store, bus, resolveScope });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const replica = { app, bus, context, url, wsBase: url.replace(/^http/, 'ws') };
      replicas.push(replica);
      return replica;
    },
    async close() {
      stopping.abort();
      for (const replica of replicas) {
        await replica.app.close();
        await replica.bus.close();
      }
      await store.close();
    },
  };
}
