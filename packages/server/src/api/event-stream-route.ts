import { isFinalState, isRunState, TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { EventBus, LiveEvent } from '../events/event-bus';
import type { Scope, Store } from '../store/store';
import { type ApiRoute, defineRoute } from './api-route';
import { ApiErrorBodySchema, EventStreamQuerySchema, LiveEventSchema } from './api-schemas';
import { toTestRunView, toTestSuiteRunView } from './run-views';

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

const SUITE_FINAL_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'STOPPED']);

/** What a stream is about: one run, one suite run, or everything of the environment. */
type StreamTarget =
  | { readonly kind: 'run'; readonly runId: number }
  | { readonly kind: 'suite-run'; readonly suiteRunId: number }
  | { readonly kind: 'environment' };

function topicOf(scope: Scope, target: StreamTarget): string {
  const base = `${scope.organizationId}.${scope.environmentId}`;
  switch (target.kind) {
    case 'run':
      return `${base}.run.${target.runId}`;
    case 'suite-run':
      return `${base}.suite.${target.suiteRunId}`;
    case 'environment':
      return base;
  }
}

/** True for the event after which nothing more happens to the streamed run. */
function endsStream(target: StreamTarget, event: LiveEvent): boolean {
  if (event.state === undefined) return false;
  switch (target.kind) {
    case 'run':
      return event.type === 'run' && isRunState(event.state) && isFinalState(event.state);
    case 'suite-run':
      return event.type === 'suite-run' && SUITE_FINAL_STATES.has(event.state);
    case 'environment':
      return false;
  }
}

/** The current state as the first event, so a client that connects late still sees the end. */
async function readCurrentState(
  deps: EventStreamDeps,
  scope: Scope,
  target: StreamTarget,
): Promise<LiveEvent | undefined> {
  const base = { organizationId: scope.organizationId, environmentId: scope.environmentId };
  switch (target.kind) {
    case 'run': {
      const run = await deps.store.getRun(scope, target.runId);
      if (run === undefined) {
        throw new TracecheckError(
          'NOT_FOUND',
          `run ${target.runId} not found in this environment: start one with POST /api/tests/<id>/run`,
          { runId: target.runId },
        );
      }
      return {
        ...base,
        type: 'run',
        runId: run.id,
        testId: run.testId,
        state: run.state,
        payload: toTestRunView(run, deps.now()),
      };
    }
    case 'suite-run': {
      const run = await deps.store.getSuiteRun(scope, target.suiteRunId);
      if (run === undefined) {
        throw new TracecheckError(
          'NOT_FOUND',
          `suite run ${target.suiteRunId} not found in this environment: start one with POST /api/testsuites/<id>/run`,
          { suiteRunId: target.suiteRunId },
        );
      }
      const steps = await Promise.all(run.stepRunIds.map((stepRunId) => deps.store.getRun(scope, stepRunId)));
      return {
        ...base,
        type: 'suite-run',
        runId: run.id,
        suiteId: run.suiteId,
        state: run.state,
        payload: toTestSuiteRunView(
          run,
          steps.filter((step) => step !== undefined),
          deps.now(),
        ),
      };
    }
    case 'environment':
      return undefined;
  }
}

/**
 * `GET /api/events/stream`: Server-Sent Events of one run (`runId`), one suite run (`suiteRunId`), or
 * of the whole environment (neither). The current state comes first, then every published event as
 * `data: <json>`; a heartbeat comment keeps proxies from closing the connection; the stream ends after
 * the run's final state, or when the client disconnects.
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
      'current state and the stream ends after the final state; without either, every event of the environment ' +
      `is sent until the client disconnects. A comment line is sent every ${DEFAULT_HEARTBEAT_MS / 1000} s.`,
    tags: ['events'],
    query: EventStreamQuerySchema,
    responses: {
      200: { description: 'The stream', streamSchema: LiveEventSchema },
      404: { description: 'No such run', schema: ApiErrorBodySchema },
    },
    async handle({ query, request, reply }) {
      if (query.runId !== undefined && query.suiteRunId !== undefined) {
        throw new TracecheckError(
          'REQUEST_INVALID',
          'invalid request: give the query parameter "runId" or "suiteRunId", not both (one stream follows one run)',
        );
      }
      const scope = await deps.resolveScope(request);
      const target: StreamTarget =
        query.runId !== undefined
          ? { kind: 'run', runId: query.runId }
          : query.suiteRunId !== undefined
            ? { kind: 'suite-run', suiteRunId: query.suiteRunId }
            : { kind: 'environment' };

      // Subscribe before reading the state: an event published in between is buffered, not lost.
      const buffered: LiveEvent[] = [];
      let deliver: ((event: LiveEvent) => void) | undefined;
      const unsubscribe = await deps.bus.subscribe(topicOf(scope, target), (event) => {
        if (deliver === undefined) buffered.push(event);
        else deliver(event);
      });
      let current: LiveEvent | undefined;
      try {
        current = await readCurrentState(deps, scope, target);
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
        unsubscribe();
        deps.openStreams.delete(close);
        raw.end();
      };
      const send = (event: LiveEvent) => {
        if (closed) return;
        write(`data: ${JSON.stringify(event)}\n\n`);
        if (endsStream(target, event)) close();
      };
      deps.openStreams.add(close);
      raw.on('close', close);
      write(': connected\n\n');
      if (current !== undefined) send(current);
      for (const event of buffered) send(event);
      deliver = send;
      return { kind: 'hijacked' };
    },
  });
}
