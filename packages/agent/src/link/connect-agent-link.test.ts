import type { AddressInfo } from 'node:net';
import { encodeOtlpProtobuf, type SpanId } from '@tracecheck/core';
import type { AgentJob, AgentMessage, ServerMessage } from '@tracecheck/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  postProtobuf,
  spanRecordOf,
  startTestAgent,
  type TestAgent,
  traceIdOf,
} from '../testing/agent-test-helpers';
import { type LocalServer, startLocalServer } from '../triggers/testing/local-server';
import { type AgentLink, agentLinkUrl, connectAgentLink } from './connect-agent-link';

const TOKEN = 'tcagent_test_key';
const SCOPE = { organizationId: 'acme', environmentId: 'prod' };
const TRACE_ID = traceIdOf(0xabc) as string;
const SPAN_ID = '00000000000000f1';

/** A minimal control plane: accepts agents with TOKEN, welcomes them and records what they send. */
interface FakeControlPlane {
  readonly url: string;
  readonly messages: AgentMessage[];
  /** Connections so far (a reconnect adds one). */
  readonly sockets: WebSocket[];
  readonly attempts: { authorization: string | undefined }[];
  send(message: ServerMessage): void;
  /** Resolves with the first message after `from` (an index into `messages`) that matches. */
  waitFor<T extends AgentMessage>(match: (message: AgentMessage) => message is T, from?: number): Promise<T>;
  close(): Promise<void>;
}

