import { Buffer } from 'node:buffer';
import { encodeOtlpProtobuf, isTracecheckError, parseTraceId, type SpanRecord } from '@tracecheck/core';
import {
  AGENT_LINK_PROTOCOL_VERSIONS,
  type AgentJob,
  type AgentJobOutcome,
  type AgentJobResult,
  type AgentLinkEndpoint,
  type AgentMessage,
  type OpenAgentLinkEndpoint,
  parseServerMessage,
  type ServerMessage,
} from '@tracecheck/protocol';
import type { Agent } from '../create-agent';
import { detectRunningOnContainer } from '../triggers/detect-running-on-container';
import { runPollJob, runTestConnectionJob, runTriggerJob, type WorkJob } from './link-job-handlers';

export interface AgentLinkSessionOptions {
  /** Sent in `hello`; the control plane warns when it differs from its own. */
  readonly agentVersion: string;
  /** How this agent is listed (e.g. its host name). */
  readonly name: string;
  /** Spans of a watched trace are gathered this long, then sent as one chunk. Default 10 ms. */
  readonly spanBatchMs?: number;
  /** Spans per chunk at most (a bigger batch is split). Default 2000. */
  readonly maxSpansPerChunk?: number;
  /** Unacknowledged results and span chunks are sent again this often while connected. Default 5 s. */
  readonly resendMs?: number;
  /**
   * A finished job's result is kept this long, so a job the control plane sends again (after a
   * reconnect, or from another worker) gets the same result instead of running twice. Default 1 h.
   */
  readonly resultRetentionMs?: number;
  /** A watch that no `stop-watch` ended is stopped after this long, so the cache can evict. Default 1 h. */
  readonly maxWatchMs?: number;
  /** Wall clock in Unix ms (trigger timings, retention). Default `Date.now`. */
  readonly nowMs?: () => number;
  /** Told when the control plane accepted a connection. */
  readonly onWelcome?: (welcome: Extract<ServerMessage, { type: 'welcome' }>) => void;
  /** Told when the control plane refused a connection (no common protocol version). */
  readonly onRefused?: (reason: string) => void;
}

/**
 * The agent's side of the link, independent of the transport: it outlives connections, so jobs,
 * results and span chunks survive a reconnect. `open` starts it on a connection (a WebSocket, or the
 * control plane in the same process); a newer connection replaces an older one.
 */
export interface AgentLinkSession {
  readonly open: OpenAgentLinkEndpoint;
  /** Ends every watch and the timers; the session cannot be opened again. */
  close(): void;
}

interface JobEntry {
  readonly job: AgentJob;
  outcome?: AgentJobOutcome;
  /** The control plane confirmed it has the outcome. */
  delivered: boolean;
  finishedAtMs?: number;
}

interface Watch {
  readonly job: Extract<AgentJob, { kind: 'watch-trace' }>;
  stop: (() => void) | undefined;
  buffer: SpanRecord[];
  timer: NodeJS.Timeout | undefined;
  expiry: NodeJS.Timeout | undefined;
  seq: number;
  /** Chunks sent but not acknowledged, by seq. */
  readonly unacked: Map<number, Extract<AgentMessage, { type: 'spans' }>>;
}

const JOB_KINDS: ReadonlySet<string> = new Set([
  'trigger',
  'watch-trace',
  'stop-watch',
  'poll',
  'test-connection',
  'stop',
]);
const MAX_KEPT_JOBS = 10_000;

/**
 * Creates the link session of an agent and registers the link's job handlers on it (`trigger`,
 * `watch-trace`, `stop-watch`, `poll`, `test-connection`, `stop`), so jobs are counted and logged
 * like any agent job. One session per agent.
 * @example
 * const session = createAgentLinkSession(agent, { agentVersion: '1.2.0', name: 'ci-runner' });
 * const endpoint = session.open((message) => socket.send(JSON.stringify(message)));
 * socket.on('message', (data) => endpoint.receive(JSON.parse(String(data))));
 */
