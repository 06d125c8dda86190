import { randomUUID } from 'node:crypto';
import type { OpenAgentLinkEndpoint } from '@tracecheck/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { type AgentHub, type AgentHubOptions, createAgentHub } from './agent-link/agent-hub';
import { connectInProcessAgent } from './agent-link/connect-in-process-agent';
import { createMemoryLinkRelay, type LinkRelay } from './agent-link/link-relay';
import { type AuthenticateAgent, registerAgentLinkRoute } from './agent-link/register-agent-link-route';
import { createApiServer, createHeaderScopeResolver, registerEventSocketRoute } from './api/index';
import type { EventBus } from './events/event-bus';
import { type AccessControl, createAccessControl, type PrincipalResolver } from './identity/access-control';
import { createSessionPrincipalResolver } from './identity/sso/index';
import type { SignInService } from './identity/sso/sign-in-service';
import {
  createMonitorScheduler,
  type MonitorScheduler,
  type MonitorSchedulerOptions,
} from './monitors/monitor-scheduler';
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

/** How long an agent may take to try a data store (connect, authenticate, look a trace up). */
const DATA_STORE_TEST_TIMEOUT_MS = 30_000;

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
  /**
   * Identity and access: every API request needs a token or a session allowed by the permission
   * table, the identity routes are served, and agents authenticate with agent keys or organization
   * tokens (unless `authenticateAgent` is given). Absent: no checks (tests of the pipeline alone);
   * `tracecheck start` and `tracecheck server` always enable it.
   */
  readonly identity?: {
    readonly principalResolvers?: readonly PrincipalResolver[];
    /** Sign-in (`createSignInService`): its `/api/auth` routes are served and its sessions authenticate. */
    readonly signIn?: SignInService;
  };
  /** Embedded mode: opens the in-process agent's end of the link (`session.open` of its link session). */
  readonly embeddedAgent?: OpenAgentLinkEndpoint;
  readonly secretBox?: SecretBox;
  /** The dashboard's built files, served by the API outside `/api`. */
  readonly webAssetsDir?: string;
  readonly pipeline?: PipelineConfig;
  /** Monitors (role `worker` runs the scheduler): pass interval, dashboard URL of alert links, webhook retries. */
  readonly monitors?: Pick<MonitorSchedulerOptions, 'intervalMs' | 'publicUrl' | 'webhooks'>;
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
  /** The access control of the API when `identity` is enabled (the sign-in layer adds its resolvers). */
  readonly access: AccessControl | undefined;
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
  const access: AccessControl | undefined = options.identity
    ? createAccessControl({
        store: options.store,
        defaultScope: options.defaultScope,
        ...(options.identity.principalResolvers
          ? { principalResolvers: options.identity.principalResolvers }
          : {}),
        ...(options.nowMs ? { now: () => new Date(options.nowMs?.() ?? Date.now()) } : {}),
      })
    : undefined;
  if (access && options.identity?.signIn) {
    access.addPrincipalResolver(createSessionPrincipalResolver(options.identity.signIn));
  }
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
  const monitorScheduler: MonitorScheduler | undefined = roles.has('worker')
    ? createMonitorScheduler({
        store: options.store,
        runs,
        logger: logger.child({ component: 'monitors' }),
        version: options.version,
        ...options.monitors,
        ...(options.secretBox ? { secretBox: options.secretBox } : {}),
        ...(options.nowMs ? { nowMs: options.nowMs } : {}),
        ...(options.pipeline?.workerName ? { workerName: options.pipeline.workerName } : {}),
      })
    : undefined;

  let ready = false;
  let app: FastifyInstance | undefined;
  let disconnectEmbeddedAgent: (() => void) | undefined;
  let stopped: Promise<void> | undefined;

  return {
    runs,
    agents,
    access,

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
      monitorScheduler?.start();
      let url: string | undefined;
      if (roles.has('api')) {
        // With identity, the event socket (outside the route table) is authorized like the SSE stream.
        const requestScope = access
          ? async (request: FastifyRequest) => {
              if (!access.accessOf(request)) await access.authorize(request, 'env.resources.read');
              return access.resolveScope(request);
            }
          : (options.resolveScope ?? createHeaderScopeResolver(defaultScope));
        app = createApiServer({
          store,
          bus: options.bus,
          runs,
          logger: logger.child({ component: 'api' }),
          resolveScope: requestScope,
          version: options.version,
          ready: () => ready,
          ...(access ? { access } : {}),
          ...(options.identity?.signIn ? { signIn: options.identity.signIn } : {}),
          ...(options.secretBox ? { secretBox: options.secretBox } : {}),
          ...(options.webAssetsDir ? { webAssetsDir: options.webAssetsDir } : {}),
          testDataStoreConnection: async (scope, dataStore) => {
            const result = await agents.dispatch(
              { kind: 'test-connection', id: `test-connection-${randomUUID()}`, scope, dataStore },
              { timeoutMs: DATA_STORE_TEST_TIMEOUT_MS },
            );
            if (result.kind !== 'test-connection')
              throw new Error(`the agent answered a ${result.kind} result`);
            return { passed: result.passed, steps: result.steps };
          },
          ...(options.nowMs ? { now: () => new Date(options.nowMs?.() ?? Date.now()) } : {}),
        });
        await registerAgentLinkRoute(app, {
          hub: agents,
          authenticateAgent:
            options.authenticateAgent ?? access?.authenticateAgent ?? (async () => undefined),
        });
        await registerEventSocketRoute(app, {
          store,
          bus: options.bus,
          resolveScope: requestScope,
          ...(options.nowMs ? { now: () => new Date(options.nowMs?.() ?? Date.now()) } : {}),
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
        await monitorScheduler?.stop();
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
