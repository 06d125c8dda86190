import { caretLine, type SourcePosition, TracecheckError } from '../errors';

/** What was being parsed, for the wording of syntax errors. */
export type SourceKind = 'assertion' | 'expression' | 'template';

/** `details` of an `EXPRESSION_SYNTAX` error: where the problem is in the parsed text. */
export interface ExpressionSyntaxDetails extends SourcePosition {
  /** Number of characters the problem spans (0 at the end of the input). */
  readonly length: number;
  /** The problem alone, without the quoted input and the caret line. */
  readonly problem: string;
}

/** 1-based line and column of a 0-based offset. */
function locateOffset(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/**
 * Builds the `EXPRESSION_SYNTAX` error for a problem at `offset` of `source`: the message quotes the
 * input, says what is wrong and what was expected, and ends with the offending line and a caret.
 */
export function createExpressionSyntaxError(
  kind: SourceKind,
  source: string,
  offset: number,
  length: number,
  problem: string,
): TracecheckError {
  const position = locateOffset(source, offset);
  const lineStart = offset - (position.column - 1);
  const lineEnd = source.indexOf('\n', lineStart);
  const lineText = source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd);
  const where = source.includes('\n')
    ? `line ${position.line}, column ${position.column}`
    : `column ${position.column}`;
  const details: ExpressionSyntaxDetails = { ...position, length, problem };
  return new TracecheckError(
    'EXPRESSION_SYNTAX',
    `invalid ${kind} "${source}" at ${where}: ${problem}\n${caretLine(lineText, position.column)}`,
    details,
  );
}

/** The details of an `EXPRESSION_SYNTAX` error built by `createExpressionSyntaxError`. */
export function syntaxDetailsOf(error: TracecheckError): ExpressionSyntaxDetails {
  return error.details as ExpressionSyntaxDetails;
}
