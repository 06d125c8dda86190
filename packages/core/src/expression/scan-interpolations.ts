/** A piece of a text that may hold `${…}` interpolations. */
export type TemplatePiece =
  | { readonly kind: 'text'; readonly text: string }
  /** `offset` is where `source` (the text between `${` and `}`) starts in the scanned text. */
  | { readonly kind: 'interpolation'; readonly source: string; readonly offset: number };

/** Index just past the quoted string that starts at `start`, or -1 when it is never closed. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\' && text[i + 1] === quote) i += 2;
    else if (text[i] === quote) return i + 1;
    else i++;
  }
  return -1;
}

/** Index of the `}` that closes the interpolation whose body starts at `start`, or -1. */
function findClosingBrace(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/**
 * Splits a text into literal pieces and `${…}` interpolations with a brace-balanced scanner that skips
 * quoted strings, so `${'{"a":1}' | json_path '$.a'}` is one interpolation (SPEC §2.2, §5.3, Q24).
 * A `${` that is never closed, and an empty `${}`, stay literal text. Nothing is unescaped.
 * @example scanInterpolations('id=${var:ID}') // [{kind:'text',text:'id='},{kind:'interpolation',source:'var:ID',offset:5}]
 */
export function scanInterpolations(text: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let literalStart = 0;
  let searchFrom = 0;
  while (searchFrom < text.length) {
    const open = text.indexOf('${', searchFrom);
    if (open < 0) break;
    const close = findClosingBrace(text, open + 2);
    if (close < 0 || close === open + 2) {
      searchFrom = open + 2;
      continue;
    }
    if (open > literalStart) pieces.push({ kind: 'text', text: text.slice(literalStart, open) });
    pieces.push({ kind: 'interpolation', source: text.slice(open + 2, close), offset: open + 2 });
    literalStart = close + 1;
    searchFrom = close + 1;
  }
  if (literalStart < text.length) pieces.push({ kind: 'text', text: text.slice(literalStart) });
  return pieces;
}
