/**
 * Values of the expression language (SPEC §5.4): a single text with a type tag, or an array of them.
 */

/** Type tags. `array` on a *single* value means "text that looks like a list" (`[1, 2]`, `a[1]b`). */
export type ExpressionValueType = 'nil' | 'string' | 'number' | 'duration' | 'array' | 'json';

/** One typed text. A duration's text is integer nanoseconds when it comes from a literal or arithmetic. */
export interface SingleValue {
  readonly kind: 'single';
  readonly type: ExpressionValueType;
  readonly text: string;
}

/** An ordered list of single values: an array literal, or a filter with several results. */
export interface ArrayValue {
  readonly kind: 'array';
  readonly items: readonly SingleValue[];
}

export type ExpressionValue = SingleValue | ArrayValue;

/** The value of a JSONPath without results; its string form is `""`. */
export const NIL_VALUE: SingleValue = { kind: 'single', type: 'nil', text: '' };

export function createSingleValue(type: ExpressionValueType, text: string): SingleValue {
  return { kind: 'single', type, text };
}

export function createArrayValue(items: readonly SingleValue[]): ArrayValue {
  return { kind: 'array', items };
}

const NUMBER_TEXT_RE = /^[0-9]+(\.[0-9]+)?$/;
const DURATION_TEXT_RE = /^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h)$/;
const JSON_SPACE = new Set([' ', '\t', '\n', '\r']);

function trimJsonSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && JSON_SPACE.has(text[start]!)) start++;
  while (end > start && JSON_SPACE.has(text[end - 1]!)) end--;
  return text.slice(start, end);
}

function parsesAsJson(text: string, accept: (parsed: unknown) => boolean): boolean {
  try {
    return accept(JSON.parse(text));
  } catch {
    return false;
  }
}

function isJsonObject(parsed: unknown): boolean {
  return parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed));
}

/**
 * True when the text contains a match of Tracetest's unanchored pattern `\[[^,]*(,[^\],]+)*\]`,
 * decided in one pass (a backtracking regex is quadratic on long texts full of `[`).
 */
export function containsBracketPair(text: string): boolean {
  let open = text.indexOf('[');
  while (open >= 0) {
    // `[^,]*` runs to the first comma; a `]` before it closes the pair.
    let i = open + 1;
    while (i < text.length && text[i] !== ',') {
      if (text[i] === ']') return true;
      i++;
    }
    if (i >= text.length) return false;
    // Then `,` + a non-empty run without `,` and `]`, repeated, and the closing `]`.
    for (;;) {
      let j = i + 1;
      while (j < text.length && text[j] !== ',' && text[j] !== ']') j++;
      if (j === i + 1) break;
      if (j >= text.length) return false;
      if (text[j] === ']') return true;
      i = j;
    }
    // Every `[` before the failure point fails at the same place, so resume after it.
    open = text.indexOf('[', i + 1);
  }
  return false;
}

/**
 * Type of a text (Tracetest's `GetType`, SPEC §5.4), first match wins: number, duration, JSON object
 * (or `null`), text containing a bracket pair (JSON array of objects → json, else array), string.
 * @example detectValueType('1500ms') // 'duration'
 */
export function detectValueType(text: string): ExpressionValueType {
  if (NUMBER_TEXT_RE.test(text)) return 'number';
  if (DURATION_TEXT_RE.test(text)) return 'duration';
  const trimmed = trimJsonSpace(text);
  if (trimmed === 'null' || (trimmed.startsWith('{') && parsesAsJson(trimmed, isJsonObject))) return 'json';
  if (containsBracketPair(text)) {
    const isArrayOfObjects = (parsed: unknown) => Array.isArray(parsed) && parsed.every(isJsonObject);
    return trimmed.startsWith('[') && parsesAsJson(trimmed, isArrayOfObjects) ? 'json' : 'array';
  }
  return 'string';
}

/** A single value typed from its text. */
export function valueFromText(text: string): SingleValue {
  return createSingleValue(detectValueType(text), text);
}

/**
 * The string form of a value (SPEC §5.4): a single value's text; an array as `[` + items joined by
 * `, ` + `]`, string items in double quotes.
 * @example formatValue(createArrayValue([valueFromText('a'), valueFromText('1')])) // '["a", 1]'
 */
export function formatValue(value: ExpressionValue): string {
  if (value.kind === 'single') return value.text;
  return `[${value.items.map((item) => (item.type === 'string' ? `"${item.text}"` : item.text)).join(', ')}]`;
}

/** Removes the backslash of `\"` and `\'`, as comparisons and filter arguments do (SPEC §5.3, §5.9). */
export function unescapeQuotes(text: string): string {
  return text.replaceAll('\\"', '"').replaceAll("\\'", "'");
}
