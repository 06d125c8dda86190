import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  Scalar,
  type YAMLMap,
} from 'yaml';
import { isRfc3339 } from './formats';
import type { LanguageChecks, Problem, ProblemCode } from './problem';

/** State shared by the readers of one document: where problems go and how offsets become lines. */
export interface ReadContext {
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly problems: Problem[];
  readonly file: string | undefined;
  readonly languageChecks: LanguageChecks | undefined;
}

/** A value found in the YAML: its node (aliases resolved, never a null scalar) and where it sits. */
export interface Field {
  readonly node: Node;
  readonly path: string;
  /** Offset used for problems about the value as a whole (the value itself). */
  readonly offset: number;
  /** Offset of the key whose value this is, or of the value for list items and the root. */
  readonly anchor: number;
}

export interface Requirement {
  /** `true`: a missing value is an error. `'non-empty'`: a missing or empty value is an error. */
  readonly required?: boolean | 'non-empty';
  /** What to write, added to the message about a missing value (`expected host:port, e.g. …`). */
  readonly hint?: string;
}

/** Adds a problem at `offset` of the text. */
export function report(
  ctx: ReadContext,
  severity: Problem['severity'],
  code: ProblemCode,
  message: string,
  path: string,
  offset: number,
): void {
  const { line, col } = ctx.lineCounter.linePos(offset);
  ctx.problems.push({
    severity,
    code,
    message,
    path,
    line: Math.max(line, 1),
    column: Math.max(col, 1),
    ...(ctx.file === undefined ? {} : { file: ctx.file }),
  });
}

/** `a.b`, `a["odd key"]`: the path of `key` inside `base`. */
export function joinPath(base: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

function nodeOffset(node: Node | null | undefined, fallback: number): number {
  return node?.range?.[0] ?? fallback;
}

/** Resolves aliases; `undefined` for an absent or null value (YAML `~`, `null` or nothing). */
export function resolveNode(ctx: ReadContext, node: unknown): Node | undefined {
  let current = node;
  for (let hops = 0; hops < 100 && isAlias(current); hops++) current = current.resolve(ctx.doc);
  if (current === null || current === undefined) return undefined;
  if (isScalar(current) && current.value === null) return undefined;
  return isScalar(current) || isMap(current) || isSeq(current) ? current : undefined;
}

/** Text of a scalar key (its source text, so `0045:` is `"0045"`). */
export function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  if (typeof key.value === 'string') return key.value;
  if (key.value === null) return '';
  return key.source ?? String(key.value);
}

function describeNode(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'boolean') return `the boolean ${String(v)}`;
    if (typeof v === 'number') return `the number ${node.source ?? String(v)}`;
    return `the text ${JSON.stringify(String(node.source ?? v))}`;
  }
  return 'an unsupported value';
}

/**
 * Text of a string field: YAML numbers and booleans keep their exact source text (Q32: `0045` stays
 * `0045`, `1.50` stays `1.50`). Reports mappings and lists.
 */
export function readText(ctx: ReadContext, field: Field): string | undefined {
  const node = field.node;
  if (isScalar(node)) {
    if (typeof node.value === 'string') return node.value;
    return node.source ?? String(node.value);
  }
  report(ctx, 'error', 'WRONG_TYPE', `expected text, found ${describeNode(node)}`, field.path, field.offset);
  return undefined;
}

const YAML11_BOOLEANS: Readonly<Record<string, boolean>> = {
  y: true,
  yes: true,
  on: true,
  n: false,
  no: false,
  off: false,
};

export function readBoolean(ctx: ReadContext, field: Field): boolean | undefined {
  const node = field.node;
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  // Go's YAML decoder still reads YAML 1.1 words into boolean fields; accept them, pointing at the spelling.
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string') {
    const word = node.value;
    const value = /^(?:[a-z]+|[A-Z][a-z]*|[A-Z]+)$/.test(word)
      ? YAML11_BOOLEANS[word.toLowerCase()]
      : undefined;
    if (value !== undefined) {
      report(
        ctx,
        'warning',
        'ALIAS',
        `${JSON.stringify(word)} is read as ${value} (a YAML 1.1 boolean); write ${value}`,
        field.path,
        field.offset,
      );
      return value;
    }
  }
  const hint =
    isScalar(node) && typeof node.value === 'string' && /^(true|false)$/i.test(node.value)
      ? `; write ${node.value.toLowerCase()} without quotes`
      : '';
  report(
    ctx,
    'error',
    'WRONG_TYPE',
    `expected true or false, found ${describeNode(node)}${hint}`,
    field.path,
    field.offset,
  );
  return undefined;
}

