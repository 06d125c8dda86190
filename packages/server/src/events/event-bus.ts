import { TracecheckError } from '@tracecheck/core';

/**
 * Live events fan-out: every state change of a run (and each step of a suite) is published here and
 * pushed to subscribers (SSE / WebSocket clients) from whichever api replica they are connected to.
 * Two adapters: in-process and NATS core pub/sub; both pass `describeEventBus()`.
 */

export const LIVE_EVENT_TYPES = ['run', 'suite-run', 'run-event', 'spans', 'run-group'] as const;

export interface LiveEvent {
  readonly type: (typeof LIVE_EVENT_TYPES)[number];
  readonly organizationId: string;
  readonly environmentId: string;
  /** Test run id or suite run id; 0 for a `run-group` event. */
  readonly runId: number;
  /** The group of a `run-group` event (its summary changed). */
  readonly runGroupId?: string;
  readonly testId?: string;
  readonly suiteId?: string;
  readonly state?: string;
  /** JSON-serialisable: the NATS adapter sends it as JSON. */
  readonly payload?: unknown;
  /**
   * True when `payload` is a slim view (a `run` or `suite-run` without results, outputs, linter or
   * gates, which can weigh megabytes): the live-event routes load the whole run from the store before
   * sending it to a client, so only counts, state and times travel on the bus.
   */
  readonly partial?: boolean;
}

export type Unsubscribe = () => void;

export interface EventBus {
  /** Rejects when the event's ids cannot form a topic (see `assertTopic`). */
  publish(event: LiveEvent): Promise<void>;
  /**
   * `topic` is `<org>.<env>` for everything of an environment, or `<org>.<env>.run.<id>` / `.suite.<id>`.
   * Resolves once events published afterwards (from any replica) are delivered. Listeners must not
   * mutate the event, and should not throw (a throw is logged and the other listeners still run).
   */
  subscribe(topic: string, listener: (event: LiveEvent) => void): Promise<Unsubscribe>;
  /** Stops delivering; publish and subscribe reject afterwards. Idempotent. */
  close(): Promise<void>;
}

/** The topics an event is delivered on. */
export function topicsOf(event: LiveEvent): string[] {
  const base = `${event.organizationId}.${event.environmentId}`;
  if (event.type === 'run-group') return [base, `${base}.group.${event.runGroupId ?? ''}`];
  const kind = event.type === 'suite-run' ? 'suite' : 'run';
  return [base, `${base}.${kind}.${event.runId}`];
}

/** An id usable as one topic token: no dot (the separator), no space, no NATS wildcard. */
const TOPIC_TOKEN = /^[^\s.*>]+$/;

/**
 * Rejects a topic that is not `<org>.<env>`, `<org>.<env>.run.<id>` or `<org>.<env>.suite.<id>`.
 * Ids with dots or wildcards would reach other tenants' events on NATS, so they never get through.
 * @example assertTopic('acme.production.run.42')
 */
export function assertTopic(topic: string): void {
  const tokens = topic.split('.');
  const valid =
    tokens.every((token) => TOPIC_TOKEN.test(token)) &&
    (tokens.length === 2 ||
      (tokens.length === 4 &&
        (/^(run|suite)$/.test(tokens[2]!) ? /^\d+$/.test(tokens[3]!) : tokens[2] === 'group')));
  if (!valid) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `live-event topic "${topic}" is not "<org>.<env>", "<org>.<env>.run.<id>", "<org>.<env>.suite.<id>" ` +
        'or "<org>.<env>.group.<id>" (ids without dots, spaces, * or >): subscribe to an environment, a run, ' +
        'a suite run or a run group',
    );
  }
}
