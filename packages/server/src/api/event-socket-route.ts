import fastifyWebsocket from '@fastify/websocket';
import { isTracecheckError, TracecheckError } from '@tracecheck/core';
import { toApiErrorBody } from '@tracecheck/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { EventBus, LiveEvent, Unsubscribe } from '../events/event-bus';
import type { Scope, Store } from '../store/store';
import { createLiveEventExpander } from './expand-live-events';
import { endsTarget, type LiveEventTarget, readTargetState, topicOfTarget } from './live-event-targets';

/** The path of the live-event WebSocket. */
export const EVENT_SOCKET_PATH = '/api/events/ws';

/** A ping every 15 s keeps proxies from closing the socket and finds clients that went away. */
export const DEFAULT_SOCKET_HEARTBEAT_MS = 15_000;

/** Client messages are small subscribe/unsubscribe requests. */
const MAX_CLIENT_MESSAGE_BYTES = 4096;

export interface EventSocketRouteOptions {
  readonly store: Store;
  readonly bus: EventBus;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
  /** The clock of computed times in payloads; default the system clock. */
  readonly now?: () => Date;
  /** Interval of the WebSocket ping; default 15 000 ms. */
  readonly heartbeatMs?: number;
}

const RUN_NUMBER = /^[1-9]\d{0,14}$/;

function invalid(message: string): TracecheckError {
  return new TracecheckError('REQUEST_INVALID', `invalid request: ${message}`);
}

/**
 * The target of `runId`, `suiteRunId` or `runGroupId` (at most one) given as query parameters or in a
 * subscribe message; neither means the whole environment.
 */
function readTarget(
  source: Record<string, unknown>,
  where: 'query parameter' | 'message field',
): LiveEventTarget {
  const given = (['runId', 'suiteRunId', 'runGroupId'] as const).filter(
    (key) => source[key] !== undefined && source[key] !== '',
  );
  if (given.length > 1) {
    throw invalid(
      `give one ${where} of "runId", "suiteRunId" or "runGroupId", not ${given.map((key) => `"${key}"`).join(' and ')} ` +
        '(each subscription follows one thing; send a subscribe message for each further one)',
    );
  }
  const key = given[0];
  if (key === undefined) return { kind: 'environment' };
  const value = source[key];
  if (key === 'runGroupId') {
    if (typeof value !== 'string')
      throw invalid(`${where} "runGroupId" must be a text (got ${JSON.stringify(value)})`);
    return { kind: 'run-group', runGroupId: value };
  }
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !RUN_NUMBER.test(text)) {
    throw invalid(`${where} "${key}" must be a run number: 1, 2, 3… (got ${JSON.stringify(value)})`);
  }
  return key === 'runId'
    ? { kind: 'run', runId: Number(text) }
    : { kind: 'suite-run', suiteRunId: Number(text) };
}

function readClientMessage(data: string): {
  readonly action: 'subscribe' | 'unsubscribe';
  target: LiveEventTarget;
} {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw invalid(
      `a message must be JSON such as {"type": "subscribe", "runId": 42} (got ${data.slice(0, 80)})`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('a message must be a JSON object such as {"type": "subscribe", "runId": 42}');
  }
  const message = value as Record<string, unknown>;
  if (message.type !== 'subscribe' && message.type !== 'unsubscribe') {
    throw invalid(
      `message field "type" must be "subscribe" or "unsubscribe" (got ${JSON.stringify(message.type) ?? 'nothing'})`,
    );
  }
  return { action: message.type, target: readTarget(message, 'message field') };
}

function toErrorMessage(error: unknown): Record<string, unknown> {
  const known = isTracecheckError(error)
    ? error
    : new TracecheckError('INTERNAL', 'the subscription failed on the server; try again');
  return { type: 'error', ...toApiErrorBody(known) };
}

/**
 * Serves live events over a WebSocket (`GET /api/events/ws`), beside the Server-Sent Events of
 * `/api/events/stream`, from whichever api replica the client reached (the event bus fans out).
 *
 * The query (`runId`, `suiteRunId` or `runGroupId`; none for the whole environment) opens the first
 * subscription; the client adds or drops others with `{"type": "subscribe" | "unsubscribe", "runId": 42}`
 * (or `suiteRunId`, `runGroupId`, or no id for the environment). Each subscription sends the current
 * state first, then every event, each one text message holding the LiveEvent JSON of the SSE stream.
 * A failed subscribe answers `{"type": "error", status, code, detail}`. A run's or suite run's
 * subscription ends after its final state; the socket closes (1000) once every subscription ended that
 * way. The server pings every `heartbeatMs`, drops a client that missed a pong, and closes every socket
 * when it stops (1001, or 1005 when the WebSocket plugin's own pre-close hook comes first). A bad query, an unknown target or a refused scope is answered over HTTP before
 * the upgrade. Call it before the server listens.
 * @example await registerEventSocketRoute(app, { store, bus, resolveScope });
 */
