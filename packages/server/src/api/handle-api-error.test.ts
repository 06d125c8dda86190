import { Writable } from 'node:stream';
import { TracecheckError } from '@tracecheck/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema } from './api-schemas';
import { handleApiError, handleUnknownRoute } from './handle-api-error';

/** A Fastify app with the API's error boundary, a few throwing routes, and its log lines kept. */
function createApp(): { app: FastifyInstance; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const logger: FastifyBaseLogger = pino({ level: 'error' }, stream);
  const app = Fastify({ loggerInstance: logger, bodyLimit: 64 });
  app.setErrorHandler(handleApiError);
  app.setNotFoundHandler(handleUnknownRoute);
  app.get('/known', async () => {
    throw new TracecheckError('CONFLICT', 'run 5 has already ended: start a new run', { runId: 5 });
  });
  app.get('/unexpected', async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secret internals')");
  });
  app.post('/echo', async (request) => request.body);
  return { app, logs };
}

let current: FastifyInstance | undefined;
afterEach(async () => {
  await current?.close();
});

describe('handleApiError', () => {
  it('answers a TracecheckError with its status, code, sentence and details, without logging it', async () => {
    const { app, logs } = createApp();
    current = app;
    const response = await app.inject({ method: 'GET', url: '/known' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      status: 409,
      code: 'CONFLICT',
      detail: 'run 5 has already ended: start a new run',
      details: { runId: 5 },
    });
    expect(logs).toEqual([]);
  });

  it('answers an unexpected error with 500 INTERNAL and a generic sentence, and logs it with its stack', async () => {
    const { app, logs } = createApp();
    current = app;
    const response = await app.inject({ method: 'GET', url: '/unexpected' });
    expect(response.statusCode).toBe(500);
    const body = ApiErrorBodySchema.parse(response.json());
    expect(body.code).toBe('INTERNAL');
    expect(body.detail).toContain('GET /unexpected');
    expect(response.body).not.toContain('secret internals');
    const logged = logs.find((line) => line.msg === 'unexpected error in GET /unexpected');
    expect((logged?.err as { stack?: string } | undefined)?.stack).toContain('secret internals');
  });

  it.each([
    [
      'a body over the limit',
      { 'content-type': 'application/json' },
      JSON.stringify({ text: 'x'.repeat(100) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'an unknown content type',
      { 'content-type': 'application/x-protobuf' },
      'abc',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['JSON that does not parse', { 'content-type': 'application/json' }, '{"a":', 400, 'REQUEST_INVALID'],
  ])(
    'turns Fastify’s error for %s into a code and a sentence',
    async (_name, headers, payload, status, code) => {
      const { app } = createApp();
      current = app;
      const response = await app.inject({ method: 'POST', url: '/echo', headers, payload });
      expect(response.statusCode).toBe(status);
      const body = ApiErrorBodySchema.parse(response.json());
      expect(body.code).toBe(code);
      expect(body.detail).toContain('POST /echo');
    },
  );
});

describe('handleUnknownRoute', () => {
  it('answers 404 NOT_FOUND naming the route and where the routes are listed', async () => {
    const { app } = createApp();
    current = app;
    const response = await app.inject({ method: 'DELETE', url: '/api/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(ApiErrorBodySchema.parse(response.json())).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'there is no route DELETE /api/nothing: the routes are listed in GET /api/openapi.json',
    });
  });
});
