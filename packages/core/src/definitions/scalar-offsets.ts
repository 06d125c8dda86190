import type { Scalar } from 'yaml';

/** One character of a scalar's value and the source offset it comes from. */
interface Piece {
  readonly ch: string;
  readonly at: number;
  /** Raw whitespace of the source, removed when a line is folded. */
  readonly blank: boolean;
}

interface FlowLine {
  readonly pieces: Piece[];
  /** Offset of the line break ending this line. */
  readonly breakAt: number;
  /** A double-quoted line ending in `\`: joined to the next line without a space. */
  readonly escapedBreak: boolean;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};
const HEX_ESCAPE_LENGTHS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * Source offset of the character at `index` (0-based) of a scalar's value: follows YAML folding, quote
 * escapes and block indentation so a language error points at the right place of a multi-line or quoted
 * scalar. Falls back to the scalar's first character when the value cannot be mapped back to its source.
 */
export function locateScalarIndex(source: string, scalar: Scalar, index: number): number {
  const start = scalar.range?.[0] ?? 0;
  const offsets = mapScalarOffsets(source, scalar);
  if (!offsets) return start;
  const clamped = Math.max(0, Math.min(index, offsets.length - 1));
  return offsets[clamped] ?? start;
}

/** Offsets of every value character plus one for the end of the value; `undefined` when unmappable. */
function mapScalarOffsets(source: string, scalar: Scalar): number[] | undefined {
  const range = scalar.range;
  const expected = scalar.source ?? (typeof scalar.value === 'string' ? scalar.value : undefined);
  if (!range || expected === undefined) return undefined;
  const [start, valueEnd] = range;
  let pieces: Piece[];
  switch (scalar.type) {
    case 'PLAIN':
      pieces = foldFlowLines(splitFlowLines(source, start, valueEnd, 'plain'));
      break;
    case 'QUOTE_SINGLE':
      pieces = foldFlowLines(splitFlowLines(source, start + 1, valueEnd - 1, 'single'));
      break;
    case 'QUOTE_DOUBLE':
      pieces = foldFlowLines(splitFlowLines(source, start + 1, valueEnd - 1, 'double'));
      break;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      pieces = readBlockScalar(source, start, valueEnd, scalar.type === 'BLOCK_FOLDED');
      break;
    default:
      return undefined;
  }
  const built = pieces.map((p) => p.ch).join('');
  // Chomping only changes trailing line breaks, which no language error points into.
  if (built.replace(/\n+$/, '') !== expected.replace(/\n+$/, '')) return undefined;
  const offsets = pieces.slice(0, expected.length).map((p) => p.at);
  offsets.push(pieces[expected.length]?.at ?? valueEnd);
  return offsets;
}

function splitFlowLines(
  source: string,
  from: number,
  to: number,
  style: 'plain' | 'single' | 'double',
): FlowLine[] {
  const lines: FlowLine[] = [];
  let pieces: Piece[] = [];
  let i = from;
  while (i < to) {
    const c = source[i]!;
    if (c === '\n' || (c === '\r' && source[i + 1] === '\n')) {
      lines.push({ pieces, breakAt: i, escapedBreak: false });
      pieces = [];
      i += c === '\r' ? 2 : 1;
      continue;
    }
    if (style === 'double' && c === '\\') {
      const next = source[i + 1];
      if (next === '\n' || (next === '\r' && source[i + 2] === '\n')) {
        lines.push({ pieces, breakAt: i + 1, escapedBreak: true });
        pieces = [];
        i += next === '\r' ? 3 : 2;
        continue;
      }
      const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
      if (simple !== undefined) {
        pieces.push({ ch: simple, at: i, blank: false });
        i += 2;
        continue;
      }
      const hexLength = next === undefined ? undefined : HEX_ESCAPE_LENGTHS[next];
      if (hexLength !== undefined) {
        const code = Number.parseInt(source.slice(i + 2, i + 2 + hexLength), 16);
        for (const unit of String.fromCodePoint(Number.isNaN(code) ? 0xfffd : code)) {
          for (let u = 0; u < unit.length; u++) pieces.push({ ch: unit[u]!, at: i, blank: false });
        }
        i += 2 + hexLength;
        continue;
      }
    }
    if (style === 'single' && c === "'" && source[i + 1] === "'") {
      pieces.push({ ch: "'", at: i, blank: false });
      i += 2;
      continue;
    }
    pieces.push({ ch: c, at: i, blank: c === ' ' || c === '\t' });
    i++;
  }
  lines.push({ pieces, breakAt: to, escapedBreak: false });
  return lines;
}