async function startFakeControlPlane(options: { welcome?: boolean } = {}): Promise<FakeControlPlane> {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    verifyClient: (info, done) => {
      attempts.push({ authorization: info.req.headers.authorization });
      if (info.req.headers.authorization === `Bearer ${TOKEN}`) done(true);
      else done(false, 401, 'Unauthorized');
    },
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const messages: AgentMessage[] = [];
  const sockets: WebSocket[] = [];
  const attempts: { authorization: string | undefined }[] = [];
  let waiters: (() => void)[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as AgentMessage;
      messages.push(message);
      if (message.type === 'hello' && options.welcome !== false) {
        socket.send(
          JSON.stringify({
            type: 'welcome',
            protocolVersion: 1,
            serverVersion: '9.9.9',
            ...SCOPE,
          } satisfies ServerMessage),
        );
      }
      for (const wake of waiters) wake();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    sockets,
    attempts,
    send(message) {
      sockets.at(-1)?.send(JSON.stringify(message));
    },
    waitFor(match, from = 0) {
      return new Promise((resolve) => {
        const check = () => {
          const found = messages.slice(from).find(match);
          if (!found) return false;
          waiters = waiters.filter((wake) => wake !== check);
          resolve(found);
          return true;
        };
        if (!check()) waiters.push(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate();
        server.close(() => resolve());
      }),
  };
}

const is =
  <K extends AgentMessage['type']>(type: K, jobId?: string) =>
  (message: AgentMessage): message is Extract<AgentMessage, { type: K }> =>
    message.type === type && (jobId === undefined || ('jobId' in message && message.jobId === jobId));

function triggerJob(
  id: string,
  url: string,
  overrides: Partial<Extract<AgentJob, { kind: 'trigger' }>> = {},
): AgentJob {
  return {
    kind: 'trigger',
    id,
    scope: SCOPE,
    runId: 7,
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    trigger: { type: 'http', httpRequest: { method: 'GET', url, headers: [] } },
    variables: [],
    timeoutMs: 5000,
    ...overrides,
  };
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setUp(options: { welcome?: boolean; token?: string } = {}) {
  const plane = await startFakeControlPlane(options);
  const agent: TestAgent = await startTestAgent();
  const requests: string[] = [];
  const service: LocalServer = await startLocalServer((request, response) => {
    requests.push(String(request.headers.traceparent));
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end('{"ok":true}');
  });
  const link: AgentLink = connectAgentLink({
    serverUrl: plane.url,
    token: options.token ?? TOKEN,
    agent: agent.agent,
    agentVersion: '1.0.0',
    name: 'test-agent',
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    random: () => 0.5,
    session: { spanBatchMs: 5, resendMs: 50 },
  });
  cleanups.push(
    () => plane.close(),
    () => agent.agent.stop(),
    () => service.close(),
    () => link.close(),
  );
  return { plane, agent, service, link, requests, serviceUrl: `http://127.0.0.1:${service.port}/orders` };
}

describe('agentLinkUrl', () => {
  it.each([
    ['http://cp.local', 'ws://cp.local/api/agent/link'],
    ['https://cp.example.com/base/', 'wss://cp.example.com/base/api/agent/link'],
    ['wss://cp.example.com:8443', 'wss://cp.example.com:8443/api/agent/link'],
  ])('%s → %s', (given, expected) => expect(agentLinkUrl(given)).toBe(expected));

  it.each([
    ['cp.local', /is not a URL/],
    ['ftp://cp.local', /uses the scheme ftp: expected http, https, ws or wss/],
  ])('rejects %s', (given, message) => expect(() => agentLinkUrl(given)).toThrow(message));
});

describe('connectAgentLink', () => {
  it('says hello with the key, is welcomed, and runs a trigger once however often the job is sent', async () => {
    const { plane, link, requests, serviceUrl } = await setUp();
    await link.waitUntilConnected();
    expect(link.status()).toBe('connected');
    expect(plane.attempts[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    const hello = await plane.waitFor(is('hello'));
    expect(hello).toMatchObject({
      agentVersion: '1.0.0',
      protocolVersions: [1],
      name: 'test-agent',
      pendingResults: [],
    });

    const job = triggerJob('run-7-trigger', serviceUrl);
    plane.send({ type: 'job', job });
    await plane.waitFor(is('job-ack', job.id));
    const first = await plane.waitFor(is('job-result', job.id));
    expect(first.outcome).toMatchObject({
      ok: true,
      result: {
        kind: 'trigger',
        traceId: TRACE_ID,
        result: { type: 'http', http: { statusCode: 201, body: '{"ok":true}' } },
        resolvedTrigger: { type: 'http', httpRequest: { url: serviceUrl } },
      },
    });
    expect(requests).toEqual([`00-${TRACE_ID}-${SPAN_ID}-01`]);

    // The control plane sends the job again (a redelivered stage): same result, no second request.
    const before = plane.messages.length;
    plane.send({ type: 'job', job });
    const second = await plane.waitFor(is('job-result', job.id), before);
    expect(second.outcome).toEqual(first.outcome);
    expect(requests).toHaveLength(1);
  });

  it('resolves the trigger with the job’s variables; an unresolvable one is a trigger error, nothing is sent', async () => {
    const { plane, link, requests, service } = await setUp();
    await link.waitUntilConnected();
    const resolved = triggerJob('run-8-trigger', `http://127.0.0.1:\${var:PORT}/x`, {
      variables: [{ key: 'PORT', value: String(service.port), type: 'raw' }],
    });
    plane.send({ type: 'job', job: resolved });
    const ok = await plane.waitFor(is('job-result', resolved.id));
    expect(ok.outcome).toMatchObject({
      ok: true,
      result: { result: { type: 'http', http: { statusCode: 201 } } },
    });

    const unresolved = triggerJob('run-9-trigger', `http://127.0.0.1:\${var:MISSING}/x`);
    plane.send({ type: 'job', job: unresolved });
    const failed = await plane.waitFor(is('job-result', unresolved.id));
    expect(failed.outcome).toMatchObject({
      ok: true,
      result: {
        kind: 'trigger',
        result: { type: 'http', error: { message: expect.stringMatching(/could not be resolved.*MISSING/) } },
      },
    });
    expect(requests).toHaveLength(1);
  });

  it('pushes the spans of a watched trace in numbered chunks, sent again until acknowledged', async () => {
    const { plane, link, agent } = await setUp();
    await link.waitUntilConnected();
    const traceId = traceIdOf(0x55);
    const early = spanRecordOf(0x55, 1);
    await postProtobuf(agent.tracesUrl, encodeOtlpProtobuf([early]));
    const job: AgentJob = { kind: 'watch-trace', id: 'run-3-watch', scope: SCOPE, runId: 3, traceId };
    plane.send({ type: 'job', job });
    await plane.waitFor(is('job-result', job.id));

    const firstChunk = await plane.waitFor(is('spans', job.id));
    expect(firstChunk).toMatchObject({ runId: 3, traceId, seq: 1 });
    await postProtobuf(
      agent.tracesUrl,
      encodeOtlpProtobuf([spanRecordOf(0x55, 2, { parentSpanId: early.spanId as SpanId })]),
    );
    const secondChunk = await plane.waitFor(
      (m): m is Extract<AgentMessage, { type: 'spans' }> => m.type === 'spans' && m.seq === 2,
    );
    expect(secondChunk.runId).toBe(3);

    // Chunk 1 was never acknowledged: it comes again; once acknowledged it stops.
    const resent = await plane.waitFor(
      (m): m is Extract<AgentMessage, { type: 'spans' }> => m.type === 'spans' && m.seq === 1,
      plane.messages.indexOf(secondChunk) + 1,
    );
    expect(resent.otlpBase64).toBe(firstChunk.otlpBase64);
    plane.send({ type: 'spans-ack', jobId: job.id, seq: 1 });
    plane.send({ type: 'spans-ack', jobId: job.id, seq: 2 });

    const stop: AgentJob = { kind: 'stop-watch', id: 'run-3-stop-watch', scope: SCOPE, runId: 3, traceId };
    plane.send({ type: 'job', job: stop });
    await plane.waitFor(is('job-result', stop.id));
    const afterStop = plane.messages.length;
    await postProtobuf(agent.tracesUrl, encodeOtlpProtobuf([spanRecordOf(0x55, 3)]));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(plane.messages.slice(afterStop).filter((m) => m.type === 'spans')).toEqual([]);
  });

  it('reconnects after the connection drops and sends a result the control plane never acknowledged', async () => {
    const { plane, link, requests, serviceUrl } = await setUp();
    await link.waitUntilConnected();
    const job = triggerJob('run-11-trigger', serviceUrl);
    plane.send({ type: 'job', job });
    const result = await plane.waitFor(is('job-result', job.id));

    const before = plane.messages.length;
    plane.sockets[0]?.terminate();
    const hello = await plane.waitFor(is('hello'), before);
    expect(hello.pendingResults).toEqual([job.id]);
    const again = await plane.waitFor(is('job-result', job.id), before);
    expect(again.outcome).toEqual(result.outcome);
    expect(plane.sockets).toHaveLength(2);
    await link.waitUntilConnected();

    // Acknowledged: the agent forgets to resend it, and the next hello lists nothing pending.
    plane.send({ type: 'result-ack', jobId: job.id });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const beforeSecondDrop = plane.messages.length;
    plane.sockets[1]?.terminate();
    const nextHello = await plane.waitFor(is('hello'), beforeSecondDrop);
    expect(nextHello.pendingResults).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('answers a job kind it does not know with an error outcome', async () => {
    const { plane, link } = await setUp();
    await link.waitUntilConnected();
    const job = { kind: 'teleport', id: 'job-x', scope: SCOPE } as unknown as AgentJob;
    plane.send({ type: 'job', job });
    const result = await plane.waitFor(is('job-result', 'job-x'));
    expect(result.outcome).toMatchObject({
      ok: false,
      error: {
        code: 'REQUEST_INVALID',
        message: expect.stringMatching(/does not know jobs of kind "teleport"/),
      },
    });
  });

  it('keeps trying, with backoff, when the key is refused', async () => {
    const { plane, link } = await setUp({ token: 'wrong' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(plane.attempts.length).toBeGreaterThanOrEqual(2);
    expect(plane.attempts.every((attempt) => attempt.authorization === 'Bearer wrong')).toBe(true);
    expect(link.status()).not.toBe('connected');
    expect(plane.messages).toEqual([]);
  });

  it('ignores message types it does not know (a newer control plane)', async () => {
    const { plane, link, serviceUrl } = await setUp();
    await link.waitUntilConnected();
    plane.sockets[0]?.send(JSON.stringify({ type: 'hologram', at: 1 }));
    const job = triggerJob('run-12-trigger', serviceUrl);
    plane.send({ type: 'job', job });
    await plane.waitFor(is('job-result', job.id));
    expect(link.status()).toBe('connected');
  });
});
