/**
 * The agent link: the messages an agent and the control plane exchange. The agent dials out (a
 * WebSocket to `/api/agent/link`), authenticates with an environment agent key, and receives jobs.
 * Jobs are re-sent until the agent answers, so every job has a stable id and the agent answers a
 * repeated job with the result it already has (a trigger never fires twice). Results and span chunks
 * are re-sent by the agent until the control plane acknowledges them. In embedded mode the same
 * messages travel in-process (`AgentLinkEndpoint`).
 *
 * Both sides ignore messages of a type they do not know, so a newer peer can add messages without
 * breaking an older one; a change of meaning gets a new protocol version.
 */

/** Versions of this protocol a side speaks; the highest common one is used. */
export const AGENT_LINK_PROTOCOL_VERSIONS = [1] as const;
export type AgentLinkProtocolVersion = (typeof AGENT_LINK_PROTOCOL_VERSIONS)[number];

/** The path of the link's WebSocket on the control plane. */
export const AGENT_LINK_PATH = '/api/agent/link';

/** Picks the highest version both sides speak, or undefined when they share none. */
export function negotiateProtocolVersion(offered: readonly number[]): AgentLinkProtocolVersion | undefined {
  let best: AgentLinkProtocolVersion | undefined;
  for (const v of AGENT_LINK_PROTOCOL_VERSIONS)
    if (offered.includes(v) && (best === undefined || v > best)) best = v;
  return best;
}

export interface JobScope {
  readonly organizationId: string;
  readonly environmentId: string;
}

/**
 * A trigger as SPEC §2 writes it (`{ type, httpRequest | grpc | … }`), as the test defines it: the
 * agent applies the job's variables (SPEC §2.2), so one resolver serves every trigger.
 */
export type TriggerJson = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A data store configuration as SPEC §1.8 writes it (`{ type, jaeger | tempo | … }`). */
export type DataStoreJson = { readonly type: string } & Readonly<Record<string, unknown>>;

/** A variable of the run's context (SPEC §6.2), already merged in precedence order (a later key wins). */
export interface LinkVariable {
  readonly key: string;
  readonly value: string;
  readonly type: 'raw' | 'secret';
}

export type AgentJob =
  | {
      readonly kind: 'trigger';
      readonly id: string;
      readonly scope: JobScope;
      readonly runId: number;
      readonly traceId: string;
      /** The trigger span's id: the parent the trigger propagates. */
      readonly spanId: string;
      readonly trigger: TriggerJson;
      readonly variables: readonly LinkVariable[];
      readonly timeoutMs: number;
    }
  | {
      /** Push every span of `traceId` to the control plane as it arrives, until `stop-watch`. */
      readonly kind: 'watch-trace';
      readonly id: string;
      readonly scope: JobScope;
      readonly runId: number;
      readonly traceId: string;
    }
  | {
      readonly kind: 'stop-watch';
      readonly id: string;
      readonly scope: JobScope;
      readonly runId: number;
      readonly traceId: string;
    }
  | {
      /** Fetch the trace from an external backend (one fetch; the control plane schedules retries). */
      readonly kind: 'poll';
      readonly id: string;
      readonly scope: JobScope;
      readonly runId: number;
      readonly traceId: string;
      readonly dataStore: DataStoreJson;
    }
  | {
      readonly kind: 'test-connection';
      readonly id: string;
      readonly scope: JobScope;
      readonly dataStore: DataStoreJson;
    }
  /** The run was stopped: abort its trigger and end its watches. */
  | { readonly kind: 'stop'; readonly id: string; readonly scope: JobScope; readonly runId: number };

export type AgentJobKind = AgentJob['kind'];

/** Job kinds every agent of the environment receives (spans may reach any of them). */
export const BROADCAST_JOB_KINDS: readonly AgentJobKind[] = ['watch-trace', 'stop-watch', 'stop'];

/** SPEC §2.11 `error` of a trigger result, with a hint of what to try. */
export interface TriggerErrorJson {
  readonly connectionError: boolean;
  readonly runningOnContainer: boolean;
  readonly targetsLocalhost: boolean;
  readonly message: string;
  readonly hint?: string;
}

/** SPEC §2.11 trigger result: `{ type, http | grpc | traceid | kafka | graphql: response }` or `{ type, error }`. */
export type TriggerResultJson = { readonly type: string; readonly error?: TriggerErrorJson } & Readonly<
  Record<string, unknown>
>;

/** Result of a trigger job, with its timings (Unix ms). */
export interface TriggerJobResult {
  readonly kind: 'trigger';
  readonly startedAtMs: number;
  readonly completedAtMs: number;
  /** The trace id the run really uses (trace-id based triggers name their own). */
  readonly traceId: string;
  /**
   * The trigger with the variables applied; absent when resolving failed (the result then has an
   * error). May hold secret values: the control plane masks them before storing.
   */
  readonly resolvedTrigger?: TriggerJson;
  readonly result: TriggerResultJson;
}

export interface PollJobResult {
  readonly kind: 'poll';
  readonly found: boolean;
  /** OTLP/protobuf `ExportTraceServiceRequest`, base64. */
  readonly otlpBase64?: string;
  /** Why the backend could not answer (unreachable, refused the credentials…). */
  readonly error?: string;
}

export interface TestConnectionJobResult {
  readonly kind: 'test-connection';
  readonly passed: boolean;
  readonly steps: readonly {
    readonly step: string;
    readonly passed: boolean;
    readonly message: string;
    readonly error?: string;
  }[];
}

