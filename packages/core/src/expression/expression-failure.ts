import { TracecheckError } from '../errors';

/**
 * Why an expression could not be evaluated: a reference that does not resolve (attribute, variable,
 * filter or function name), or a value the operation cannot take.
 */
export type FailureReason = 'resolution' | 'evaluation';

export interface ExpressionFailureDetails {
  readonly reason: FailureReason;
  /** The variable that is not defined, for `VARIABLES_MISSING`. */
  readonly variable?: string;
}

/**
 * A reference that does not resolve. The message reads `resolution error: …` (SPEC §5.9, J01). A
 * missing variable is `VARIABLES_MISSING`; anything else is a problem of the definition.
 */
export function createResolutionFailure(message: string, variable?: string): TracecheckError {
  const details: ExpressionFailureDetails =
    variable === undefined ? { reason: 'resolution' } : { reason: 'resolution', variable };
  return new TracecheckError(
    variable === undefined ? 'DEFINITION_INVALID' : 'VARIABLES_MISSING',
    `resolution error: ${message}`,
    details,
  );
}

/** A value an operation, function, filter or comparator cannot take (`types mismatch`, …). */
export function createEvaluationFailure(message: string): TracecheckError {
  const details: ExpressionFailureDetails = { reason: 'evaluation' };
  return new TracecheckError('DEFINITION_INVALID', message, details);
}
