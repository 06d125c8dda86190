import { TracecheckError } from '../errors';

/**
 * A problem found while decoding OTLP. Decoders throw it deep inside and every enclosing level adds
 * its own path segment on the way out, so the happy path pays nothing for error locations.
 */
export class OtlpInputError extends Error {
  /** Field path segments, outermost first, e.g. `['resourceSpans[0]', 'scopeSpans[1]', 'spans[3]']`. */
  readonly path: string[] = [];
  constructor(
    readonly reason: string,
    /** Byte offset in the protobuf body where the problem was found. */
    readonly offset?: number,
  ) {
    super(reason);
  }
}

/** Adds `segment` in front of the path of an `OtlpInputError`; returns the error to rethrow. */
export function prependPath(error: unknown, segment: string): unknown {
  if (error instanceof OtlpInputError) error.path.unshift(segment);
  return error;
}

const HINTS = {
  protobuf:
    'the body must be an OTLP ExportTraceServiceRequest encoded as protobuf (Content-Type: application/x-protobuf)',
  JSON: 'the body must be an OTLP ExportTraceServiceRequest in OTLP/JSON (Content-Type: application/json)',
} as const;

/** Converts an `OtlpInputError` to `TracecheckError('OTLP_INVALID')`; other errors pass unchanged. */
export function toOtlpInvalid(error: unknown, format: keyof typeof HINTS): unknown {
  if (!(error instanceof OtlpInputError)) return error;
  const path = error.path.join('.').replaceAll('.[', '[');
  const where = [
    path === '' ? undefined : `at ${path}`,
    error.offset === undefined ? undefined : `byte ${error.offset}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const message = `invalid OTLP ${format}${where === '' ? '' : ` (${where})`}: ${error.reason}; ${HINTS[format]}`;
  return new TracecheckError(
    'OTLP_INVALID',
    message,
    { path, offset: error.offset, reason: error.reason },
    { cause: error },
  );
}
