import { Buffer } from 'node:buffer';
import { ERROR_CODES, type ErrorCode, isTracecheckError, TracecheckError } from '@tracecheck/core';
import {
  AGENT_LINK_PROTOCOL_VERSIONS,
  type AgentJob,
  type AgentJobResult,
  type AgentMessage,
  BROADCAST_JOB_KINDS,
  type JobScope,
  negotiateProtocolVersion,
  parseAgentMessage,
  type ServerMessage,
} from '@tracecheck/protocol';
import type { Logger } from 'pino';
import type { EventBus, Unsubscribe } from '../events/event-bus';
import type { Store } from '../store/store';
import type { JobUpdate, LinkRelay } from './link-relay';

/** How the hub talks to one connected agent (a WebSocket, or the agent in this process). */
export interface LinkTransport {
  send(message: ServerMessage): void;
  /** Ends the connection (the hub calls `closed()` itself). */
  close(reason: string): void;
}

/** The hub's side of one agent connection: feed it every message, and tell it when the connection ends. */
export interface LinkConnection {
  /** A decoded message from the agent (checked here). */
  receive(message: unknown): void;
  closed(): void;
}

/** An agent connected to this process. */
export interface ConnectedAgent {
  readonly name: string;
  readonly agentVersion: string;
  readonly protocolVersion: number;
  readonly connectedAt: Date;
}

export interface DispatchOptions {
  /** How long the job may take once an agent accepted it (the job's own timeout plus a margin). */
  readonly timeoutMs: number;
  /** Aborts the wait (the agent still finishes the job; a later dispatch of the same id gets its result). */
  readonly signal?: AbortSignal;
}

/**
 * The control plane's end of the agent link. Any process dispatches jobs; the processes that hold
 * agent connections (api replicas, or the embedded process) receive them through the relay and send
 * them to an agent of the job's environment. Span chunks from agents are stored with the run and
 * announced on the event bus (`spans` events), where the collecting worker listens.
 */
export interface AgentHub {
  /**
   * Sends a job to an agent of `job.scope` and resolves with its result. The job is sent again until
   * an agent accepts it, then now and then until its outcome arrives; the agent answers a repeated id
   * with the result it kept, so a job with a stable id runs once however often it is dispatched.
   * Rejects with `AGENT_UNAVAILABLE` when no agent accepts it in time, `TIMEOUT` when no outcome comes
   * within `timeoutMs`, or the agent's error when it could not run the job.
   */
  dispatch(job: AgentJob, options: DispatchOptions): Promise<AgentJobResult>;
  /** Attaches an authenticated agent connection of `scope`; the agent's `hello` comes first. */
  accept(scope: JobScope, transport: LinkTransport): LinkConnection;
  /** Agents of `scope` connected to this process. */
  connectedAgents(scope: JobScope): readonly ConnectedAgent[];
  /** Closes the connections and stops dispatching. */
  close(): Promise<void>;
}

export interface AgentHubOptions {
  readonly store: Store;
  readonly bus: EventBus;
  readonly relay: LinkRelay;
  readonly logger: Logger;
  /** This control plane's version, sent in `welcome`. */
  readonly serverVersion: string;
  /** A job no agent accepted yet is sent again this often. Default 1 s. */
  readonly resendMs?: number;
  /** An accepted job whose outcome has not come is sent again this often (a lost outcome is re-sent). Default 5 s. */
  readonly outcomeCheckMs?: number;
  /** How long a job waits for an agent to accept it. Default 30 s. */
  readonly agentWaitMs?: number;
  /** Agents are pinged this often; one silent for three pings is disconnected. Default 10 s. */
  readonly pingIntervalMs?: number;
  /**
   * Span chunks up to this size (base64 characters) travel inside their `spans` event; bigger ones are
   * announced without their bytes and read from the store (NATS messages stay well under 1 MB). Default 256 Ki.
   */
  readonly maxInlineChunkChars?: number;
  /** Milliseconds of a monotonic or wall clock. Default `Date.now`. */
  readonly nowMs?: () => number;
}

interface Connection {
  readonly scope: JobScope;
  readonly transport: LinkTransport;
  agent: ConnectedAgent | undefined;
  lastSeenMs: number;
  open: boolean;
}

