import { isTracecheckError, TracecheckError } from '@tracecheck/core';

/**
 * Why a backend could not answer. Connection tests map each failure to the step that failed:
 * `unreachable`/`timeout` → connectivity, `unauthorized` → authentication, `bad-answer` → fetch.
 */
export type DataStoreFailure = 'unreachable' | 'timeout' | 'unauthorized' | 'bad-answer';

export interface DataStoreErrorDetails {
  readonly failure: DataStoreFailure;
  /** The URL or gRPC target that failed. */
  readonly url: string;
}

/** A `DATASTORE_UNREACHABLE` error; `message` must name the URL and what to check. */
export function dataStoreError(
  failure: DataStoreFailure,
  url: string,
  message: string,
  cause?: unknown,
): TracecheckError {
  const details: DataStoreErrorDetails = { failure, url };
  return new TracecheckError('DATASTORE_UNREACHABLE', message, details, { cause });
}

/** The failure carried by an error from `dataStoreError`, or `undefined` for any other error. */
export function dataStoreFailureOf(error: unknown): DataStoreFailure | undefined {
  if (!isTracecheckError(error) || error.code !== 'DATASTORE_UNREACHABLE') return undefined;
  const details = error.details as Partial<DataStoreErrorDetails> | undefined;
  return details?.failure;
}

/** Text of an unknown error value, for messages. */
export function describeError(error: unknown): string {
  if (isTracecheckError(error)) return error.message;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code}: ${error.message}`
      : error.message;
  }
  return String(error);
}
