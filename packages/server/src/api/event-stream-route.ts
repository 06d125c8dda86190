import { TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { EventBus, LiveEvent } from '../events/event-bus';
import type { Scope, Store } from '../store/store';
import { type ApiRoute, defineRoute } from './api-route';
import { ApiErrorBodySchema, EventStreamQuerySchema, LiveEventSchema } from './api-schemas';
import { createLiveEventExpander } from './expand-live-events';
import { endsTarget, type LiveEventTarget, readTargetState, topicOfTarget } from './live-event-targets';

/** Proxies drop connections that stay silent; a comment line every 15 s keeps them open. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

interface EventStreamDeps {
  readonly store: Store;
  readonly bus: EventBus;
  readonly resolveScope: (request: FastifyRequest) => Promise<Scope>;
  readonly now: () => Date;
  readonly heartbeatMs: number;
  /** Closers of the open streams, called when the server shuts down (an open stream would hold it up). */
  readonly openStreams: Set<() => void>;
}

/**
 * `GET /api/events/stream`: Server-Sent Events of one run (`runId`), one suite run (`suiteRunId`), one
 * run group (`runGroupId`), or of the whole environment (none). The current state comes first, then
 * every published event as `data: <json>` (a run or suite run whole, read from the store: the bus
 * carries them slim); a heartbeat comment keeps proxies from closing the connection; the stream ends
 * after the run's final state, or when the client disconnects.
 */
export function createEventStreamRoute(deps: EventStreamDeps): ApiRoute {
  return defineRoute({
    method: 'GET',
    url: '/api/events/stream',
    operationId: 'streamEvents',
    permission: 'env.resources.read',
    summary: 'Live events (Server-Sent Events) of a run, a suite run or the environment',
    description:
      'Each event is one `data:` line holding a LiveEvent. With runId or suiteRunId the first event is the ' +
      'current state and the stream ends after the final state; with runGroupId the group’s state comes first ' +
      'and the stream stays open; without any, every event of the environment ' +
      `is sent until the client disconnects. A comment line is sent every ${DEFAULT_HEARTBEAT_MS / 1000} s.`,
    tags: ['events'],
    query: EventStreamQuerySchema,
    responses: {
      200: { description: 'The stream', streamSchema: LiveEventSchema },
      404: { description: 'No such run, suite run or run group', schema: ApiErrorBodySchema },
    },
    async handle({ query, request, reply }) {
      const given = (['runId', 'suiteRunId', 'runGroupId'] as const).filter(
        (key) => query[key] !== undefined,
      );
      if (given.length > 1) {
        throw new TracecheckError(
          'REQUEST_INVALID',
          `invalid request: give one query parameter of "runId", "suiteRunId" or "runGroupId", not ${given
            .map((key) => `"${key}"`)
            .join(' and ')} (one stream follows one thing)`,
        );
      }
      const scope = await deps.resolveScope(request);
      const target: LiveEventTarget =
        query.runId !== undefined
          ? { kind: 'run', runId: query.runId }
          : query.suiteRunId !== undefined
            ? { kind: 'suite-run', suiteRunId: query.suiteRunId }
            : query.runGroupId !== undefined
              ? { kind: 'run-group', runGroupId: query.runGroupId }
              : { kind: 'environment' };

      // Subscribe before reading the state: an event published in between is buffered, not lost.
      const buffered: LiveEvent[] = [];
      let deliver: ((event: LiveEvent) => void) | undefined;
      const unsubscribe = await deps.bus.subscribe(topicOfTarget(scope, target), (event) => {
        if (deliver === undefined) buffered.push(event);
        else deliver(event);
      });
      let current: LiveEvent | undefined;
      try {
        current = await readTargetState(deps.store, scope, target, deps.now());
      } catch (error) {
        unsubscribe();
        throw error;
      }

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let closed = false;
      // The socket may be gone before its 'close' event has run: never write to a destroyed stream.
      const write = (text: string) => {
        if (!raw.destroyed && !raw.writableEnded) raw.write(text);
      };
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), deps.heartbeatMs);
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        expander.stop();
        unsubscribe();
        deps.openStreams.delete(close);
        raw.end();
      };
      const send = (event: LiveEvent) => {
        if (closed) return;
        write(`data: ${JSON.stringify(event)}\n\n`);
        if (endsTarget(target, event)) close();
      };
      // Runs travel slim on the bus: the client gets the whole run, read from the store.
      const expander = createLiveEventExpander({
        store: deps.store,
        scope,
        now: deps.now,
        logger: request.log,
      });
      deps.openStreams.add(close);
      raw.on('close', close);
      write(': connected\n\n');
      if (current !== undefined) send(current);
      for (const event of buffered) expander.push(event, send);
      deliver = (event) => expander.push(event, send);
      return { kind: 'hijacked' };
    },
  });
}
