import type { OpenAgentLinkEndpoint } from '@tracecheck/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type AgentHub, type AgentHubOptions, createAgentHub } from './agent-link/agent-hub';
import { connectInProcessAgent } from './agent-link/connect-in-process-agent';
import { createMemoryLinkRelay, type LinkRelay } from './agent-link/link-relay';
import { type AuthenticateAgent, registerAgentLinkRoute } from './agent-link/register-agent-link-route';
import { createApiServer, createHeaderScopeResolver } from './api/index';
import type { EventBus } from './events/event-bus';
import {
  createPipelineContext,
  createPipelineWorkers,
  type PipelineWorkers,
} from './pipeline/create-pipeline-workers';
import { createRunService } from './pipeline/create-run-service';
import type { PipelineConfig } from './pipeline/pipeline-context';
import type { RunService } from './pipeline/run-service';
import type { Queue } from './queue/queue';
import type { SecretBox } from './store/secret-box';
import type { Scope, Store } from './store/store';

/** The parts of the control plane a process runs: `api` (HTTP API + agent link) and `worker` (the pipeline). */
export type ControlPlaneRole = 'api' | 'worker';

export interface ControlPlaneOptions {
  /**
   * `embedded`: one process with every role and the agent in-process (the adapters are the in-process
   * ones). `distributed`: the roles given, with the adapters of PostgreSQL and NATS.
   */
  readonly mode: 'embedded' | 'distributed';
  /** Default: both in embedded mode; required in distributed mode. */
  readonly roles?: readonly ControlPlaneRole[];
  readonly store: Store;
  readonly queue: Queue;
  readonly bus: EventBus;
  /** Carries agent jobs between processes; default the in-process relay (right for embedded mode only). */
  readonly relay?: LinkRelay;
  readonly logger: Logger;
  /** The control plane's version (API, agent link). */
  readonly version: string;
  /** Where the API listens (role `api`); port 0 picks a free port. */
  readonly http?: { readonly host: string; readonly port: number };
  /** The organization and environment of requests without scope headers, and of the embedded agent. */
  readonly defaultScope: Scope;
  /** The scope of an API request; default: the `x-organization-id`/`x-environment-id` headers, else `defaultScope`. */
  readonly resolveScope?: (request: FastifyRequest) => Promise<Scope>;
  /** Which environment an agent key belongs to (role `api`); without it remote agents are refused. */
  readonly authenticateAgent?: AuthenticateAgent;
  /** Embedded mode: opens the in-process agent's end of the link (`session.open` of its link session). */
  readonly embeddedAgent?: OpenAgentLinkEndpoint;
  readonly secretBox?: SecretBox;
  /** The dashboard's built files, served by the API outside `/api`. */
  readonly webAssetsDir?: string;
  readonly pipeline?: PipelineConfig;
  /** Timings of the agent link (resends, waits, pings). */
  readonly agentLink?: Pick<
    AgentHubOptions,
    'resendMs' | 'outcomeCheckMs' | 'agentWaitMs' | 'pingIntervalMs' | 'maxInlineChunkChars'
  >;
  readonly nowMs?: () => number;
  readonly random?: () => number;
  readonly randomBytes?: (size: number) => Uint8Array;
}

export interface ControlPlane {
  /** Starts the roles: workers consume, the API listens. Resolves with the API's URL (role `api`). */
  start(): Promise<{ readonly url: string | undefined }>;
  /**
   * Graceful stop: the API stops accepting, the workers hand their in-flight runs back to the queue,
   * then the hub, queue, bus and store given in the options are closed. Idempotent.
   */
  stop(): Promise<void>;
  readonly runs: RunService;
  readonly agents: AgentHub;
}

