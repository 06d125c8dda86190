import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { encodeOtlpProtobuf, isTracecheckError } from '@tracecheck/core';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from './create-agent';
import { runAgentProcess } from './run-agent-process';
import {
  postProtobuf,
  spanRecordOf,
  startTestAgent,
  type TestAgent,
  traceIdOf,
} from './testing/agent-test-helpers';

const silent = pino({ level: 'silent' });

let running: TestAgent[] = [];
afterEach(async () => {
  await Promise.all(running.map((t) => t.agent.stop()));
  running = [];
});

/** Opens a request that has sent its headers and part of its body; `finish()` sends the rest. */
function startSlowPost(url: string, body: Uint8Array) {
  let finish: () => void = () => {};
  const response = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(body.subarray(0, 8));
    finish = () => req.end(body.subarray(8));
  });
  return { response, finish: () => finish() };
}

/**
 * With `maxConcurrentExports: 1`, a probe answered 429 proves the slow request holds the only slot,
 * i.e. the agent is serving it.
 */
async function waitUntilInFlight(tracesUrl: string): Promise<void> {
  const probe = encodeOtlpProtobuf([spanRecordOf(9, 9)]);
  while ((await postProtobuf(tracesUrl, probe)).status !== 429) {}
}

describe('createAgent', () => {
  it('binds free ports when asked for port 0 and reports where it listens', async () => {
    const agent = createAgent(
      { otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0 } },
      { logger: silent },
    );
    expect(agent.addresses()).toBeNull();
    const addresses = await agent.start();
    running.push({ agent, addresses, tracesUrl: '', grpcEndpoint: '' });
    expect(addresses.otlpHttp).toMatchObject({
      host: '127.0.0.1',
      endpoint: `http://127.0.0.1:${addresses.otlpHttp!.port}`,
    });
    expect(addresses.otlpGrpc).toMatchObject({
      host: '127.0.0.1',
      endpoint: `127.0.0.1:${addresses.otlpGrpc!.port}`,
    });
    expect(addresses.otlpHttp!.port).toBeGreaterThan(0);
    expect(agent.addresses()).toEqual(addresses);
    await agent.stop();
    expect(agent.addresses()).toBeNull();
  });

  it('runs only the receivers that are enabled', async () => {
    const started = await startTestAgent({ otlpServer: { grpcEnabled: false } });
    running.push(started);
    expect(started.addresses.otlpGrpc).toBeNull();
    expect(started.addresses.otlpHttp).not.toBeNull();
  });

  it('fails to start with a clear error when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const agent = createAgent(
        { otlpServer: { host: '127.0.0.1', httpPort: port, grpcPort: 0 } },
        { logger: silent },
      );
      const error = await agent.start().catch((e: unknown) => e);
      expect(isTracecheckError(error) && error.code).toBe('CONFIG_INVALID');
      expect((error as Error).message).toContain(`OTLP/HTTP receiver could not listen on 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });

  describe('stop', () => {
    it('stops accepting, lets a request in flight finish, then resolves', async () => {
      const { agent, tracesUrl } = await startTestAgent({ otlpServer: { maxConcurrentExports: 1 } });
      const body = encodeOtlpProtobuf([spanRecordOf(1, 1)]);
      const slow = startSlowPost(tracesUrl, body);
      await waitUntilInFlight(tracesUrl);

      let stopped = false;
      const stopping = agent.stop().then(() => {
        stopped = true;
      });
      await expect(postProtobuf(tracesUrl, body)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(stopped).toBe(false);

      slow.finish();
      expect(await slow.response).toEqual({ status: 200, connection: 'close' });
      await stopping;
      expect(agent.cache.getTrace(traceIdOf(1))).toHaveLength(1);
    });

    it('cuts a request that outlives the shutdown timeout', async () => {
      const { agent, tracesUrl } = await startTestAgent({
        shutdownTimeoutMs: 50,
        otlpServer: { maxConcurrentExports: 1 },
      });
      const slow = startSlowPost(tracesUrl, encodeOtlpProtobuf([spanRecordOf(1, 1)]));
      await waitUntilInFlight(tracesUrl);
      await agent.stop();
      await expect(slow.response).rejects.toMatchObject({ code: 'ECONNRESET' });
    });

    it('is idempotent', async () => {
      const { agent } = await startTestAgent();
      await Promise.all([agent.stop(), agent.stop()]);
      await agent.stop();
      await expect(agent.start()).rejects.toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('jobs', () => {
    it('runs a job with the handler of its kind and counts it', async () => {
      const agent = createAgent({}, { logger: silent });
      agent.registerJobHandler('trigger', async (input, context) => {
        expect(context.cache).toBe(agent.cache);
        return { fired: input };
      });
      await expect(agent.runJob('trigger', 'GET /', { runId: 'r1' })).resolves.toEqual({ fired: 'GET /' });
      expect(agent.metrics.render()).toContain('tracecheck_agent_jobs_total{kind="trigger"} 1');
    });

    it('counts a failed job and passes its error on', async () => {
      const agent = createAgent({}, { logger: silent });
      agent.registerJobHandler('trigger', async () => {
        throw new Error('connection refused');
      });
      await expect(agent.runJob('trigger', {})).rejects.toThrow('connection refused');
      expect(agent.metrics.render()).toContain('tracecheck_agent_job_failures_total{kind="trigger"} 1');
    });

    it.each([['an unknown kind', 'poll', 'no handler for jobs of kind "poll" (registered: trigger)']])(
      'rejects %s',
      async (_name, kind, message) => {
        const agent = createAgent({}, { logger: silent });
        agent.registerJobHandler('trigger', async () => null);
        await expect(agent.runJob(kind, {})).rejects.toThrow(message);
        expect(() => agent.registerJobHandler('trigger', async () => null)).toThrow('already registered');
      },
    );

    it('waits for running jobs on stop, refuses new ones, and aborts those that outlive the timeout', async () => {
      const { agent } = await startTestAgent({ shutdownTimeoutMs: 50 });
      let release: () => void = () => {};
      agent.registerJobHandler('quick', () => new Promise((resolve) => (release = () => resolve('done'))));
      agent.registerJobHandler(
        'stuck',
        (_input, { signal }) =>
          new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      );
      const quick = agent.runJob('quick', {});
      const stuck = agent.runJob('stuck', {});
      const stopping = agent.stop();
      await expect(agent.runJob('quick', {})).rejects.toMatchObject({ code: 'AGENT_UNAVAILABLE' });
      release();
      await expect(quick).resolves.toBe('done');
      await expect(stuck).rejects.toMatchObject({ code: 'AGENT_UNAVAILABLE' });
      await stopping;
    });
  });
});

describe('runAgentProcess', () => {
  it('starts the agent, and stops it gracefully on SIGTERM', async () => {
    const agent = createAgent(
      { otlpServer: { host: '127.0.0.1', httpPort: 0, grpcPort: 0 } },
      { logger: silent },
    );
    const signals = new EventEmitter();
    let started: unknown;
    const run = runAgentProcess(agent, {
      signals,
      onStarted: (addresses) => {
        started = addresses;
        signals.emit('SIGTERM');
      },
    });
    await run;
    expect(started).toMatchObject({ otlpHttp: { host: '127.0.0.1' } });
    expect(agent.addresses()).toBeNull();
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });
});
