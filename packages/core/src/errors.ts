/**
 * One error class with a closed table of codes. Each code decides its HTTP status, CLI exit code and
 * whether a retry can help, so adding a code forces those decisions.
 */
export const ERROR_CODES = {
  // languages and definitions
  SELECTOR_SYNTAX: { httpStatus: 400, exitCode: 1, retryable: false },
  EXPRESSION_SYNTAX: { httpStatus: 400, exitCode: 1, retryable: false },
  DEFINITION_INVALID: { httpStatus: 400, exitCode: 1, retryable: false },
  YAML_SYNTAX: { httpStatus: 400, exitCode: 1, retryable: false },
  OTLP_INVALID: { httpStatus: 400, exitCode: 1, retryable: false },
  TRACE_INVALID: { httpStatus: 400, exitCode: 1, retryable: false },
  // requests
  REQUEST_INVALID: { httpStatus: 400, exitCode: 1, retryable: false },
  VARIABLES_MISSING: { httpStatus: 422, exitCode: 1, retryable: false },
  NOT_FOUND: { httpStatus: 404, exitCode: 1, retryable: false },
  CONFLICT: { httpStatus: 409, exitCode: 1, retryable: false },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, exitCode: 1, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, exitCode: 1, retryable: false },
  // identity
  AUTH_REQUIRED: { httpStatus: 401, exitCode: 1, retryable: false },
  AUTH_INVALID_TOKEN: { httpStatus: 401, exitCode: 1, retryable: false },
  AUTH_FORBIDDEN: { httpStatus: 403, exitCode: 1, retryable: false },
  RATE_LIMITED: { httpStatus: 429, exitCode: 1, retryable: true },
  // runs
  TRIGGER_FAILED: { httpStatus: 502, exitCode: 2, retryable: false },
  TRACE_NOT_FOUND: { httpStatus: 404, exitCode: 2, retryable: true },
  AGENT_UNAVAILABLE: { httpStatus: 424, exitCode: 1, retryable: true },
  DATASTORE_UNREACHABLE: { httpStatus: 502, exitCode: 1, retryable: true },
  // files and processes
  FILE_NOT_FOUND: { httpStatus: 404, exitCode: 3, retryable: false },
  FILE_UNREADABLE: { httpStatus: 400, exitCode: 1, retryable: false },
  CONFIG_INVALID: { httpStatus: 400, exitCode: 1, retryable: false },
  SERVER_UNREACHABLE: { httpStatus: 503, exitCode: 1, retryable: true },
  OVERLOADED: { httpStatus: 503, exitCode: 1, retryable: true },
  TIMEOUT: { httpStatus: 504, exitCode: 1, retryable: true },
  INTERNAL: { httpStatus: 500, exitCode: 1, retryable: false },
} as const satisfies Record<string, { httpStatus: number; exitCode: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The one error class. `message` is a sentence a user can act on; `details` carries structured data
 * (positions, lists of problems) for the boundaries that render it.
 * @example throw new TracecheckError('NOT_FOUND', 'test "abc" not found: list tests with `tracecheck list test`')
 */
export class TracecheckError extends Error {
  override readonly name = 'TracecheckError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export function isTracecheckError(error: unknown): error is TracecheckError {
  return error instanceof TracecheckError;
}

/** A position in a source text: 1-based line and column, 0-based offset. */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Renders a one-line source with a caret under `column` (1-based). */
export function caretLine(source: string, column: number): string {
  return `${source}\n${' '.repeat(Math.max(0, column - 1))}^`;
}
