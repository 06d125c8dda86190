import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../events/index';
import { ApiErrorBodySchema, LiveEventSchema, TestRunSchema, TestSuiteRunSchema } from './api-schemas';
import { type ApiHarness, createApiHarness, SCOPE } from './api-test-harness';

const TEST = `type: Test
spec:
  id: streamed
  name: streamed
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://shop.local/health
`;

/** Reads a Server-Sent Events body block by block (blocks end with a blank line). */
function readServerSentEvents(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const nextBlock = async (): Promise<string | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return block;
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
    }
  };
  return {
    nextBlock,
    /** The next `data:` event; undefined once the server ended the stream. */
    async nextEvent(): Promise<LiveEvent | undefined> {
      for (;;) {
        const block = await nextBlock();
        if (block === undefined) return undefined;
        if (block.startsWith('data: '))
          return LiveEventSchema.parse(JSON.parse(block.slice('data: '.length)));
      }
    },
  };
}

function dataEventsOf(body: string): LiveEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => LiveEventSchema.parse(JSON.parse(block.slice('data: '.length))));
}

let h: ApiHarness;
let baseUrl: string;

beforeAll(async () => {
  h = await createApiHarness({ heartbeatMs: 50 });
  await h.app.inject({
    method: 'PUT',
    url: '/api/tests',
    headers: { 'content-type': 'text/yaml' },
    payload: TEST,
  });
  await h.app.inject({
    method: 'PUT',
    url: '/api/testsuites',
    headers: { 'content-type': 'text/yaml' },
    payload: 'type: TestSuite\nspec:\n  id: suite\n  name: suite\n  steps: [streamed]\n',
  });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h.close();
});

async function startRun(payload: Record<string, unknown> = {}): Promise<number> {
  const response = await h.app.inject({ method: 'POST', url: '/api/tests/streamed/run', payload });
  return Number(TestRunSchema.parse(response.json()).id);
}

