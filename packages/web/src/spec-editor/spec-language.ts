/**
 * What the spec editor knows about the selector and expression languages: suggestions for the text
 * before the cursor (span types, `span[`, attribute names present in the trace, pseudo-classes,
 * operators, `attr:` names, filters), syntax checks with the position of the error (core's parsers),
 * and the spans a selector matches (core's `selectSpans`).
 */
import {
  type ExpressionSyntaxDetails,
  type Selector,
  type SelectorErrorDetails,
  selectSpans,
  type Trace,
  tryParseSelector,
  tryParseStatement,
} from '@tracecheck/core';

/** Names and types found in a trace, offered as suggestions. */
export interface TraceVocabulary {
  /** Every attribute name of the trace's spans, sorted. */
  readonly attributeNames: readonly string[];
  /** Span types present (`http`, `database`…), sorted. */
  readonly spanTypes: readonly string[];
}

/** A suggestion: `insert` replaces the text from `start` to the cursor. */
export interface Suggestion {
  readonly label: string;
  readonly insert: string;
  readonly start: number;
  /** What kind of thing it is, shown beside the label. */
  readonly detail: string;
}

/** A syntax problem: 0-based offset and length in the text, and the sentence. */
export interface SyntaxProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: SyntaxProblem };

/** At most this many suggestions are listed. */
export const MAX_SUGGESTIONS = 30;

const PSEUDO_CLASSES: readonly { readonly insert: string; readonly detail: string }[] = [
  { insert: 'first', detail: 'the first match among siblings' },
  { insert: 'last', detail: 'the last match among siblings' },
  { insert: 'nth_child(', detail: 'the n-th match (from 1)' },
  { insert: 'has(', detail: 'spans with a descendant matching' },
  { insert: 'not(', detail: 'spans not matching' },
];

const SELECTOR_OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'not-contains',
  'startsWith',
  'endsWith',
  'matches',
];
const ASSERTION_COMPARATORS = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'not-contains'];
const FILTERS = ['json_path', 'regex', 'regex_group', 'get_index', 'length', 'type'];
const FUNCTIONS = [
  'uuid()',
  'firstName()',
  'lastName()',
  'fullName()',
  'email()',
  'phone()',
  'randomInt(',
  'date()',
  'dateTime()',
];

/** Collects the attribute names and span types of a trace (once per trace: memoize the result). */
export function traceVocabulary(trace: Trace | null): TraceVocabulary {
  if (trace === null) return { attributeNames: [], spanTypes: [] };
  const names = new Set<string>();
  const types = new Set<string>();
  for (const span of trace.spans) {
    types.add(span.type);
    for (const name of span.attributes.keys()) names.add(name);
  }
  return { attributeNames: [...names].sort(), spanTypes: [...types].sort() };
}

/** Matches: those starting with the typed prefix first, then those containing it (case-insensitive). */
function rank(candidates: readonly Suggestion[], typed: string): Suggestion[] {
  const lower = typed.toLowerCase();
  const starts: Suggestion[] = [];
  const contains: Suggestion[] = [];
  for (const candidate of candidates) {
    const label = candidate.insert.toLowerCase();
    if (label === lower) continue;
    if (label.startsWith(lower)) starts.push(candidate);
    else if (lower !== '' && label.includes(lower)) contains.push(candidate);
  }
  return [...starts, ...contains].slice(0, MAX_SUGGESTIONS);
}

/** Where the unfinished word before the cursor starts (letters, digits, `_ . - :` for `attr:`). */
function wordStart(text: string, cursor: number, pattern: RegExp): number {
  let start = cursor;
  while (start > 0 && pattern.test(text[start - 1]!)) start--;
  return start;
}

/** Whether `cursor` is inside an unclosed `[` (outside strings), and inside a string. */
function selectorContext(text: string, cursor: number): { inBrackets: boolean; inString: boolean } {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < cursor; i++) {
    const char = text[i]!;
    if (quote !== null) {
      if (char === '\\') i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
  }
  return { inBrackets: depth > 0, inString: quote !== null };
}

/**
 * Suggestions for a selector at `cursor`.
 * @example selectorSuggestions('span[http.', 10, vocabulary) // attribute names starting with "http."
 */
export function selectorSuggestions(text: string, cursor: number, vocabulary: TraceVocabulary): Suggestion[] {
  const { inBrackets, inString } = selectorContext(text, cursor);
  if (inString) return [];
  const start = wordStart(text, cursor, /[\w.-]/);
  const typed = text.slice(start, cursor);
  const before = text.slice(0, start).trimEnd();
  const previous = before[before.length - 1];
  const make = (insert: string, detail: string, label = insert): Suggestion => ({
    label,
    insert,
    start,
    detail,
  });
  if (previous === ':' && !inBrackets) {
    return rank(
      PSEUDO_CLASSES.map((pseudo) => make(pseudo.insert, pseudo.detail, `:${pseudo.insert}`)),
      typed,
    );
  }
  if (inBrackets) {
    // After an attribute name comes an operator; otherwise an attribute name.
    const afterName =
      /[\w.-]\s+$/.test(text.slice(0, start)) && !/(=|!=|<|>|contains|With|matches)\s*$/.test(before);
    if (afterName)
      return rank(
        SELECTOR_OPERATORS.map((operator) => make(operator, 'operator')),
        typed,
      );
    if (previous === '=' && /tracetest\.span\.type\s*=$/.test(before)) {
      return rank(
        vocabulary.spanTypes.map((type) => make(`"${type}"`, 'span type')),
        typed,
      );
    }
    if (
      previous === '[' ||
      previous === ',' ||
      previous === '"' ||
      previous === undefined ||
      /\s$/.test(text.slice(0, start))
    ) {
      return rank(
        [
          make('name', 'the span name'),
          ...vocabulary.attributeNames.map((name) => make(name, 'attribute in this trace')),
        ],
        typed,
      );
    }
    return [];
  }
  return rank(
    [
      make('span[', 'spans with attributes', 'span['),
      make('span', 'any span'),
      ...vocabulary.spanTypes.map((type) => make(`span[tracetest.span.type="${type}"]`, `${type} spans`)),
    ],
    typed,
  );
}