export async function registerEventSocketRoute(
  app: FastifyInstance,
  options: EventSocketRouteOptions,
): Promise<void> {
  if (!app.hasDecorator('websocketServer')) await app.register(fastifyWebsocket);
  const now = options.now ?? (() => new Date());
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_SOCKET_HEARTBEAT_MS;
  const accepted = new WeakMap<FastifyRequest, { readonly scope: Scope; readonly target: LiveEventTarget }>();
  const openSockets = new Set<WebSocket>();

  app.addHook('preClose', (done) => {
    for (const socket of openSockets) socket.close(1001, 'the server is stopping');
    done();
  });

  app.get(
    EVENT_SOCKET_PATH,
    {
      websocket: true,
      preValidation: async (request) => {
        const target = readTarget((request.query ?? {}) as Record<string, unknown>, 'query parameter');
        const scope = await options.resolveScope(request);
        // An unknown run is a 404 before the upgrade, as on the SSE stream.
        await readTargetState(options.store, scope, target, now());
        accepted.set(request, { scope, target });
      },
    },
    (socket, request) => {
      const context = accepted.get(request);
      if (context === undefined) {
        socket.close(1008, 'not accepted');
        return;
      }
      const { scope } = context;
      const subscriptions = new Map<string, { unsubscribe: Unsubscribe }>();
      let closed = false;
      openSockets.add(socket);
      // Runs travel slim on the bus: the client gets the whole run, read from the store.
      const expander = createLiveEventExpander({ store: options.store, scope, now, logger: request.log });

      const send = (value: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(value));
      };

      const endSubscription = (topic: string) => {
        const subscription = subscriptions.get(topic);
        if (subscription === undefined) return;
        subscriptions.delete(topic);
        subscription.unsubscribe();
        if (subscriptions.size === 0) socket.close(1000, 'everything this socket followed has ended');
      };

      const subscribe = async (target: LiveEventTarget) => {
        const topic = topicOfTarget(scope, target);
        if (subscriptions.has(topic)) return;
        const entry = { unsubscribe: (() => {}) as Unsubscribe };
        subscriptions.set(topic, entry);
        const buffered: LiveEvent[] = [];
        let deliver: ((event: LiveEvent) => void) | undefined;
        try {
          // Subscribe before reading the state: an event published in between is buffered, not lost.
          entry.unsubscribe = await options.bus.subscribe(topic, (event) => {
            if (deliver === undefined) buffered.push(event);
            else deliver(event);
          });
          if (closed || subscriptions.get(topic) !== entry) {
            entry.unsubscribe();
            return;
          }
          const current = await readTargetState(options.store, scope, target, now());
          const forward = (event: LiveEvent) => {
            if (closed || subscriptions.get(topic) !== entry) return;
            send(event);
            if (endsTarget(target, event)) endSubscription(topic);
          };
          // Through the socket's expander: in the bus's order across its subscriptions.
          if (current !== undefined) expander.push(current, forward);
          for (const event of buffered) expander.push(event, forward);
          deliver = (event) => expander.push(event, forward);
        } catch (error) {
          entry.unsubscribe();
          if (subscriptions.get(topic) === entry) subscriptions.delete(topic);
          throw error;
        }
      };

      const unsubscribe = (target: LiveEventTarget) => {
        const topic = topicOfTarget(scope, target);
        subscriptions.get(topic)?.unsubscribe();
        subscriptions.delete(topic);
      };

      let alive = true;
      const heartbeat = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, heartbeatMs);
      socket.on('pong', () => {
        alive = true;
      });

      socket.on('message', (data, isBinary) => {
        const size = Array.isArray(data)
          ? data.reduce((sum, part) => sum + part.byteLength, 0)
          : data.byteLength;
        if (isBinary || size > MAX_CLIENT_MESSAGE_BYTES) {
          socket.close(1003, `send JSON text messages of at most ${MAX_CLIENT_MESSAGE_BYTES} bytes`);
          return;
        }
        let message: ReturnType<typeof readClientMessage>;
        try {
          message = readClientMessage(String(data));
        } catch (error) {
          send(toErrorMessage(error));
          return;
        }
        if (message.action === 'unsubscribe') {
          unsubscribe(message.target);
          return;
        }
        subscribe(message.target).catch((error: unknown) => {
          if (!isTracecheckError(error))
            request.log.error({ err: error }, 'a live-event subscription failed');
          send(toErrorMessage(error));
        });
      });

      socket.on('close', () => {
        closed = true;
        expander.stop();
        clearInterval(heartbeat);
        openSockets.delete(socket);
        for (const subscription of subscriptions.values()) subscription.unsubscribe();
        subscriptions.clear();
      });
      socket.on('error', (error) => request.log.debug({ err: error }, 'live-event socket error'));

      subscribe(context.target).catch((error: unknown) => {
        if (!isTracecheckError(error)) request.log.error({ err: error }, 'a live-event subscription failed');
        send(toErrorMessage(error));
        socket.close(1011, 'the subscription failed');
      });
    },
  );
}
