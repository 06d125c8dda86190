import type { Logger } from 'pino';
import type { LiveEvent } from '../events/event-bus';
import type { Scope, Store } from '../store/store';
import { readTargetState } from './live-event-targets';

export interface LiveEventExpanderOptions {
  readonly store: Store;
  /** The scope of the connection: runs are read in it only. */
  readonly scope: Scope;
  readonly now: () => Date;
  readonly logger?: Pick<Logger, 'warn'>;
}

/** Where one event goes: a connection, or one subscription of it. */
export type SendLiveEvent = (event: LiveEvent) => void;

export interface LiveEventExpander {
  /**
   * Takes the next event of the bus; `send` gets it (whole when it was partial) after everything
   * pushed before, whichever `send` those had: a connection's subscriptions keep the bus's order.
   */
  push(event: LiveEvent, send: SendLiveEvent): void;
  /** Drops what is queued; no `send` is called afterwards. */
  stop(): void;
}

interface Queued {
  readonly event: LiveEvent;
  readonly send: SendLiveEvent;
  /** A slim run or suite run, to read from the store. */
  readonly load: boolean;
}

/**
 * Turns the slim `run` / `suite-run` events of the bus (`partial: true`) back into the whole run as
 * the API answers it, read from the store, for one client connection; other events pass unchanged.
 * Events keep their order. Slim events of one run for one `send` queued at once make one read (at
 * the last one's place in the order: the store has the newest state anyway). A run that can no
 * longer be read (deleted) is sent as the slim event.
 * @example const expander = createLiveEventExpander({ store, scope, now }); await bus.subscribe(topic, (event) => expander.push(event, send))
 */
export function createLiveEventExpander(options: LiveEventExpanderOptions): LiveEventExpander {
  const queue: Queued[] = [];
  let draining = false;
  let stopped = false;

  async function expand(event: LiveEvent): Promise<LiveEvent> {
    try {
      const target =
        event.type === 'run'
          ? ({ kind: 'run', runId: event.runId } as const)
          : ({ kind: 'suite-run', suiteRunId: event.runId } as const);
      return (await readTargetState(options.store, options.scope, target, options.now())) ?? event;
    } catch (error) {
      options.logger?.warn({ err: error, runId: event.runId }, 'a live run could not be read; sent slim');
      return event;
    }
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      for (let item = queue.shift(); item !== undefined && !stopped; item = queue.shift()) {
        const event = item.load ? await expand(item.event) : item.event;
        if (!stopped) item.send(event);
      }
    } finally {
      draining = false;
    }
  }

  return {
    push(event, send) {
      if (stopped) return;
      const load = event.partial === true && (event.type === 'run' || event.type === 'suite-run');
      if (load) {
        const earlier = queue.findIndex(
          (item) =>
            item.load &&
            item.send === send &&
            item.event.type === event.type &&
            item.event.runId === event.runId,
        );
        if (earlier >= 0) queue.splice(earlier, 1);
      }
      queue.push({ event, send, load });
      void drain();
    },
    stop() {
      stopped = true;
      queue.length = 0;
    },
  };
}
