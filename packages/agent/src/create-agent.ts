import { TracecheckError } from '@tracecheck/core';
import { createSpanCache, type SpanCache } from './cache/span-cache';
import { type AgentOptions, parseAgentOptions, type ResolvedAgentConfig } from './config/agent-config';
import { createLogger, type Logger } from './logging/create-logger';
import { type AgentMetrics, registerAgentMetrics } from './metrics/agent-metrics';
import { createMetricsRegistry, type MetricsRegistry } from './metrics/metrics-registry';
import type { ListeningAddress } from './receivers/listening-address';
import { createOtlpGrpcReceiver, type OtlpGrpcReceiver } from './receivers/otlp-grpc-receiver';
import { createOtlpHttpReceiver, type OtlpHttpReceiver } from './receivers/otlp-http-receiver';
import { createOtlpIngest } from './receivers/otlp-ingest';

/** Where the receivers listen; `null` for a receiver that is disabled. */
export interface AgentAddresses {
  readonly otlpHttp: ListeningAddress | null;
  readonly otlpGrpc: ListeningAddress | null;
}

/** What a job handler gets besides its input. */
export interface JobContext {
  readonly cache: SpanCache;
  /** A child of the agent's logger with `job` and the caller's fields (run id, test id, ...). */
  readonly logger: Logger;
  /** Aborted when the agent stops and the job outlives the shutdown timeout. */
  readonly signal: AbortSignal;
}

/**
 * Does one kind of work the control plane asks of the agent (fire a trigger, poll a trace source).
 * The input arrives as received; the handler parses it.
 */
export type JobHandler = (input: unknown, context: JobContext) => Promise<unknown>;

/** Injected dependencies; each has a production default. */
export interface AgentDependencies {
  readonly logger?: Logger;
  readonly metrics?: MetricsRegistry;
  /** Milliseconds for the span cache's time to live. */
  readonly nowMs?: () => number;
}

/**
 * An agent: OTLP receivers feeding a span cache, metrics and a table of job handlers. The same object
 * runs in-process beside the control plane (embedded mode) and as the `tracecheck agent` process.
 */
export interface Agent {
  readonly config: ResolvedAgentConfig;
  readonly cache: SpanCache;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  /** Binds the receivers (port 0 picks a free port) and returns where they listen. */
  start(): Promise<AgentAddresses>;
  /** The addresses of a started agent; `null` before `start()` resolved and after `stop()`. */
  addresses(): AgentAddresses | null;
  /**
   * Graceful stop: the receivers stop accepting, requests and jobs in flight get up to
   * `shutdownTimeoutMs` to finish, then everything is closed. Safe to call twice.
   */
  stop(): Promise<void>;
  /** Registers the handler of a job kind (e.g. `trigger`); each kind has one handler. */
  registerJobHandler(kind: string, handler: JobHandler): void;
  /**
   * Runs a job with the handler of its kind, counted in `tracecheck_agent_jobs_total` and
   * `tracecheck_agent_job_failures_total`; `logFields` are added to every log line of the job.
   */
  runJob(kind: string, input: unknown, logFields?: Readonly<Record<string, string>>): Promise<unknown>;
}

/**
 * Creates an agent from options given in code (defaults fill the rest; no environment is read: the
 * CLI resolves flags, environment and file with `resolveAgentConfig` and passes the result).
 * @example
 * const agent = createAgent({ otlpServer: { httpPort: 0, grpcPort: 0, host: '127.0.0.1' } });
 * const { otlpHttp } = await agent.start(); // otlpHttp.endpoint === 'http://127.0.0.1:39123'
 * const stop = agent.cache.watch(traceId, (spans) => console.log(spans.length));
 * await agent.stop();
 */