export function readInteger(
  ctx: ReadContext,
  field: Field,
  bounds: { readonly min?: number; readonly max?: number } = {},
): number | undefined {
  const node = field.node;
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isSafeInteger(node.value)) {
    report(
      ctx,
      'error',
      'WRONG_TYPE',
      `expected a whole number, found ${describeNode(node)}`,
      field.path,
      field.offset,
    );
    return undefined;
  }
  const { min, max } = bounds;
  if ((min !== undefined && node.value < min) || (max !== undefined && node.value > max)) {
    const range =
      max === undefined ? `at least ${min}` : min === undefined ? `at most ${max}` : `from ${min} to ${max}`;
    report(
      ctx,
      'error',
      'INVALID_VALUE',
      `${node.source ?? node.value} is out of range: expected a whole number ${range}`,
      field.path,
      field.offset,
    );
    return undefined;
  }
  return node.value;
}

/** Items of a list field; reports anything that is not a list. */
export function readItems(ctx: ReadContext, field: Field): Field[] | undefined {
  const node = field.node;
  if (!isSeq(node)) {
    report(
      ctx,
      'error',
      'WRONG_TYPE',
      `expected a list, found ${describeNode(node)}`,
      field.path,
      field.offset,
    );
    return undefined;
  }
  const items: Field[] = [];
  node.items.forEach((item, index) => {
    const path = `${field.path}[${index}]`;
    const resolved = resolveNode(ctx, item);
    const offset = nodeOffset(isAlias(item) ? item : resolved, field.offset);
    // A null item (`- ` or `- ~`) reads as empty text: the field's own checks decide if that is allowed.
    const itemNode = resolved ?? emptyScalar(offset);
    items.push({ node: itemNode, path, offset, anchor: offset });
  });
  return items;
}

function emptyScalar(offset: number): Scalar<string> {
  const empty = new Scalar('');
  empty.range = [offset, offset, offset];
  return empty;
}

/** Reads a mapping field; reports anything that is not a mapping. */
export function readMapping(
  ctx: ReadContext,
  field: Field,
  options: { readonly ignoreKeyCase?: boolean } = {},
): MapReader | undefined {
  if (!isMap(field.node)) {
    report(
      ctx,
      'error',
      'WRONG_TYPE',
      `expected a mapping, found ${describeNode(field.node)}`,
      field.path,
      field.offset,
    );
    return undefined;
  }
  return new MapReader(ctx, field.node, field.path, field.anchor, options.ignoreKeyCase ?? false);
}

/** Levenshtein distance, to suggest a known key for a misspelt one. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * Reads the keys of one YAML mapping. Every key asked for is "known"; `finish()` warns about the others
 * (Tracetest ignores unknown keys) and suggests the closest known key.
 */
export class MapReader {
  private readonly known = new Set<string>();
  private readonly pairs = new Map<string, Pair>();
  private readonly foldedPairs = new Map<string, Pair>();

