import { hostname } from 'node:os';
import { TracecheckError } from '@tracecheck/core';
import type { Logger } from 'pino';
import type { AgentHub } from '../agent-link/agent-hub';
import type { EventBus } from '../events/event-bus';
import type { Queue, Stage } from '../queue/queue';
import type { SecretBox } from '../store/secret-box';
import type { Store } from '../store/store';

/** Settings of the run pipeline; every field has a default. */
export interface PipelineConfig {
  /**
   * How long no new span may arrive before a trace whose selectors all match and whose spans all have
   * their parents counts as complete. Default 300 ms.
   */
  readonly settleMs?: number;
  /**
   * How long after the last new span a span whose parent has not arrived still holds the trace back.
   * Default 5 s: batching exporters send a parent that ends after its children up to 5 s later.
   */
  readonly missingParentGraceMs?: number;
  /** The limit of a trigger (connection, redirects, response). Default 30 s. */
  readonly triggerTimeoutMs?: number;
  /** A stage that runs long tells the queue it is alive this often. Default 5 s (keep it below the ack timeout). */
  readonly heartbeatMs?: number;
  /** Messages each stage handles at once in this process. */
  readonly concurrency?: Partial<Readonly<Record<Stage, number>>>;
  /** The polling profile used when none is stored (SPEC §1.7 built-in default: every 5 s, for 1 min). */
  readonly defaultPolling?: { readonly retryDelayMs: number; readonly timeoutMs: number };
  /** Names this process in run events (which worker triggered or collected a run). Default `<host>/<pid>`. */
  readonly workerName?: string;
}

export interface ResolvedPipelineConfig {
  readonly settleMs: number;
  readonly missingParentGraceMs: number;
  readonly triggerTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly concurrency: Readonly<Record<Stage, number>>;
  readonly defaultPolling: { readonly retryDelayMs: number; readonly timeoutMs: number };
  readonly workerName: string;
}

const DEFAULT_CONCURRENCY: Readonly<Record<Stage, number>> = {
  trigger: 32,
  // A collecting run mostly waits for spans: many at once cost little.
  collect: 512,
  evaluate: 4,
  finish: 16,
  'suite-step': 8,
};

/**
 * Fills the defaults of the pipeline settings and checks them.
 * @example resolvePipelineConfig({ settleMs: 100 }).triggerTimeoutMs // 30000
 */
export function resolvePipelineConfig(config: PipelineConfig = {}): ResolvedPipelineConfig {
  const resolved: ResolvedPipelineConfig = {
    settleMs: config.settleMs ?? 300,
    missingParentGraceMs: config.missingParentGraceMs ?? 5000,
    triggerTimeoutMs: config.triggerTimeoutMs ?? 30_000,
    heartbeatMs: config.heartbeatMs ?? 5000,
    concurrency: { ...DEFAULT_CONCURRENCY, ...config.concurrency },
    defaultPolling: config.defaultPolling ?? { retryDelayMs: 5000, timeoutMs: 60_000 },
    workerName: config.workerName ?? `${hostname()}/${process.pid}`,
  };
  // Windows may be 0 (no wait); limits and intervals must be positive.
  const durations: [name: string, valueMs: number, mayBeZero: boolean][] = [
    ['settleMs', resolved.settleMs, true],
    ['missingParentGraceMs', resolved.missingParentGraceMs, true],
    ['triggerTimeoutMs', resolved.triggerTimeoutMs, false],
    ['heartbeatMs', resolved.heartbeatMs, false],
    ['defaultPolling.retryDelayMs', resolved.defaultPolling.retryDelayMs, false],
    ['defaultPolling.timeoutMs', resolved.defaultPolling.timeoutMs, false],
  ];
  for (const [name, valueMs, mayBeZero] of durations) {
    if (!Number.isFinite(valueMs) || valueMs < 0 || (!mayBeZero && valueMs === 0)) {
      throw new TracecheckError(
        'CONFIG_INVALID',
        `pipeline ${name} is ${String(valueMs)}: expected a number of milliseconds ${mayBeZero ? 'of 0 or more' : 'above 0'}`,
      );
    }
  }
  for (const [stage, value] of Object.entries(resolved.concurrency)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new TracecheckError(
        'CONFIG_INVALID',
        `pipeline concurrency of stage "${stage}" is ${String(value)}: expected a whole number of at least 1`,
      );
    }
  }
  return resolved;
}

/** What every stage works with: injected, so tests give real adapters and fake only time and ids. */
export interface PipelineContext {
  readonly store: Store;
  readonly queue: Queue;
  readonly bus: EventBus;
  readonly agents: AgentHub;
  readonly logger: Logger;
  readonly config: ResolvedPipelineConfig;
  /** Opens secret run variables; without one they are stored as given. */
  readonly secretBox: SecretBox | undefined;
  /** Wall clock, Unix ms. */
  readonly nowMs: () => number;
  /** Uniform in [0, 1): the functions of expressions (`uuid()`, `randomInt()`). */
  readonly random: () => number;
  /** Random bytes: trace ids (16) and trigger span ids (8). */
  readonly randomBytes: (size: number) => Uint8Array;
  /**
   * Aborted when the workers stop: waits end and the stage throws, so its message goes to another
   * worker instead of failing the run.
   */
  readonly signal: AbortSignal;
}