export function createAgentLinkSession(agent: Agent, options: AgentLinkSessionOptions): AgentLinkSession {
  const spanBatchMs = options.spanBatchMs ?? 10;
  const maxSpansPerChunk = options.maxSpansPerChunk ?? 2000;
  const resendMs = options.resendMs ?? 5000;
  const resultRetentionMs = options.resultRetentionMs ?? 3_600_000;
  const maxWatchMs = options.maxWatchMs ?? 3_600_000;
  const nowMs = options.nowMs ?? Date.now;
  const logger = agent.logger.child({ component: 'agent-link' });
  const runningOnContainer = detectRunningOnContainer();

  const jobs = new Map<string, JobEntry>();
  const watches = new Map<string, Watch>();
  const runAborts = new Map<number, AbortController>();
  let current: { send: (message: AgentMessage) => void; welcomed: boolean } | undefined;
  let closed = false;

  const resendTimer = setInterval(() => resendUnacknowledged(), resendMs);
  resendTimer.unref();

  function send(message: AgentMessage): void {
    if (!current?.welcomed) return;
    try {
      current.send(message);
    } catch (error) {
      logger.debug(
        { err: error, type: message.type },
        'a link message could not be sent; it is sent again later',
      );
    }
  }

  function resendUnacknowledged(): void {
    if (!current?.welcomed) return;
    for (const [jobId, entry] of jobs) {
      if (entry.outcome && !entry.delivered) send({ type: 'job-result', jobId, outcome: entry.outcome });
    }
    for (const watch of watches.values()) for (const chunk of watch.unacked.values()) send(chunk);
  }

  // Handlers: the agent counts and logs every job; the session routes them.
  agent.registerJobHandler('trigger', async (input, context) => {
    const job = input as Extract<AgentJob, { kind: 'trigger' }>;
    const controller = new AbortController();
    runAborts.set(job.runId, controller);
    try {
      return await runTriggerJob(job, context, { runSignal: controller.signal, runningOnContainer, nowMs });
    } finally {
      if (runAborts.get(job.runId) === controller) runAborts.delete(job.runId);
    }
  });
  agent.registerJobHandler('poll', (input, context) =>
    runPollJob(input as Extract<AgentJob, { kind: 'poll' }>, context),
  );
  agent.registerJobHandler('test-connection', (input, context) =>
    runTestConnectionJob(input as Extract<AgentJob, { kind: 'test-connection' }>, context),
  );
  agent.registerJobHandler('watch-trace', async (input) => {
    startWatch(input as Extract<AgentJob, { kind: 'watch-trace' }>);
    return { kind: 'watch-trace', ok: true } satisfies AgentJobResult;
  });
  agent.registerJobHandler('stop-watch', async (input) => {
    const job = input as Extract<AgentJob, { kind: 'stop-watch' }>;
    stopWatches((watch) => watch.job.runId === job.runId && watch.job.traceId === job.traceId);
    return { kind: 'stop-watch', ok: true } satisfies AgentJobResult;
  });
  agent.registerJobHandler('stop', async (input) => {
    const job = input as Extract<AgentJob, { kind: 'stop' }>;
    runAborts.get(job.runId)?.abort(new Error(`run ${job.runId} was stopped`));
    runAborts.delete(job.runId);
    stopWatches((watch) => watch.job.runId === job.runId);
    return { kind: 'stop', ok: true } satisfies AgentJobResult;
  });

  function startWatch(job: Extract<AgentJob, { kind: 'watch-trace' }>): void {
    if (watches.has(job.id)) return;
    const watch: Watch = {
      job,
      stop: undefined,
      buffer: [],
      timer: undefined,
      expiry: setTimeout(() => stopWatches((candidate) => candidate === watch), maxWatchMs),
      seq: 0,
      unacked: new Map(),
    };
    watch.expiry?.unref();
    watches.set(job.id, watch);
    // `watch` replays the spans already cached synchronously, so it must come after the map entry.
    watch.stop = agent.cache.watch(parseTraceId(job.traceId), (spans) => {
      for (const span of spans) watch.buffer.push(span);
      watch.timer ??= setTimeout(() => flushWatch(watch), spanBatchMs);
    });
  }

  function flushWatch(watch: Watch): void {
    clearTimeout(watch.timer);
    watch.timer = undefined;
    while (watch.buffer.length > 0) {
      const spans = watch.buffer.splice(0, maxSpansPerChunk);
      watch.seq += 1;
      const chunk: Extract<AgentMessage, { type: 'spans' }> = {
        type: 'spans',
        jobId: watch.job.id,
        runId: watch.job.runId,
        traceId: watch.job.traceId,
        seq: watch.seq,
        otlpBase64: Buffer.from(encodeOtlpProtobuf(spans)).toString('base64'),
      };
      watch.unacked.set(watch.seq, chunk);
      send(chunk);
    }
  }

  function stopWatches(matches: (watch: Watch) => boolean): void {
    for (const watch of watches.values()) {
      if (!matches(watch) || !watch.stop) continue;
      watch.stop();
      watch.stop = undefined;
      clearTimeout(watch.expiry);
      flushWatch(watch);
      if (watch.unacked.size === 0) watches.delete(watch.job.id);
    }
  }

  function pruneJobs(): void {
    const oldest = nowMs() - resultRetentionMs;
    for (const [jobId, entry] of jobs) {
      if (entry.finishedAtMs !== undefined && entry.finishedAtMs < oldest) jobs.delete(jobId);
    }
    // Past the cap, delivered results go first, oldest first (the map keeps insertion order).
    for (const [jobId, entry] of jobs) {
      if (jobs.size <= MAX_KEPT_JOBS) break;
      if (entry.delivered) jobs.delete(jobId);
    }
  }

  function acceptJob(job: AgentJob): void {
    send({ type: 'job-ack', jobId: job.id });
    const known = jobs.get(job.id);
    if (known) {
      // Sent again: the control plane lost the result (or never got it): answer with the same one.
      if (known.outcome) {
        known.delivered = false;
        send({ type: 'job-result', jobId: job.id, outcome: known.outcome });
      }
      return;
    }
    pruneJobs();
    const entry: JobEntry = { job, delivered: false };
    jobs.set(job.id, entry);
    void runJob(job).then((outcome) => {
      entry.outcome = outcome;
      entry.finishedAtMs = nowMs();
      send({ type: 'job-result', jobId: job.id, outcome });
    });
  }

  async function runJob(job: AgentJob): Promise<AgentJobOutcome> {
    if (!JOB_KINDS.has(job.kind)) {
      return {
        ok: false,
        error: {
          code: 'REQUEST_INVALID',
          message: `this agent does not know jobs of kind "${job.kind}": upgrade the agent to the control plane's version`,
        },
      };
    }
    const fields: Record<string, string> = { jobId: job.id };
    if ('runId' in job) fields.runId = String(job.runId);
    try {
      const result = (await agent.runJob(job.kind, job as WorkJob, fields)) as AgentJobResult;
      return { ok: true, result };
    } catch (error) {
      return {
        ok: false,
        error: {
          code: isTracecheckError(error) ? error.code : 'INTERNAL',
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
  }

  function receive(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome': {
        if (!current) return;
        current.welcomed = true;
        if (message.warning) logger.warn({ serverVersion: message.serverVersion }, message.warning);
        logger.info(
          {
            organizationId: message.organizationId,
            environmentId: message.environmentId,
            protocol: message.protocolVersion,
          },
          'connected to the control plane',
        );
        options.onWelcome?.(message);
        resendUnacknowledged();
        return;
      }
      case 'job':
        acceptJob(message.job);
        return;
      case 'result-ack': {
        const entry = jobs.get(message.jobId);
        if (entry) entry.delivered = true;
        return;
      }
      case 'spans-ack': {
        const watch = watches.get(message.jobId);
        if (!watch) return;
        watch.unacked.delete(message.seq);
        if (!watch.stop && watch.unacked.size === 0) watches.delete(message.jobId);
        return;
      }
      case 'ping':
        current?.send({ type: 'pong' });
        return;
      case 'refused':
        logger.error({ reason: message.reason }, 'the control plane refused the link');
        options.onRefused?.(message.reason);
        return;
    }
  }

  return {
    open(transportSend) {
      if (closed) throw new Error('the agent link session is closed: create a new one');
      const connection = { send: transportSend, welcomed: false };
      current = connection;
      const pendingResults = [...jobs]
        .filter(([, entry]) => entry.outcome && !entry.delivered)
        .map(([jobId]) => jobId);
      transportSend({
        type: 'hello',
        agentVersion: options.agentVersion,
        protocolVersions: [...AGENT_LINK_PROTOCOL_VERSIONS],
        name: options.name,
        pendingResults,
      });
      const endpoint: AgentLinkEndpoint = {
        receive(raw) {
          if (current !== connection) return;
          const parsed = parseServerMessage(raw);
          if (parsed.ok) receive(parsed.message);
          else if (parsed.unknownType) logger.debug({ problem: parsed.problem }, 'ignored a link message');
          else logger.warn({ problem: parsed.problem }, 'the control plane sent a malformed link message');
        },
        close() {
          if (current === connection) current = undefined;
        },
      };
      return endpoint;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(resendTimer);
      current = undefined;
      for (const watch of watches.values()) {
        watch.stop?.();
        clearTimeout(watch.timer);
        clearTimeout(watch.expiry);
      }
      watches.clear();
      for (const controller of runAborts.values()) controller.abort(new Error('the agent link closed'));
    },
  };
}
