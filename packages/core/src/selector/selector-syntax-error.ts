import { caretLine, TracecheckError } from '../errors';

/** Where a selector syntax error is: 0-based offset, 1-based line and column, length of the bad text. */
export interface SelectorErrorDetails {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/** Line (1-based), column (1-based) and the text of that line, for an offset into `source`. */
function locate(source: string, offset: number): { line: number; column: number; text: string } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const lineEnd = source.indexOf('\n', lineStart);
  return {
    line,
    column: offset - lineStart + 1,
    text: source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd),
  };
}

/**
 * A `SELECTOR_SYNTAX` error whose message says what is wrong and shows the offending line with a
 * caret under the error.
 */
export function selectorSyntaxError(
  source: string,
  offset: number,
  length: number,
  problem: string,
): TracecheckError {
  const { line, column, text } = locate(source, offset);
  const details: SelectorErrorDetails = { offset, line, column, length };
  return new TracecheckError(
    'SELECTOR_SYNTAX',
    `invalid selector at line ${line}, column ${column}: ${problem}\n${caretLine(text, column)}`,
    details,
  );
}