/**
 * Wires the control plane of one process: the run pipeline workers, the HTTP API with the agent link
 * route, and the agent hub. The CLI resolves flags and environment, opens the adapters and calls this.
 * @example
 * // embedded (`tracecheck start`)
 * const session = createAgentLinkSession(agent, { agentVersion: version, name: 'embedded' });
 * const plane = createControlPlane({ mode: 'embedded', store, queue, bus, logger, version,
 *   http: { host: '127.0.0.1', port: 11633 }, defaultScope, embeddedAgent: (send) => session.open(send) });
 * await plane.start();
 */
export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const roles = new Set<ControlPlaneRole>(
    options.roles ?? (options.mode === 'embedded' ? ['api', 'worker'] : []),
  );
  if (roles.size === 0) {
    throw new Error('a distributed control plane process needs its roles: api, worker or both');
  }
  const relay = options.relay ?? createMemoryLinkRelay();
  const logger = options.logger;
  const agents = createAgentHub({
    store: options.store,
    bus: options.bus,
    relay,
    logger: logger.child({ component: 'agent-hub' }),
    serverVersion: options.version,
    ...options.agentLink,
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
  });
  const dependencies = {
    store: options.store,
    queue: options.queue,
    bus: options.bus,
    agents,
    logger: logger.child({ component: 'pipeline' }),
    ...(options.pipeline ? { config: options.pipeline } : {}),
    ...(options.secretBox ? { secretBox: options.secretBox } : {}),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
  };
  const serviceStopping = new AbortController();
  const runs = createRunService(createPipelineContext(dependencies, serviceStopping.signal));
  const workers: PipelineWorkers | undefined = roles.has('worker')
    ? createPipelineWorkers(dependencies)
    : undefined;

  let ready = false;
  let app: FastifyInstance | undefined;
  let disconnectEmbeddedAgent: (() => void) | undefined;
  let stopped: Promise<void> | undefined;

  return {
    runs,
    agents,

    async start() {
      const { store, defaultScope } = options;
      if (!(await store.getEnvironment(defaultScope))) {
        const organizations = await store.listEnvironments(defaultScope.organizationId);
        if (organizations.length === 0) {
          await store.upsertOrganization({
            id: defaultScope.organizationId,
            name: defaultScope.organizationId,
          });
        }
        await store.upsertEnvironment(defaultScope, defaultScope.environmentId);
      }
      if (options.embeddedAgent)
        disconnectEmbeddedAgent = connectInProcessAgent(agents, defaultScope, options.embeddedAgent);
      await workers?.start();
      // The in-process queue starts empty: runs a previous process left unfinished are queued again.
      if (options.mode === 'embedded') await workers?.resume(defaultScope);
      let url: string | undefined;
      if (roles.has('api')) {
        app = createApiServer({
          store,
          bus: options.bus,
          runs,
          logger: logger.child({ component: 'api' }),
          resolveScope: options.resolveScope ?? createHeaderScopeResolver(defaultScope),
          version: options.version,
          ready: () => ready,
          ...(options.secretBox ? { secretBox: options.secretBox } : {}),
          ...(options.webAssetsDir ? { webAssetsDir: options.webAssetsDir } : {}),
          ...(options.nowMs ? { now: () => new Date(options.nowMs?.() ?? Date.now()) } : {}),
        });
        await registerAgentLinkRoute(app, {
          hub: agents,
          authenticateAgent: options.authenticateAgent ?? (async () => undefined),
        });
        const http = options.http ?? { host: '127.0.0.1', port: 0 };
        url = await app.listen({ host: http.host, port: http.port });
      }
      ready = true;
      logger.info({ mode: options.mode, roles: [...roles], url }, 'control plane started');
      return { url };
    },

    stop() {
      stopped ??= (async () => {
        ready = false;
        await app?.close();
        workers?.stop();
        serviceStopping.abort(new Error('the control plane is stopping'));
        // In-flight stages finish or hand their message back before the link and storage go.
        await options.queue.close();
        disconnectEmbeddedAgent?.();
        await agents.close();
        await relay.close();
        await options.bus.close();
        await options.store.close();
        logger.info('control plane stopped');
      })();
      return stopped;
    },
  };
}