describe('GET /api/events/stream', () => {
  it('sends the current state first and ends at once for a run that has ended', async () => {
    const runId = await startRun();
    await h.runs.advanceRun(SCOPE, runId, { state: 'FINISHED', completedAt: h.clock.now() });
    const response = await h.app.inject({ method: 'GET', url: `/api/events/stream?runId=${runId}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(response.headers['cache-control']).toContain('no-cache');
    const events = dataEventsOf(response.body);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'run',
      runId,
      testId: 'streamed',
      state: 'FINISHED',
      organizationId: 'org1',
    });
    expect(TestRunSchema.parse(events[0]?.payload).state).toBe('FINISHED');
  });

  it('delivers every published change of a run, then ends after its final state', async () => {
    const runId = await startRun();
    const response = await fetch(`${baseUrl}/api/events/stream?runId=${runId}`);
    expect(response.status).toBe(200);
    const stream = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    expect(await stream.nextEvent()).toMatchObject({ type: 'run', runId, state: 'CREATED' });

    await h.runs.advanceRun(SCOPE, runId, { state: 'EXECUTING' });
    expect(await stream.nextEvent()).toMatchObject({ type: 'run', runId, state: 'EXECUTING' });
    await h.bus.publish({
      type: 'run-event',
      organizationId: SCOPE.organizationId,
      environmentId: SCOPE.environmentId,
      runId,
      payload: { title: 'Trigger started' },
    });
    expect(await stream.nextEvent()).toMatchObject({
      type: 'run-event',
      payload: { title: 'Trigger started' },
    });
    await h.runs.advanceRun(SCOPE, runId, { state: 'TRIGGER_FAILED', lastErrorState: 'connection refused' });
    expect(await stream.nextEvent()).toMatchObject({ state: 'TRIGGER_FAILED' });
    expect(await stream.nextEvent()).toBeUndefined();
  });

  it('streams a suite run: its state with the steps first, then its changes until it ends', async () => {
    const started = await h.app.inject({ method: 'POST', url: '/api/testsuites/suite/run' });
    const suiteRun = TestSuiteRunSchema.parse(started.json());
    const response = await fetch(`${baseUrl}/api/events/stream?suiteRunId=${suiteRun.id}`);
    const stream = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    const first = await stream.nextEvent();
    expect(first).toMatchObject({ type: 'suite-run', suiteId: 'suite', state: 'EXECUTING' });
    expect(TestSuiteRunSchema.parse(first?.payload).steps).toHaveLength(1);
    const suiteEvent = {
      organizationId: 'org1',
      environmentId: 'env1',
      runId: Number(suiteRun.id),
      suiteId: 'suite',
    };
    await h.bus.publish({ ...suiteEvent, type: 'suite-run', state: 'EXECUTING', payload: { step: 1 } });
    expect(await stream.nextEvent()).toMatchObject({ payload: { step: 1 } });
    await h.bus.publish({ ...suiteEvent, type: 'suite-run', state: 'FINISHED' });
    expect(await stream.nextEvent()).toMatchObject({ state: 'FINISHED' });
    expect(await stream.nextEvent()).toBeUndefined();
  });

  it('streams everything of the environment, with heartbeats, until the client leaves', async () => {
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/api/events/stream`, { signal: controller.signal });
    const stream = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    expect(await stream.nextBlock()).toBe(': connected');
    const first = await startRun();
    const second = await startRun();
    expect(await stream.nextEvent()).toMatchObject({ runId: first, state: 'CREATED' });
    expect(await stream.nextEvent()).toMatchObject({ runId: second, state: 'CREATED' });
    let block = await stream.nextBlock();
    while (block !== ': heartbeat') block = await stream.nextBlock();
    controller.abort();
    // Publishing after the client left reaches no closed socket.
    await h.runs.advanceRun(SCOPE, first, { state: 'EXECUTING' });
    const other = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(other.statusCode).toBe(200);
  });

  it('sends a run whole, read from the store, when the bus carries it slim', async () => {
    const runId = await startRun();
    const response = await fetch(`${baseUrl}/api/events/stream?runId=${runId}`);
    const stream = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    expect(await stream.nextEvent()).toMatchObject({ type: 'run', runId, state: 'CREATED' });
    const result = { allPassed: true, results: [] };
    await h.store.transitionRun(SCOPE, runId, ['CREATED'], { state: 'FINISHED', result, passed: 3 });
    await h.bus.publish({
      type: 'run',
      organizationId: SCOPE.organizationId,
      environmentId: SCOPE.environmentId,
      runId,
      testId: 'streamed',
      state: 'FINISHED',
      partial: true,
      payload: { id: String(runId), state: 'FINISHED' },
    });
    const event = await stream.nextEvent();
    expect(event).toMatchObject({ type: 'run', runId, state: 'FINISHED' });
    expect(event).not.toHaveProperty('partial');
    expect(TestRunSchema.parse(event?.payload)).toMatchObject({ state: 'FINISHED', pass: 3, result });
    expect(await stream.nextEvent()).toBeUndefined();
  });

  it('streams a run group: its summary first, then its changes only', async () => {
    for (const id of ['followed', 'other']) {
      const created = await h.app.inject({ method: 'POST', url: '/api/rungroups', payload: { id } });
      expect(created.statusCode).toBe(201);
    }
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/api/events/stream?runGroupId=followed`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const stream = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    expect(await stream.nextEvent()).toMatchObject({
      type: 'run-group',
      runId: 0,
      runGroupId: 'followed',
      state: 'CREATED',
    });
    const groupEvent = (runGroupId: string, state: string): LiveEvent => ({
      type: 'run-group',
      organizationId: SCOPE.organizationId,
      environmentId: SCOPE.environmentId,
      runId: 0,
      runGroupId,
      state,
    });
    await h.bus.publish(groupEvent('other', 'RUNNING'));
    await h.bus.publish(groupEvent('followed', 'RUNNING'));
    await h.bus.publish(groupEvent('followed', 'FINISHED'));
    expect(await stream.nextEvent()).toMatchObject({ runGroupId: 'followed', state: 'RUNNING' });
    // A finished group may get more runs: the stream stays open until the client leaves.
    expect(await stream.nextEvent()).toMatchObject({ runGroupId: 'followed', state: 'FINISHED' });
    controller.abort();
  });

  it('never sends a secret in the state it sends first', async () => {
    const secret = 'sse-secret-42';
    await h.app.inject({
      method: 'PUT',
      url: '/api/variablesets',
      headers: { 'content-type': 'text/yaml' },
      payload: `type: VariableSet\nspec:\n  id: vs\n  name: vs\n  values:\n    - key: TOKEN\n      value: ${secret}\n      type: secret\n`,
    });
    const runId = await startRun({ variableSetId: 'vs' });
    await h.runs.advanceRun(SCOPE, runId, { state: 'STOPPED' });
    const response = await h.app.inject({ method: 'GET', url: `/api/events/stream?runId=${runId}` });
    expect(dataEventsOf(response.body)).toHaveLength(1);
    expect(response.body).not.toContain(secret);
  });

  it.each([
    ['an unknown run', '?runId=999999', 404, 'NOT_FOUND'],
    ['an unknown suite run', '?suiteRunId=999999', 404, 'NOT_FOUND'],
    ['a run id that is not a number', '?runId=abc', 400, 'REQUEST_INVALID'],
    ['both a run and a suite run', '?runId=1&suiteRunId=1', 400, 'REQUEST_INVALID'],
    ['an unknown run group', '?runGroupId=nobody', 404, 'NOT_FOUND'],
    ['a run group id with a dot', '?runGroupId=a.b', 400, 'REQUEST_INVALID'],
    ['both a run and a run group', '?runId=1&runGroupId=g', 400, 'REQUEST_INVALID'],
  ])('answers an error body for %s', async (_name, query, status, code) => {
    const response = await h.app.inject({ method: 'GET', url: `/api/events/stream${query}` });
    expect(response.statusCode).toBe(status);
    expect(ApiErrorBodySchema.parse(response.json()).code).toBe(code);
  });

  it('ends open streams when the server closes', async () => {
    const response = await fetch(`${baseUrl}/api/events/stream`);
    const stream = readServerSentEvents(response.body as ReadableStream<Uint8Array>);
    expect(await stream.nextBlock()).toBe(': connected');
    await h.app.close();
    let block = await stream.nextBlock();
    while (block === ': heartbeat') block = await stream.nextBlock();
    expect(block).toBeUndefined();
  });
});