function scopeKey(scope: JobScope): string {
  return JSON.stringify([scope.organizationId, scope.environmentId]);
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

function describeJob(job: AgentJob): string {
  return 'runId' in job ? `${job.kind} job of run ${job.runId}` : `${job.kind} job`;
}

/**
 * Creates the hub. One per process: workers use `dispatch`, api replicas (and the embedded process)
 * also `accept` agent connections.
 * @example
 * const hub = createAgentHub({ store, bus, relay: createMemoryLinkRelay(), logger, serverVersion: '1.0.0' });
 * const result = await hub.dispatch({ kind: 'stop', id: 'run-7-stop', scope, runId: 7 }, { timeoutMs: 10_000 });
 */
export function createAgentHub(options: AgentHubOptions): AgentHub {
  const { store, bus, relay, logger } = options;
  const resendMs = options.resendMs ?? 1000;
  const outcomeCheckMs = options.outcomeCheckMs ?? 5000;
  const agentWaitMs = options.agentWaitMs ?? 30_000;
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const nowMs = options.nowMs ?? Date.now;
  const maxInlineChunkChars = options.maxInlineChunkChars ?? 256 * 1024;

  const connections = new Map<string, Set<Connection>>();
  const relaySubscriptions = new Map<string, Promise<Unsubscribe>>();
  /** The connection a single-target job went to, so a resent job reaches the same agent. */
  const jobTargets = new Map<string, Connection>();
  const pendingDispatches = new Set<() => void>();
  let turn = 0;
  let closed = false;

  const pingTimer = setInterval(() => {
    const silentSinceMs = nowMs() - 3 * pingIntervalMs;
    for (const group of connections.values()) {
      for (const connection of group) {
        if (connection.lastSeenMs < silentSinceMs) {
          logger.warn(
            { agent: connection.agent?.name },
            'an agent stopped answering pings: disconnecting it',
          );
          connection.transport.close('no answer to pings');
          forget(connection);
        } else {
          sendTo(connection, { type: 'ping' });
        }
      }
    }
  }, pingIntervalMs);
  pingTimer.unref();

  function sendTo(connection: Connection, message: ServerMessage): void {
    if (!connection.open) return;
    try {
      connection.transport.send(message);
    } catch (error) {
      logger.debug({ err: error }, 'a message to an agent could not be sent');
    }
  }

  function readyConnections(scope: JobScope): Connection[] {
    return [...(connections.get(scopeKey(scope)) ?? [])].filter(
      (connection) => connection.agent !== undefined,
    );
  }

  function deliverJob(job: AgentJob): void {
    const ready = readyConnections(job.scope);
    if (ready.length === 0) return;
    if (BROADCAST_JOB_KINDS.includes(job.kind)) {
      for (const connection of ready) sendTo(connection, { type: 'job', job });
      return;
    }
    const previous = jobTargets.get(job.id);
    const target = previous && ready.includes(previous) ? previous : ready[turn++ % ready.length]!;
    jobTargets.set(job.id, target);
    sendTo(target, { type: 'job', job });
  }

  function register(connection: Connection): void {
    const key = scopeKey(connection.scope);
    let group = connections.get(key);
    if (!group) {
      group = new Set();
      connections.set(key, group);
    }
    group.add(connection);
    if (!relaySubscriptions.has(key))
      relaySubscriptions.set(key, relay.subscribeJobs(connection.scope, deliverJob));
  }

  function forget(connection: Connection): void {
    if (!connection.open) return;
    connection.open = false;
    const key = scopeKey(connection.scope);
    const group = connections.get(key);
    group?.delete(connection);
    for (const [jobId, target] of jobTargets) if (target === connection) jobTargets.delete(jobId);
    if (group && group.size === 0) {
      connections.delete(key);
      const subscription = relaySubscriptions.get(key);
      relaySubscriptions.delete(key);
      void subscription?.then((unsubscribe) => unsubscribe()).catch(() => undefined);
    }
    if (connection.agent)
      logger.info({ agent: connection.agent.name, ...connection.scope }, 'agent disconnected');
  }

  async function storeSpans(
    connection: Connection,
    message: Extract<AgentMessage, { type: 'spans' }>,
  ): Promise<void> {
    const { scope } = connection;
    const bytes = new Uint8Array(Buffer.from(message.otlpBase64, 'base64'));
    try {
      await store.appendRunSpans(scope, message.runId, [bytes]);
    } catch (error) {
      // A run deleted meanwhile takes no spans: acknowledge, or the agent would send them forever.
      if (!(isTracecheckError(error) && error.code === 'NOT_FOUND')) throw error;
      sendTo(connection, { type: 'spans-ack', jobId: message.jobId, seq: message.seq });
      return;
    }
    // Stored: acknowledge whatever happens to the announcement (the collector reads the store before
    // it calls a trace complete, so a lost announcement only delays it). Big chunks are announced
    // without their bytes, which the collector then reads from the store (bus messages stay small).
    const inline = message.otlpBase64.length <= maxInlineChunkChars;
    await bus
      .publish({
        type: 'spans',
        organizationId: scope.organizationId,
        environmentId: scope.environmentId,
        runId: message.runId,
        payload: {
          jobId: message.jobId,
          seq: message.seq,
          traceId: message.traceId,
          ...(inline ? { otlpBase64: message.otlpBase64 } : {}),
        },
      })
      .catch((error: unknown) =>
        logger.warn({ err: error, runId: message.runId }, 'could not announce stored spans'),
      );
    sendTo(connection, { type: 'spans-ack', jobId: message.jobId, seq: message.seq });
  }

  function handle(connection: Connection, message: AgentMessage): void {
    if (message.type === 'hello') {
      const protocolVersion = negotiateProtocolVersion(message.protocolVersions);
      if (protocolVersion === undefined) {
        const reason =
          `this control plane (version ${options.serverVersion}) speaks agent link protocol ` +
          `${AGENT_LINK_PROTOCOL_VERSIONS.join(', ')}, the agent (version ${message.agentVersion}) ${message.protocolVersions.join(', ') || 'none'}: ` +
          'upgrade the older of the two';
        sendTo(connection, { type: 'refused', reason });
        connection.transport.close('no common protocol version');
        forget(connection);
        return;
      }
      const first = connection.agent === undefined;
      connection.agent = {
        name: message.name,
        agentVersion: message.agentVersion,
        protocolVersion,
        connectedAt: new Date(nowMs()),
      };
      sendTo(connection, {
        type: 'welcome',
        protocolVersion,
        serverVersion: options.serverVersion,
        organizationId: connection.scope.organizationId,
        environmentId: connection.scope.environmentId,
        ...(message.agentVersion === options.serverVersion
          ? {}
          : {
              warning: `the agent runs version ${message.agentVersion} and the control plane ${options.serverVersion}: they work together, but run the same version to get every fix`,
            }),
      });
      if (first) {
        register(connection);
        logger.info(
          { agent: message.name, agentVersion: message.agentVersion, ...connection.scope },
          'agent connected',
        );
      }
      return;
    }
    if (!connection.agent) return;
    switch (message.type) {
      case 'job-ack':
        void relay.publishUpdate({ type: 'accepted', jobId: message.jobId }).catch((error: unknown) => {
          logger.warn({ err: error, jobId: message.jobId }, 'could not relay a job acceptance');
        });
        return;
      case 'job-result':
        jobTargets.delete(message.jobId);
        relay
          .publishUpdate({ type: 'outcome', jobId: message.jobId, outcome: message.outcome })
          .then(() => sendTo(connection, { type: 'result-ack', jobId: message.jobId }))
          .catch((error: unknown) => {
            // Not acknowledged: the agent sends the result again.
            logger.warn({ err: error, jobId: message.jobId }, 'could not relay a job result');
          });
        return;
      case 'spans':
        storeSpans(connection, message).catch((error: unknown) => {
          // Not acknowledged: the agent sends the chunk again.
          logger.warn({ err: error, runId: message.runId }, 'could not store spans from an agent');
        });
        return;
      case 'pong':
        return;
    }
  }

  function waitForOutcome(job: AgentJob, dispatchOptions: DispatchOptions): Promise<AgentJobResult> {
    const broadcast = BROADCAST_JOB_KINDS.includes(job.kind);
    return new Promise<AgentJobResult>((resolve, reject) => {
      let accepted = false;
      let settled = false;
      let unsubscribe: Unsubscribe | undefined;
      let resendTimer: NodeJS.Timeout | undefined;
      let deadline: NodeJS.Timeout | undefined;

      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(resendTimer);
        clearTimeout(deadline);
        unsubscribe?.();
        pendingDispatches.delete(abortOnClose);
        dispatchOptions.signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const fail = (error: unknown) => finish(() => reject(error));
      const abortOnClose = () =>
        fail(
          new TracecheckError(
            'AGENT_UNAVAILABLE',
            `the control plane is stopping: the ${describeJob(job)} was not finished`,
          ),
        );
      const onAbort = () => fail(dispatchOptions.signal?.reason ?? new Error('dispatch aborted'));

      const send = () => {
        if (settled) return;
        relay.sendJob(job, broadcast).catch((error: unknown) => {
          logger.warn({ err: error, jobId: job.id }, 'could not relay a job; sending it again');
        });
        resendTimer = setTimeout(send, accepted ? outcomeCheckMs : resendMs);
      };

      const onUpdate = (update: JobUpdate) => {
        if (update.type === 'accepted') {
          if (accepted) return;
          accepted = true;
          clearTimeout(deadline);
          deadline = setTimeout(
            () =>
              fail(
                new TracecheckError(
                  'TIMEOUT',
                  `the agent accepted the ${describeJob(job)} but sent no result within ${dispatchOptions.timeoutMs} ms`,
                ),
              ),
            dispatchOptions.timeoutMs,
          );
          return;
        }
        const { outcome } = update;
        if (outcome.ok) finish(() => resolve(outcome.result));
        else {
          const code = isErrorCode(outcome.error.code) ? outcome.error.code : 'INTERNAL';
          fail(
            new TracecheckError(
              code,
              `the agent could not run the ${describeJob(job)}: ${outcome.error.message}`,
            ),
          );
        }
      };

      if (closed) {
        abortOnClose();
        return;
      }
      if (dispatchOptions.signal?.aborted) {
        onAbort();
        return;
      }
      pendingDispatches.add(abortOnClose);
      dispatchOptions.signal?.addEventListener('abort', onAbort, { once: true });
      deadline = setTimeout(
        () =>
          fail(
            new TracecheckError(
              'AGENT_UNAVAILABLE',
              `no agent of environment "${job.scope.environmentId}" took the ${describeJob(job)} within ${agentWaitMs} ms: ` +
                "start an agent with this environment's agent key (`tracecheck agent --api-key …`) and check that it can reach the control plane",
            ),
          ),
        agentWaitMs,
      );
      relay.subscribeUpdates(job.id, onUpdate).then(
        (stop) => {
          if (settled) stop();
          else {
            unsubscribe = stop;
            send();
          }
        },
        (error: unknown) => fail(error),
      );
    });
  }

  return {
    dispatch: waitForOutcome,

    accept(scope, transport) {
      const connection: Connection = {
        scope,
        transport,
        agent: undefined,
        lastSeenMs: nowMs(),
        open: !closed,
      };
      if (closed) transport.close('the control plane is stopping');
      return {
        receive(raw) {
          if (!connection.open) return;
          connection.lastSeenMs = nowMs();
          const parsed = parseAgentMessage(raw);
          if (parsed.ok) handle(connection, parsed.message);
          else if (parsed.unknownType) logger.debug({ problem: parsed.problem }, 'ignored an agent message');
          else logger.warn({ problem: parsed.problem, ...scope }, 'an agent sent a malformed message');
        },
        closed() {
          forget(connection);
        },
      };
    },

    connectedAgents(scope) {
      return readyConnections(scope).flatMap((connection) => (connection.agent ? [connection.agent] : []));
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pingTimer);
      for (const abort of [...pendingDispatches]) abort();
      for (const group of [...connections.values()]) {
        for (const connection of [...group]) {
          connection.transport.close('the control plane is stopping');
          forget(connection);
        }
      }
      await Promise.all(
        [...relaySubscriptions.values()].map((subscription) => subscription.then((stop) => stop())),
      );
      relaySubscriptions.clear();
    },
  };
}