/**
 * Suggestions for an assertion or expression at `cursor`: `attr:` + the trace's attribute names,
 * comparators after a value, filters after `|`, functions.
 */
export function expressionSuggestions(
  text: string,
  cursor: number,
  vocabulary: TraceVocabulary,
): Suggestion[] {
  let quote: string | null = null;
  for (let i = 0; i < cursor; i++) {
    const char = text[i]!;
    if (quote !== null) {
      if (char === '\\') i++;
      else if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
  }
  if (quote !== null) return [];
  const start = wordStart(text, cursor, /[\w.\-:]/);
  const typed = text.slice(start, cursor);
  const before = text.slice(0, start).trimEnd();
  const make = (insert: string, detail: string): Suggestion => ({ label: insert, insert, start, detail });
  if (before.endsWith('|'))
    return rank(
      FILTERS.map((filter) => make(filter, 'filter')),
      typed,
    );
  const attributes = vocabulary.attributeNames.map((name) => make(`attr:${name}`, 'attribute in this trace'));
  if (typed.startsWith('attr:')) return rank(attributes, typed);
  const afterValue = before !== '' && /[\w"'\])]$/.test(before) && !/(=|!=|<|>|contains)$/.test(before);
  if (afterValue && typed === '') {
    return rank(
      ASSERTION_COMPARATORS.map((comparator) => make(comparator, 'comparator')),
      typed,
    );
  }
  return rank(
    [
      make('attr:', 'an attribute of the span'),
      ...attributes,
      make('var:', 'a variable'),
      make('env:', 'a variable of the variable set'),
      ...FUNCTIONS.map((fn) => make(fn, 'function')),
      ...(afterValue ? ASSERTION_COMPARATORS.map((comparator) => make(comparator, 'comparator')) : []),
    ],
    typed,
  );
}

/** The text and cursor after choosing a suggestion. */
export function applySuggestion(
  text: string,
  cursor: number,
  suggestion: Suggestion,
): { readonly text: string; readonly cursor: number } {
  const inserted = suggestion.insert;
  return {
    text: text.slice(0, suggestion.start) + inserted + text.slice(cursor),
    cursor: suggestion.start + inserted.length,
  };
}

function problemOf(error: { message: string; details?: unknown }, text: string): SyntaxProblem {
  const details = error.details as Partial<SelectorErrorDetails & ExpressionSyntaxDetails> | undefined;
  const offset = typeof details?.offset === 'number' ? details.offset : 0;
  return {
    message: (details?.problem ?? error.message.split('\n')[0] ?? error.message).trim(),
    offset,
    length: typeof details?.length === 'number' ? details.length : Math.max(0, text.length - offset),
    line: details?.line ?? 1,
    column: details?.column ?? offset + 1,
  };
}

/** Parses a selector with core's parser: the selector, or the problem and where it is. */
export function checkSelector(text: string): Checked<Selector> {
  const result = tryParseSelector(text);
  return result.ok
    ? { ok: true, value: result.selector }
    : { ok: false, problem: problemOf(result.error, text) };
}

/** Parses an assertion (`attr:http.status_code = 200`) with core's parser. */
export function checkAssertion(text: string): Checked<true> {
  if (text.trim() === '') {
    return {
      ok: false,
      problem: {
        message: 'empty assertion: write e.g. attr:http.status_code = 200',
        offset: 0,
        length: 0,
        line: 1,
        column: 1,
      },
    };
  }
  const result = tryParseStatement(text);
  return result.ok ? { ok: true, value: true } : { ok: false, problem: problemOf(result.error, text) };
}

/** The spans a selector matches, as a mask over the trace's spans (1 = matched), and their count. */
export function previewSelection(
  trace: Trace,
  selector: Selector,
): { readonly mask: Uint8Array; readonly count: number } {
  const indexes = selectSpans(trace, selector);
  const mask = new Uint8Array(trace.spans.length);
  for (const index of indexes) mask[index] = 1;
  return { mask, count: indexes.length };
}

/** An assertion on an attribute's current value: numbers and booleans bare, text quoted. */
export function assertionFromAttribute(name: string, value: string): string {
  const bare = /^-?\d+(\.\d+)?$/.test(value) || value === 'true' || value === 'false';
  return `attr:${name} = ${bare ? value : JSON.stringify(value)}`;
}

/** A selector for spans like this one: same type and name. */
export function selectorForSpan(span: { readonly type: string; readonly name: string }): string {
  return `span[tracetest.span.type="${span.type}" name=${JSON.stringify(span.name)}]`;
}
