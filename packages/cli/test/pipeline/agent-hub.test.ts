import { Buffer } from 'node:buffer';
import { type Agent, createAgent, createAgentLinkSession } from '@tracecheck/agent';
import {
  encodeOtlpProtobuf,
  isTracecheckError,
  type SpanId,
  type SpanRecord,
  type TraceId,
} from '@tracecheck/core';
import type { AgentJob, AgentMessage, ServerMessage } from '@tracecheck/protocol';
import type { EventBus, LiveEvent, Store } from '@tracecheck/server';
import {
  type AgentHub,
  connectInProcessAgent,
  createAgentHub,
  createMemoryEventBus,
  createMemoryLinkRelay,
  createPgliteStore,
  type LinkRelay,
} from '@tracecheck/server';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const logger = pino({ level: 'silent' });
const SCOPE = { organizationId: 'acme', environmentId: 'prod' };
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

let store: Store;
beforeAll(async () => {
  store = await createPgliteStore();
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'Acme' });
  await store.upsertEnvironment(SCOPE, 'production');
});
afterAll(async () => {
  await store.close();
});

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function startHub(
  relay: LinkRelay,
  bus: EventBus,
  options: { agentWaitMs?: number; serverVersion?: string } = {},
): AgentHub {
  const hub = createAgentHub({
    store,
    bus,
    relay,
    logger,
    serverVersion: options.serverVersion ?? '1.0.0',
    resendMs: 50,
    outcomeCheckMs: 100,
    agentWaitMs: options.agentWaitMs ?? 2000,
  });
  cleanups.push(() => hub.close());
  return hub;
}

async function startLinkedAgent(hub: AgentHub, agentVersion = '1.0.0'): Promise<Agent> {
  const agent = createAgent({ otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0 } }, { logger });
  await agent.start();
  const session = createAgentLinkSession(agent, { agentVersion, name: 'agent-1', spanBatchMs: 5 });
  const disconnect = connectInProcessAgent(hub, SCOPE, (send) => session.open(send));
  cleanups.push(
    () => agent.stop(),
    () => session.close(),
    () => disconnect(),
  );
  // The hello is handled on a later microtask.
  await new Promise((resolve) => setTimeout(resolve, 10));
  return agent;
}

/** A transport that records what the hub sends (the hub's side of a connection, no agent behind it). */
function recordingTransport() {
  const sent: ServerMessage[] = [];
  let closedWith: string | undefined;
  return {
    sent,
    closedWith: () => closedWith,
    transport: {
      send: (message: ServerMessage) => sent.push(message),
      close: (reason: string) => {
        closedWith = reason;
      },
    },
  };
}

function hello(overrides: Partial<Extract<AgentMessage, { type: 'hello' }>> = {}): AgentMessage {
  return {
    type: 'hello',
    agentVersion: '1.0.0',
    protocolVersions: [1],
    name: 'raw',
    pendingResults: [],
    ...overrides,
  };
}

const stopJob = (id: string): AgentJob => ({ kind: 'stop', id, scope: SCOPE, runId: 1 });