export function createAgent(options: AgentOptions = {}, dependencies: AgentDependencies = {}): Agent {
  const config = parseAgentOptions(options);
  const logger = dependencies.logger ?? createLogger({ level: config.logLevel });
  const registry = dependencies.metrics ?? createMetricsRegistry();
  const nowMs = dependencies.nowMs ?? (() => performance.now());
  const metrics: AgentMetrics = registerAgentMetrics(registry);

  const cache = createSpanCache({
    ttlMs: config.spanCache.ttlMs,
    maxBytes: config.spanCache.maxBytes,
    nowMs,
    onEvict: (traceId, spanCount, reason) => {
      metrics.tracesEvicted.labels({ reason }).inc();
      metrics.spansEvicted.labels({ reason }).inc(spanCount);
      logger.debug({ traceId, spanCount, reason }, 'trace evicted from the span cache');
    },
    onListenerError: (error, traceId) => {
      logger.error({ err: error, traceId }, 'a span cache watcher threw; the spans stay cached');
    },
  });
  registerCacheGauges(registry, cache);

  const ingest = createOtlpIngest({
    cache,
    metrics,
    logger: logger.child({ component: 'otlp' }),
    maxConcurrentExports: config.otlpServer.maxConcurrentExports,
    retryAfterSeconds: config.otlpServer.retryAfterSeconds,
    nowMs,
  });

  const handlers = new Map<string, JobHandler>();
  const runningJobs = new Set<Promise<unknown>>();
  const jobsAbort = new AbortController();

  let state: 'created' | 'starting' | 'started' | 'stopping' | 'stopped' = 'created';
  let listening: AgentAddresses | null = null;
  let receivers: { http: OtlpHttpReceiver | null; grpc: OtlpGrpcReceiver | null } = {
    http: null,
    grpc: null,
  };
  let sweepTimer: NodeJS.Timeout | undefined;
  let stopped: Promise<void> | undefined;

  async function closeReceivers(timeoutMs: number): Promise<void> {
    await Promise.all([receivers.http?.close(timeoutMs), receivers.grpc?.close(timeoutMs)]);
  }

  return {
    config,
    cache,
    metrics: registry,
    logger,

    async start() {
      if (state !== 'created') {
        throw new TracecheckError(
          'CONFLICT',
          `agent.start() called on an agent that is ${state}: create a new agent`,
        );
      }
      state = 'starting';
      const { otlpServer } = config;
      receivers = {
        http: otlpServer.httpEnabled
          ? createOtlpHttpReceiver({
              host: otlpServer.host,
              port: otlpServer.httpPort,
              maxMessageBytes: otlpServer.maxMessageBytes,
              requestTimeoutMs: otlpServer.requestTimeoutMs,
              corsAllowedOrigins: otlpServer.corsAllowedOrigins,
              ingest,
              renderMetrics: () => registry.render(),
              logger: logger.child({ component: 'otlp-http' }),
            })
          : null,
        grpc: otlpServer.grpcEnabled
          ? createOtlpGrpcReceiver({
              host: otlpServer.host,
              port: otlpServer.grpcPort,
              maxMessageBytes: otlpServer.maxMessageBytes,
              maxConcurrentExports: otlpServer.maxConcurrentExports,
              ingest,
              logger: logger.child({ component: 'otlp-grpc' }),
            })
          : null,
      };
      const [http, grpc] = await Promise.allSettled([receivers.http?.listen(), receivers.grpc?.listen()]);
      if (http.status === 'rejected' || grpc.status === 'rejected') {
        await closeReceivers(0);
        state = 'stopped';
        const failure = http.status === 'rejected' ? http : (grpc as PromiseRejectedResult);
        const which = http.status === 'rejected' ? 'OTLP/HTTP' : 'OTLP/gRPC';
        const port = http.status === 'rejected' ? otlpServer.httpPort : otlpServer.grpcPort;
        throw new TracecheckError(
          'CONFIG_INVALID',
          `the ${which} receiver could not listen on ${otlpServer.host}:${port} (${String(failure.reason)}): choose another port or stop the process that holds it`,
          undefined,
          { cause: failure.reason },
        );
      }
      listening = { otlpHttp: http.value ?? null, otlpGrpc: grpc.value ?? null };
      sweepTimer = setInterval(() => cache.sweep(), config.spanCache.sweepIntervalMs);
      sweepTimer.unref();
      state = 'started';
      logger.info(
        {
          otlpHttp: listening.otlpHttp?.endpoint ?? 'disabled',
          otlpGrpc: listening.otlpGrpc?.endpoint ?? 'disabled',
        },
        'agent started',
      );
      return listening;
    },

    addresses: () => listening,

    stop() {
      stopped ??= (async () => {
        state = 'stopping';
        clearInterval(sweepTimer);
        const timeoutMs = config.shutdownTimeoutMs;
        const jobsDone = Promise.allSettled([...runningJobs]);
        let deadline: NodeJS.Timeout | undefined;
        const jobsOrTimeout = Promise.race([
          jobsDone,
          new Promise<void>((resolve) => {
            deadline = setTimeout(() => {
              jobsAbort.abort(
                new TracecheckError('AGENT_UNAVAILABLE', 'the agent stopped before the job finished'),
              );
              resolve();
            }, timeoutMs);
          }),
        ]);
        await Promise.all([closeReceivers(timeoutMs), jobsOrTimeout]);
        clearTimeout(deadline);
        listening = null;
        state = 'stopped';
        logger.info('agent stopped');
      })();
      return stopped;
    },

    registerJobHandler(kind, handler) {
      if (handlers.has(kind)) {
        throw new TracecheckError(
          'CONFLICT',
          `a handler for jobs of kind "${kind}" is already registered: register each kind once`,
        );
      }
      handlers.set(kind, handler);
    },

    runJob(kind, input, logFields = {}) {
      const handler = handlers.get(kind);
      if (!handler) {
        const known = [...handlers.keys()].join(', ') || 'none';
        return Promise.reject(
          new TracecheckError(
            'REQUEST_INVALID',
            `no handler for jobs of kind "${kind}" (registered: ${known}): register one with agent.registerJobHandler`,
          ),
        );
      }
      if (state === 'stopping' || state === 'stopped') {
        return Promise.reject(
          new TracecheckError('AGENT_UNAVAILABLE', `the agent is ${state}: job "${kind}" was not started`),
        );
      }
      metrics.jobsStarted.labels({ kind }).inc();
      const jobLogger = logger.child({ job: kind, ...logFields });
      const run = (async () => {
        try {
          return await handler(input, { cache, logger: jobLogger, signal: jobsAbort.signal });
        } catch (error) {
          metrics.jobFailures.labels({ kind }).inc();
          jobLogger.warn({ err: error }, 'job failed');
          throw error;
        }
      })();
      runningJobs.add(run);
      const forget = () => runningJobs.delete(run);
      run.then(forget, forget);
      return run;
    },
  };
}

function registerCacheGauges(registry: MetricsRegistry, cache: SpanCache): void {
  registry.gauge({
    name: 'tracecheck_agent_cache_traces',
    help: 'Traces held in the span cache.',
    collect: (gauge) => gauge.set(cache.stats().traces),
  });
  registry.gauge({
    name: 'tracecheck_agent_cache_spans',
    help: 'Spans held in the span cache.',
    collect: (gauge) => gauge.set(cache.stats().spans),
  });
  registry.gauge({
    name: 'tracecheck_agent_cache_bytes',
    help: 'Bytes held by the span cache: the OTLP messages it keeps plus its bookkeeping.',
    collect: (gauge) => gauge.set(cache.stats().bytes),
  });
  registry.gauge({
    name: 'tracecheck_agent_cache_watched_traces',
    help: 'Trace ids a run is watching.',
    collect: (gauge) => gauge.set(cache.stats().watchedTraces),
  });
}