/** Joins flow lines as YAML folds them: one break is a space, n+1 breaks are n newlines. */
function foldFlowLines(lines: readonly FlowLine[]): Piece[] {
  const last = lines.length - 1;
  const trimmed = lines.map((line, i) => {
    let from = 0;
    let to = line.pieces.length;
    if (i > 0) while (from < to && line.pieces[from]!.blank) from++;
    if (i < last && !line.escapedBreak) while (to > from && line.pieces[to - 1]!.blank) to--;
    return line.pieces.slice(from, to);
  });
  const out: Piece[] = [...(trimmed[0] ?? [])];
  let i = 0;
  while (i < last) {
    const line = lines[i]!;
    if (line.escapedBreak) {
      i++;
      out.push(...trimmed[i]!);
      continue;
    }
    let next = i + 1;
    while (next < last && trimmed[next]!.length === 0) next++;
    const emptyLines = next - i - 1;
    if (emptyLines === 0) out.push({ ch: ' ', at: line.breakAt, blank: false });
    for (let e = 0; e < emptyLines; e++) out.push({ ch: '\n', at: lines[i + e]!.breakAt, blank: false });
    out.push(...trimmed[next]!);
    i = next;
  }
  return out;
}

/** Lines of a block scalar with their indentation removed, folded for `>`. */
function readBlockScalar(source: string, start: number, valueEnd: number, folded: boolean): Piece[] {
  const headerEnd = source.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= valueEnd) return [];
  const lines: { from: number; to: number }[] = [];
  let lineStart = headerEnd + 1;
  while (lineStart < valueEnd) {
    let lineEnd = source.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > valueEnd) lineEnd = valueEnd;
    const contentEnd = source[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    lines.push({ from: lineStart, to: contentEnd });
    lineStart = lineEnd + 1;
  }
  const firstText = lines.find((l) => source.slice(l.from, l.to).trim() !== '');
  if (!firstText) return [];
  let indent = 0;
  while (source[firstText.from + indent] === ' ') indent++;
  const out: Piece[] = [];
  let previous: 'none' | 'normal' | 'more' = 'none';
  let emptyBreaks: number[] = [];
  for (const line of lines) {
    const contentFrom = line.from + indent;
    const isEmpty = contentFrom >= line.to && source.slice(line.from, line.to).trim() === '';
    if (isEmpty) {
      emptyBreaks.push(line.to);
      continue;
    }
    const first = source[contentFrom];
    const kind = first === ' ' || first === '\t' ? 'more' : 'normal';
    if (folded && previous !== 'none') {
      const lastPiece = out.pop()!; // the line break after the previous text line
      if (previous === 'normal' && kind === 'normal' && emptyBreaks.length === 0) {
        out.push({ ch: ' ', at: lastPiece.at, blank: false });
      } else if (previous === 'normal' && kind === 'normal') {
        for (const at of emptyBreaks) out.push({ ch: '\n', at, blank: false });
      } else {
        out.push(lastPiece);
        for (const at of emptyBreaks) out.push({ ch: '\n', at, blank: false });
      }
    } else {
      for (const at of emptyBreaks) out.push({ ch: '\n', at, blank: false });
    }
    emptyBreaks = [];
    for (let p = contentFrom; p < line.to; p++) out.push({ ch: source[p]!, at: p, blank: false });
    out.push({ ch: '\n', at: line.to, blank: false });
    previous = kind;
  }
  return out;
}
