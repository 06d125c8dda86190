import type { LanguageChecks, LanguageError } from '../definitions/index';
import type { TracecheckError } from '../errors';
import { tryParseExpression } from '../expression/index';
import { parseSpecSelector, parseSpecStatement, type RepairedParse } from './legacy-syntax';

function toLanguageError(error: TracecheckError): LanguageError {
  const details = error.details as { column?: number } | undefined;
  // Only the first line of a language error goes into a definition problem: the caret lines would
  // point into the scalar, not the file.
  return { message: error.message.split('\n')[0]!, column: details?.column ?? 1 };
}

function check<T>(parsed: RepairedParse<T>): LanguageError | undefined {
  if (!parsed.ok) return toLanguageError(parsed.error);
  if (parsed.repair) return { message: parsed.repair.message, column: 1, severity: 'warning' };
  return undefined;
}

/**
 * The real selector and expression parsers as definition checks: a test whose selector or assertion
 * does not parse is rejected on validate and apply (Q6 recommended), with the position in the file.
 * Legacy forms that are read after a repair are warnings.
 */
export const defaultLanguageChecks: LanguageChecks = {
  selector: (text) => check(parseSpecSelector(text)),
  statement: (text) => check(parseSpecStatement(text)),
  expression(text) {
    const r = tryParseExpression(text);
    return r.ok ? undefined : toLanguageError(r.error);
  },
};
