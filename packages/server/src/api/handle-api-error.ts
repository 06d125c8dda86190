import { isTracecheckError, TracecheckError } from '@tracecheck/core';
import { type ApiErrorBody, toApiErrorBody } from '@tracecheck/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Fastify's own errors (body parsing, limits) carry an HTTP status and a `FST_` code. */
function isFastifyError(error: unknown): error is FastifyError & { statusCode: number } {
  return (
    error instanceof Error &&
    typeof (error as FastifyError).code === 'string' &&
    typeof (error as FastifyError).statusCode === 'number'
  );
}

function formatMebibytes(bytes: number | undefined): string {
  return bytes === undefined ? 'limit' : `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MiB`;
}

function describeRequest(request: FastifyRequest): string {
  return `${request.method} ${request.url.split('?')[0]}`;
}

/** A Fastify error as ours, with a sentence that says what to send instead; undefined for a 5xx. */
function fromFastifyError(
  error: FastifyError & { statusCode: number },
  request: FastifyRequest,
): TracecheckError | undefined {
  const where = describeRequest(request);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TracecheckError(
        'PAYLOAD_TOO_LARGE',
        `the body of ${where} is larger than the ${formatMebibytes(request.routeOptions.bodyLimit)} this route accepts: ` +
          'split the definition, or send fewer items at once',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TracecheckError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${where} does not read a body of type "${request.headers['content-type'] ?? ''}": send application/json, ` +
          'or text/yaml for a definition',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new TracecheckError(
        'REQUEST_INVALID',
        `the body of ${where} is not valid JSON (${error.message}): check the body, or send YAML with Content-Type: text/yaml`,
      );
  }
  if (error.statusCode >= 500) return undefined;
  if (error.statusCode === 404) return new TracecheckError('NOT_FOUND', `${where}: ${error.message}`);
  return new TracecheckError('REQUEST_INVALID', `invalid request ${where}: ${error.message}`);
}

/**
 * The one error boundary of the API: a `TracecheckError` becomes its `ApiErrorBody` and HTTP status;
 * Fastify's parsing and limit errors get a code and a sentence; anything else is logged with its stack
 * and answered 500 `INTERNAL` with a generic sentence (internals are never shown).
 */
export function handleApiError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let known: TracecheckError | undefined;
  if (isTracecheckError(error)) known = error;
  else if (isFastifyError(error)) known = fromFastifyError(error, request);
  if (known === undefined || known.code === 'INTERNAL') {
    request.log.error({ err: error }, `unexpected error in ${describeRequest(request)}`);
  }
  const body: ApiErrorBody =
    known === undefined
      ? toApiErrorBody(
          new TracecheckError(
            'INTERNAL',
            `the server failed to handle ${describeRequest(request)} (request ${request.id}); the error was logged: ` +
              'try again, and report it with the request id if it persists',
          ),
        )
      : toApiErrorBody(known);
  if (reply.sent) return;
  void reply.status(body.status).type('application/json; charset=utf-8').send(body);
}

/** Unknown routes: 404 with a sentence that points at the list of routes. */
export function handleUnknownRoute(request: FastifyRequest, reply: FastifyReply): void {
  const body = toApiErrorBody(
    new TracecheckError(
      'NOT_FOUND',
      `there is no route ${describeRequest(request)}: the routes are listed in GET /api/openapi.json`,
      { method: request.method, url: request.url },
    ),
  );
  void reply.status(404).type('application/json; charset=utf-8').send(body);
}