export type AgentJobResult =
  | TriggerJobResult
  | PollJobResult
  | TestConnectionJobResult
  | { readonly kind: 'watch-trace' | 'stop-watch' | 'stop'; readonly ok: true };

/** How a job ended on the agent: its result, or why it could not run at all. */
export type AgentJobOutcome =
  | { readonly ok: true; readonly result: AgentJobResult }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** Agent → control plane. */
export type AgentMessage =
  | {
      readonly type: 'hello';
      readonly agentVersion: string;
      readonly protocolVersions: readonly number[];
      readonly name: string;
      /** Job ids the agent has results for whose delivery was not acknowledged (re-sent after welcome). */
      readonly pendingResults: readonly string[];
    }
  | { readonly type: 'job-ack'; readonly jobId: string }
  | { readonly type: 'job-result'; readonly jobId: string; readonly outcome: AgentJobOutcome }
  /** Spans of a watched trace as OTLP/protobuf (base64); `seq` numbers the chunks of one watch from 1. */
  | {
      readonly type: 'spans';
      readonly jobId: string;
      readonly runId: number;
      readonly traceId: string;
      readonly seq: number;
      readonly otlpBase64: string;
    }
  | { readonly type: 'pong' };

/** Control plane → agent. */
export type ServerMessage =
  | {
      readonly type: 'welcome';
      readonly protocolVersion: AgentLinkProtocolVersion;
      readonly serverVersion: string;
      readonly environmentId: string;
      readonly organizationId: string;
      /** Set when the versions differ: the link works, but the user should upgrade. */
      readonly warning?: string;
    }
  | { readonly type: 'job'; readonly job: AgentJob }
  | { readonly type: 'result-ack'; readonly jobId: string }
  | { readonly type: 'spans-ack'; readonly jobId: string; readonly seq: number }
  | { readonly type: 'ping' }
  /** The link cannot work (no common protocol version); the connection closes after it. */
  | { readonly type: 'refused'; readonly reason: string };

/**
 * The agent's end of a link carried in-process (embedded mode): the control plane calls `receive`
 * with each of its messages and `close` when it lets go; the agent answers through the `send` it was
 * opened with.
 */
export interface AgentLinkEndpoint {
  receive(message: ServerMessage): void;
  close(): void;
}

/** Opens the agent's end of an in-process link; `send` delivers the agent's messages to the control plane. */
export type OpenAgentLinkEndpoint = (send: (message: AgentMessage) => void) => AgentLinkEndpoint;

export type ParsedLinkMessage<M> =
  | { readonly ok: true; readonly message: M }
  /** `unknown`: a message type this side does not know (ignored); otherwise a malformed message. */
  | { readonly ok: false; readonly unknownType: boolean; readonly problem: string };

const AGENT_MESSAGE_FIELDS: Readonly<Record<AgentMessage['type'], Readonly<Record<string, FieldType>>>> = {
  hello: { agentVersion: 'string', protocolVersions: 'array', name: 'string', pendingResults: 'array' },
  'job-ack': { jobId: 'string' },
  'job-result': { jobId: 'string', outcome: 'object' },
  spans: { jobId: 'string', runId: 'number', traceId: 'string', seq: 'number', otlpBase64: 'string' },
  pong: {},
};

const SERVER_MESSAGE_FIELDS: Readonly<Record<ServerMessage['type'], Readonly<Record<string, FieldType>>>> = {
  welcome: {
    protocolVersion: 'number',
    serverVersion: 'string',
    environmentId: 'string',
    organizationId: 'string',
  },
  job: { job: 'object' },
  'result-ack': { jobId: 'string' },
  'spans-ack': { jobId: 'string', seq: 'number' },
  ping: {},
  refused: { reason: 'string' },
};

type FieldType = 'string' | 'number' | 'array' | 'object';

function checkMessage<M>(
  value: unknown,
  table: Readonly<Record<string, Readonly<Record<string, FieldType>>>>,
): ParsedLinkMessage<M> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, unknownType: false, problem: `expected a JSON object, got ${describe(value)}` };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string') {
    return { ok: false, unknownType: false, problem: `expected a string "type", got ${describe(type)}` };
  }
  const fields = Object.hasOwn(table, type) ? table[type] : undefined;
  if (!fields) return { ok: false, unknownType: true, problem: `unknown message type "${type}"` };
  for (const [field, expected] of Object.entries(fields)) {
    const actual = record[field];
    const okType =
      expected === 'array'
        ? Array.isArray(actual)
        : expected === 'object'
          ? typeof actual === 'object' && actual !== null && !Array.isArray(actual)
          : typeof actual === expected;
    if (!okType) {
      return {
        ok: false,
        unknownType: false,
        problem: `message "${type}": field "${field}" should be ${expected === 'array' ? 'an array' : `a${expected === 'object' ? 'n' : ''} ${expected}`}, got ${describe(actual)}`,
      };
    }
  }
  return { ok: true, message: value as M };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Checks a decoded message from an agent: its type and the types of its fields (the control plane's
 * edge of the link).
 * @example parseAgentMessage(JSON.parse(text))
 */
export function parseAgentMessage(value: unknown): ParsedLinkMessage<AgentMessage> {
  return checkMessage<AgentMessage>(value, AGENT_MESSAGE_FIELDS);
}

/** Checks a decoded message from the control plane (the agent's edge of the link). */
export function parseServerMessage(value: unknown): ParsedLinkMessage<ServerMessage> {
  return checkMessage<ServerMessage>(value, SERVER_MESSAGE_FIELDS);
}