describe('createAgentHub', () => {
  it('dispatches a job to an agent of the environment and resolves with its result', async () => {
    const hub = startHub(createMemoryLinkRelay(), createMemoryEventBus({ logger }));
    await startLinkedAgent(hub);
    expect(hub.connectedAgents(SCOPE)).toEqual([
      expect.objectContaining({ name: 'agent-1', agentVersion: '1.0.0', protocolVersion: 1 }),
    ]);
    await expect(hub.dispatch(stopJob('stop-1'), { timeoutMs: 2000 })).resolves.toEqual({
      kind: 'stop',
      ok: true,
    });
  });

  it('reaches the agent through another process’s hub (a worker dispatching, an api replica holding the agent)', async () => {
    const relay = createMemoryLinkRelay();
    const bus = createMemoryEventBus({ logger });
    const replica = startHub(relay, bus);
    const worker = startHub(relay, bus);
    await startLinkedAgent(replica);
    expect(worker.connectedAgents(SCOPE)).toEqual([]);
    await expect(worker.dispatch(stopJob('stop-2'), { timeoutMs: 2000 })).resolves.toEqual({
      kind: 'stop',
      ok: true,
    });
  });

  it('fails with AGENT_UNAVAILABLE, saying what to start, when no agent takes the job', async () => {
    const hub = startHub(createMemoryLinkRelay(), createMemoryEventBus({ logger }), { agentWaitMs: 150 });
    const error = await hub
      .dispatch(stopJob('stop-3'), { timeoutMs: 1000 })
      .catch((caught: unknown) => caught);
    expect(isTracecheckError(error) && error.code).toBe('AGENT_UNAVAILABLE');
    expect(String(error)).toMatch(
      /no agent of environment "prod" took the stop job of run 1 within 150 ms.*tracecheck agent --api-key/,
    );
  });

  it('rejects with the agent’s error when it cannot run the job', async () => {
    const hub = startHub(createMemoryLinkRelay(), createMemoryEventBus({ logger }));
    await startLinkedAgent(hub);
    const job: AgentJob = {
      kind: 'poll',
      id: 'poll-1',
      scope: SCOPE,
      runId: 1,
      traceId: 'not-a-trace-id',
      dataStore: { type: 'jaeger', jaeger: { endpoint: '127.0.0.1:1' } },
    };
    const error = await hub.dispatch(job, { timeoutMs: 2000 }).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(
      /the agent could not run the poll job of run 1: invalid trace id "not-a-trace-id"/,
    );
  });

  it('welcomes an agent of another version with a warning, and refuses one without a common protocol version', async () => {
    const hub = startHub(createMemoryLinkRelay(), createMemoryEventBus({ logger }), {
      serverVersion: '2.0.0',
    });
    const older = recordingTransport();
    hub.accept(SCOPE, older.transport).receive(hello({ agentVersion: '1.4.0' }));
    expect(older.sent).toEqual([
      expect.objectContaining({
        type: 'welcome',
        protocolVersion: 1,
        serverVersion: '2.0.0',
        warning: expect.stringMatching(
          /agent runs version 1.4.0 and the control plane 2.0.0: they work together/,
        ),
      }),
    ]);

    const future = recordingTransport();
    hub.accept(SCOPE, future.transport).receive(hello({ agentVersion: '9.0.0', protocolVersions: [7, 8] }));
    expect(future.sent).toEqual([
      {
        type: 'refused',
        reason: expect.stringMatching(
          /speaks agent link protocol 1, the agent \(version 9.0.0\) 7, 8: upgrade the older of the two/,
        ),
      },
    ]);
    expect(future.closedWith()).toBe('no common protocol version');
    expect(hub.connectedAgents(SCOPE)).toHaveLength(1);
  });

  it('stores span chunks with their run, announces them on the bus and acknowledges them', async () => {
    const bus = createMemoryEventBus({ logger });
    const hub = startHub(createMemoryLinkRelay(), bus);
    const run = await store.createRun(SCOPE, {
      testId: 't',
      testVersion: 1,
      traceId: TRACE_ID,
      spanId: '00000000000000f1',
      variableSetId: null,
      variables: [],
      requiredGates: null,
      metadata: {},
      runGroupId: null,
      testSuiteId: null,
      testSuiteRunId: null,
      source: 'test',
      branch: null,
    });
    const events: LiveEvent[] = [];
    cleanups.push(await bus.subscribe(`acme.prod.run.${run.id}`, (event) => events.push(event)));
    const raw = recordingTransport();
    const connection = hub.accept(SCOPE, raw.transport);
    connection.receive(hello());
    const chunk = encodeOtlpProtobuf([spanOf(TRACE_ID as TraceId, '00000000000000a1' as SpanId)]);
    const otlpBase64 = Buffer.from(chunk).toString('base64');
    connection.receive({
      type: 'spans',
      jobId: 'watch-1',
      runId: run.id,
      traceId: TRACE_ID,
      seq: 1,
      otlpBase64,
    });
    // Spans for a run that does not exist are acknowledged (and dropped), or the agent would resend them forever.
    connection.receive({
      type: 'spans',
      jobId: 'watch-2',
      runId: 999_999,
      traceId: TRACE_ID,
      seq: 4,
      otlpBase64,
    });
    await vitestWaitFor(() => raw.sent.filter((message) => message.type === 'spans-ack').length === 2);

    expect(await store.readRunSpans(SCOPE, run.id)).toEqual([chunk]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'spans',
        runId: run.id,
        payload: { jobId: 'watch-1', seq: 1, traceId: TRACE_ID, otlpBase64 },
      }),
    ]);
    expect(raw.sent).toContainEqual({ type: 'spans-ack', jobId: 'watch-1', seq: 1 });
    expect(raw.sent).toContainEqual({ type: 'spans-ack', jobId: 'watch-2', seq: 4 });
  });

  it('ignores messages of unknown types and anything an agent sends before its hello', async () => {
    const hub = startHub(createMemoryLinkRelay(), createMemoryEventBus({ logger }));
    const raw = recordingTransport();
    const connection = hub.accept(SCOPE, raw.transport);
    connection.receive({ type: 'job-ack', jobId: 'x' });
    connection.receive({ type: 'telepathy' });
    connection.receive('not an object');
    expect(raw.sent).toEqual([]);
    expect(hub.connectedAgents(SCOPE)).toEqual([]);
  });
});

function spanOf(traceId: TraceId, spanId: SpanId): SpanRecord {
  return {
    traceId,
    spanId,
    parentSpanId: null,
    traceState: '',
    flags: 1,
    name: 'GET /',
    kind: 'server',
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    endTimeUnixNano: 1_700_000_000_100_000_000n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: null,
    resource: { attributes: [], droppedAttributesCount: 0, schemaUrl: '' },
    scope: null,
  };
}

async function vitestWaitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
