import { ERROR_CODES, type ErrorCode, TracecheckError } from '@tracecheck/core';

/**
 * Every error body of the API. `status` and `detail` are what Tracetest clients read; `code` is stable
 * and `hint` says what to do.
 */
export interface ApiErrorBody {
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  readonly hint?: string;
  readonly details?: unknown;
}

export function toApiErrorBody(error: TracecheckError, hint?: string): ApiErrorBody {
  return {
    status: error.httpStatus,
    code: error.code,
    detail: error.message,
    ...(hint ? { hint } : {}),
    ...(error.details !== undefined ? { details: error.details } : {}),
  };
}

/** Rebuilds the error a server sent, so clients throw the same class. */
export function fromApiErrorBody(body: unknown, fallbackStatus: number): TracecheckError {
  if (body && typeof body === 'object' && 'code' in body && 'detail' in body) {
    const b = body as { code: unknown; detail: unknown; details?: unknown };
    if (typeof b.code === 'string' && b.code in ERROR_CODES && typeof b.detail === 'string') {
      return new TracecheckError(b.code as ErrorCode, b.detail, b.details);
    }
  }
  const detail =
    body && typeof body === 'object' && 'detail' in body
      ? String((body as { detail: unknown }).detail)
      : JSON.stringify(body);
  return new TracecheckError(
    fallbackStatus === 404 ? 'NOT_FOUND' : 'INTERNAL',
    `the server answered ${fallbackStatus}: ${detail}`,
  );
}