  constructor(
    readonly ctx: ReadContext,
    readonly node: YAMLMap,
    readonly path: string,
    /** Offset for problems about a missing key: the key of this mapping in its parent. */
    readonly anchor: number,
    /** Legacy v1 JSON objects match keys case-insensitively, as Go's JSON decoder does. */
    private readonly ignoreKeyCase: boolean,
  ) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = keyText(resolveNode(ctx, pair.key) ?? pair.key);
      if (key === undefined) continue;
      if (!this.pairs.has(key)) this.pairs.set(key, pair);
      const folded = key.toLowerCase();
      if (!this.foldedPairs.has(folded)) this.foldedPairs.set(folded, pair);
    }
  }

  private pairOf(key: string): Pair | undefined {
    this.known.add(key);
    return this.ignoreKeyCase ? this.foldedPairs.get(key.toLowerCase()) : this.pairs.get(key);
  }

  /** Whether the key is present, even with a null value. */
  has(key: string): boolean {
    return this.pairOf(key) !== undefined;
  }

  /** Offset of a key in the text, or the mapping's anchor. */
  keyOffset(key: string): number {
    return nodeOffset(this.pairOf(key)?.key as Node | undefined, this.anchor);
  }

  /** The value of `key`; `undefined` when absent or null. */
  field(key: string): Field | undefined {
    const pair = this.pairOf(key);
    if (!pair) return undefined;
    const node = resolveNode(this.ctx, pair.value);
    if (!node) return undefined;
    const keyOffset = nodeOffset(pair.key as Node | null, this.anchor);
    return {
      node,
      path: joinPath(this.path, key),
      offset: nodeOffset(isAlias(pair.value) ? pair.value : node, keyOffset),
      anchor: keyOffset,
    };
  }

  /**
   * The value of `key`, or of its alias `alias` with a warning; when both are present the alias is ignored
   * with a warning.
   */
  fieldOrAlias(key: string, alias: string, why: string): Field | undefined {
    const main = this.field(key);
    const aliased = this.has(alias) ? this.field(alias) : undefined;
    if (this.has(alias)) {
      const aliasPath = joinPath(this.path, alias);
      if (this.has(key)) {
        report(
          this.ctx,
          'warning',
          'IGNORED_FIELD',
          `"${alias}" is ignored because "${key}" is also given; remove "${alias}"`,
          aliasPath,
          this.keyOffset(alias),
        );
        return main;
      }
      report(
        this.ctx,
        'warning',
        'ALIAS',
        `"${alias}" is read as "${key}" (${why}); rename it to "${key}"`,
        aliasPath,
        this.keyOffset(alias),
      );
      return aliased;
    }
    return main;
  }

  /** The key itself as a field (legacy mappings keyed by selector or name). */
  keyField(key: string): Field | undefined {
    const pair = this.pairOf(key);
    const node = resolveNode(this.ctx, pair?.key);
    if (!node) return undefined;
    const offset = nodeOffset(node, this.anchor);
    return { node, path: joinPath(this.path, key), offset, anchor: offset };
  }

  /** Reports a missing required key. */
  missing(key: string, hint?: string): void {
    report(
      this.ctx,
      'error',
      'REQUIRED_FIELD',
      `missing "${key}"${hint === undefined ? '' : `: ${hint}`}`,
      joinPath(this.path, key),
      this.anchor,
    );
  }

  string(key: string, requirement: Requirement = {}): string | undefined {
    return this.checkString(key, this.field(key), requirement);
  }

  /** Applies a requirement to a string read from `field` (which may come from an alias). */
  checkString(key: string, field: Field | undefined, requirement: Requirement): string | undefined {
    if (!field) {
      if (requirement.required) this.missing(key, requirement.hint);
      return undefined;
    }
    const text = readText(this.ctx, field);
    if (text === '' && requirement.required === 'non-empty') {
      const hint = requirement.hint === undefined ? '' : `: ${requirement.hint}`;
      report(
        this.ctx,
        'error',
        'REQUIRED_FIELD',
        `"${key}" must not be empty${hint}`,
        field.path,
        field.offset,
      );
      return undefined;
    }
    return text;
  }

  /** An RFC 3339 date-time text. */
  date(key: string): string | undefined {
    const field = this.field(key);
    if (!field) return undefined;
    const text = readText(this.ctx, field);
    if (text === undefined || isRfc3339(text)) return text;
    report(
      this.ctx,
      'error',
      'INVALID_VALUE',
      `${JSON.stringify(text)} is not an RFC 3339 date-time: write e.g. 2024-05-01T12:30:00Z`,
      field.path,
      field.offset,
    );
    return undefined;
  }

  boolean(key: string, requirement: Requirement = {}): boolean | undefined {
    const field = this.field(key);
    if (!field) {
      if (requirement.required) this.missing(key, 'expected true or false');
      return undefined;
    }
    return readBoolean(this.ctx, field);
  }

  integer(
    key: string,
    options: Requirement & { readonly min?: number; readonly max?: number } = {},
  ): number | undefined {
    const field = this.field(key);
    if (!field) {
      if (options.required) this.missing(key, 'expected a whole number');
      return undefined;
    }
    return readInteger(this.ctx, field, options);
  }

  /** One of `values`; `ignoreCase` accepts any case and returns the listed spelling. */
  oneOf<T extends string>(
    key: string,
    values: readonly T[],
    options: Requirement & { readonly ignoreCase?: boolean } = {},
  ): T | undefined {
    const field = this.field(key);
    if (!field) {
      if (options.required) this.missing(key, `expected one of ${values.join(', ')}`);
      return undefined;
    }
    return readOneOf(this.ctx, field, values, options.ignoreCase ?? false);
  }

  /** Reads a nested mapping (a list item, an alias target) with this reader's key matching. */
  sub(field: Field): MapReader | undefined {
    return readMapping(this.ctx, field, { ignoreKeyCase: this.ignoreKeyCase });
  }

  mapping(key: string, requirement: Requirement = {}): MapReader | undefined {
    const field = this.field(key);
    if (!field) {
      if (requirement.required) this.missing(key, requirement.hint);
      return undefined;
    }
    return readMapping(this.ctx, field, { ignoreKeyCase: this.ignoreKeyCase });
  }

  items(key: string, requirement: Requirement = {}): Field[] | undefined {
    const field = this.field(key);
    if (!field) {
      if (requirement.required) this.missing(key, requirement.hint ?? 'expected a list');
      return undefined;
    }
    return readItems(this.ctx, field);
  }

  /** A list of strings; with `required: 'non-empty'` each entry and the list must be non-empty. */
  strings(key: string, requirement: Requirement = {}): string[] | undefined {
    const items = this.items(key, requirement);
    if (!items) return undefined;
    if (items.length === 0 && requirement.required === 'non-empty') {
      report(
        this.ctx,
        'error',
        'REQUIRED_FIELD',
        `"${key}" must list at least one entry${requirement.hint === undefined ? '' : `: ${requirement.hint}`}`,
        joinPath(this.path, key),
        this.keyOffset(key),
      );
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    for (const item of items) {
      const text = readText(this.ctx, item);
      if (text === undefined) ok = false;
      else if (text === '' && requirement.required === 'non-empty') {
        report(this.ctx, 'error', 'REQUIRED_FIELD', 'entry must not be empty', item.path, item.offset);
        ok = false;
      } else out.push(text);
    }
    return ok ? out : undefined;
  }

  /** A mapping of string to string (`headers: {Authorization: …}`). */
  stringMap(key: string): Record<string, string> | undefined {
    const map = this.mapping(key);
    if (!map) return undefined;
    const out: Record<string, string> = {};
    let ok = true;
    for (const entryKey of map.keys()) {
      const field = map.field(entryKey);
      const text = field ? readText(this.ctx, field) : '';
      if (text === undefined) ok = false;
      else out[entryKey] = text;
    }
    return ok ? out : undefined;
  }

  /** Marks keys as known without reading them (read-only data computed by the server). */
  accept(...keys: string[]): void {
    for (const key of keys) this.known.add(key);
  }

  /** Keys in document order. */
  keys(): string[] {
    const keys = [...this.pairs.keys()];
    for (const key of keys) this.known.add(key);
    return keys;
  }

  /** Warns about every key that was not asked for. */
  finish(): void {
    const knownFolded = new Set([...this.known].map((k) => k.toLowerCase()));
    for (const pair of this.node.items) {
      if (!isPair(pair)) continue;
      const key = keyText(resolveNode(this.ctx, pair.key) ?? pair.key);
      const offset = nodeOffset(pair.key as Node | null, this.anchor);
      if (key === undefined) {
        report(
          this.ctx,
          'warning',
          'UNKNOWN_KEY',
          'a key that is not plain text is ignored',
          this.path,
          offset,
        );
        continue;
      }
      if (this.known.has(key) || (this.ignoreKeyCase && knownFolded.has(key.toLowerCase()))) continue;
      const suggestion = this.suggest(key);
      report(
        this.ctx,
        'warning',
        'UNKNOWN_KEY',
        `unknown key "${key}" is ignored${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
        joinPath(this.path, key),
        offset,
      );
    }
  }

  private suggest(key: string): string | undefined {
    let best: string | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of this.known) {
      if (this.pairs.has(candidate)) continue;
      const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.min(2, Math.floor(key.length / 3)) ? best : undefined;
  }
}

/** Reads one of `values` from a field. */
export function readOneOf<T extends string>(
  ctx: ReadContext,
  field: Field,
  values: readonly T[],
  ignoreCase: boolean,
): T | undefined {
  const text = readText(ctx, field);
  if (text === undefined) return undefined;
  const found = values.find((v) => v === text || (ignoreCase && v.toLowerCase() === text.toLowerCase()));
  if (found !== undefined) return found;
  report(
    ctx,
    'error',
    'INVALID_VALUE',
    `${JSON.stringify(text)} is not allowed here: expected one of ${values.map((v) => (v === '' ? '""' : v)).join(', ')}`,
    field.path,
    field.offset,
  );
  return undefined;
}

/** A copy of `value` without its `undefined` properties, so optional fields are absent, not undefined. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/** Whether a value carries anything: a non-empty text, a number, `true`, or such a value inside. */
export function hasContent(node: unknown): boolean {
  if (isScalar(node)) return node.value !== null && node.value !== '' && node.value !== false;
  if (isMap(node)) return node.items.some((pair) => hasContent(pair.value));
  if (isSeq(node)) return node.items.some(hasContent);
  return false;
}

/** Reads `name`, warning when it is missing or empty: Tracetest accepts that, but its UI needs a name. */
export function readWantedName(m: MapReader, kind: string): string {
  const name = m.string('name');
  if (name === undefined || name === '') {
    report(
      m.ctx,
      'warning',
      'REQUIRED_FIELD',
      `the ${kind} has no name; reports and the dashboard show it by name, so add "name: …"`,
      joinPath(m.path, 'name'),
      m.keyOffset('name'),
    );
  }
  return name ?? '';
}
