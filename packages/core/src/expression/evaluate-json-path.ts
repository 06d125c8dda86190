import { compareJsonNumbers, type JsonNode, renderJsonCanonical } from './json-document';
import { compileRe2Pattern, matchesSomewhere } from './re2-pattern';

/**
 * A JSONPath evaluator in the dialect of Go's ojg, which Tracetest uses (SPEC §5.8): `$` optional
 * (`.a.b` works), `.name`, `['name']`, unions `["a","b"]` and `[0,1]`, indexes (negative from the
 * end), slices `[start:end:step]`, `*`, `..`, and filters `[?(…)]` with `== != < <= > >= =~ in`,
 * `&& || !`, parentheses, existence tests, `@` and `$`. Filters are interpreted here: nothing is ever
 * run as JavaScript.
 */

type Selector =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'filter'; readonly condition: FilterExpression };

interface Segment {
  readonly descendant: boolean;
  readonly selectors: readonly Selector[];
}

interface PathQuery {
  readonly root: '$' | '@';
  readonly segments: readonly Segment[];
}

type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | 'in';

type FilterOperand =
  | { readonly kind: 'query'; readonly query: PathQuery }
  | { readonly kind: 'literal'; readonly node: JsonNode }
  | { readonly kind: 'list'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'group'; readonly expression: FilterExpression };

type FilterExpression =
  | { readonly kind: 'or' | 'and'; readonly left: FilterExpression; readonly right: FilterExpression }
  | { readonly kind: 'not'; readonly operand: FilterExpression }
  | { readonly kind: 'test'; readonly operand: FilterOperand }
  | {
      readonly kind: 'compare';
      readonly operator: ComparisonOperator;
      readonly left: FilterOperand;
      readonly right: FilterOperand;
    };

export type JsonPathResult =
  | { readonly ok: true; readonly nodes: readonly JsonNode[] }
  | { readonly ok: false; readonly message: string };

class PathSyntaxError extends Error {}

const NAME_STOP = new Set([
  '.',
  '[',
  ']',
  '(',
  ')',
  ',',
  "'",
  '"',
  ' ',
  '\t',
  '\n',
  '\r',
  '=',
  '!',
  '<',
  '>',
  '&',
  '|',
  '~',
]);
const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['==', '!=', '<=', '>=', '<', '>', '=~'];

class PathParser {
  private i = 0;

  constructor(private readonly text: string) {}

  private fail(expected: string): never {
    const found =
      this.i < this.text.length ? `"${this.text.slice(this.i, this.i + 1)}"` : 'the end of the path';
    throw new PathSyntaxError(`expected ${expected} at position ${this.i + 1}, found ${found}`);
  }

  private skipSpace(): void {
    while (this.text[this.i] === ' ' || this.text[this.i] === '\t') this.i++;
  }

  private eat(token: string): boolean {
    if (!this.text.startsWith(token, this.i)) return false;
    this.i += token.length;
    return true;
  }

  parseRootPath(): PathQuery {
    this.skipSpace();
    if (this.i >= this.text.length) this.fail('a path such as $.a.b');
    let query: PathQuery;
    if (this.eat('$')) query = { root: '$', segments: this.parseSegments() };
    else if (this.eat('@')) query = { root: '@', segments: this.parseSegments() };
    else if (this.text[this.i] === '.' || this.text[this.i] === '[')
      query = { root: '$', segments: this.parseSegments() };
    else {
      // A path may start with a bare name: `a.b` is `$.a.b`.
      const first: Segment = { descendant: false, selectors: [{ kind: 'name', name: this.parseName() }] };
      query = { root: '$', segments: [first, ...this.parseSegments()] };
    }
    this.skipSpace();
    if (this.i < this.text.length) this.fail('".", "[" or the end of the path');
    return query;
  }

  private parseName(): string {
    const start = this.i;
    while (this.i < this.text.length && !NAME_STOP.has(this.text[this.i]!)) this.i++;
    if (this.i === start) this.fail('a member name');
    return this.text.slice(start, this.i);
  }

  private parseSegments(): Segment[] {
    const segments: Segment[] = [];
    for (;;) {
      if (this.eat('..')) {
        if (this.eat('*')) segments.push({ descendant: true, selectors: [{ kind: 'wildcard' }] });
        else if (this.text[this.i] === '[')
          segments.push({ descendant: true, selectors: this.parseBracket() });
        else segments.push({ descendant: true, selectors: [{ kind: 'name', name: this.parseName() }] });
      } else if (this.eat('.')) {
        if (this.eat('*')) segments.push({ descendant: false, selectors: [{ kind: 'wildcard' }] });
        else segments.push({ descendant: false, selectors: [{ kind: 'name', name: this.parseName() }] });
      } else if (this.text[this.i] === '[') {
        segments.push({ descendant: false, selectors: this.parseBracket() });
      } else {
        return segments;
      }
    }
  }

  private parseBracket(): Selector[] {
    this.i++; // [
    this.skipSpace();
    let selectors: Selector[];
    if (this.eat('*')) selectors = [{ kind: 'wildcard' }];
    else if (this.eat('?')) {
      this.skipSpace();
      selectors = [{ kind: 'filter', condition: this.parseOr() }];
    } else {
      selectors = [this.parseSelector()];
      this.skipSpace();
      while (this.eat(',')) {
        this.skipSpace();
        selectors.push(this.parseSelector());
        this.skipSpace();
      }
    }
    this.skipSpace();
    if (!this.eat(']')) this.fail('"]"');
    return selectors;
  }

  private parseSelector(): Selector {
    const c = this.text[this.i];
    if (c === "'" || c === '"') return { kind: 'name', name: this.parseQuoted() };
    const start = this.parseOptionalInteger();
    this.skipSpace();
    if (!this.eat(':')) {
      if (start === undefined) this.fail("a quoted name, an index, a slice, '*' or a filter '?(…)'");
      return { kind: 'index', index: start };
    }
    this.skipSpace();
    const end = this.parseOptionalInteger();
    this.skipSpace();
    let step: number | undefined;
    if (this.eat(':')) {
      this.skipSpace();
      step = this.parseOptionalInteger();
    }
    return {
      kind: 'slice',
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end }),
      ...(step === undefined ? {} : { step }),
    };
  }

  private parseOptionalInteger(): number | undefined {
    const match = /-?[0-9]+/y;
    match.lastIndex = this.i;
    const found = match.exec(this.text);
    if (!found) return undefined;
    this.i += found[0].length;
    return Number(found[0]);
  }

  private parseQuoted(): string {
    const quote = this.text[this.i]!;
    this.i++;
    let out = '';
    while (this.i < this.text.length && this.text[this.i] !== quote) {
      if (this.text[this.i] === '\\' && this.i + 1 < this.text.length) {
        const next = this.text[this.i + 1]!;
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        this.i += 2;
      } else {
        out += this.text[this.i];
        this.i++;
      }
    }
    if (!this.eat(quote)) this.fail(`the closing ${quote}`);
    return out;
  }

  private parseOr(): FilterExpression {
    let left = this.parseAnd();
    for (;;) {
      this.skipSpace();
      if (!this.eat('||')) return left;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
  }

  private parseAnd(): FilterExpression {
    let left = this.parseNot();
    for (;;) {
      this.skipSpace();
      if (!this.eat('&&')) return left;
      left = { kind: 'and', left, right: this.parseNot() };
    }
  }

  private parseNot(): FilterExpression {
    this.skipSpace();
    if (this.text[this.i] === '!' && this.text[this.i + 1] !== '=') {
      this.i++;
      return { kind: 'not', operand: this.parseNot() };
    }
    return this.parseComparison();
  }

  private parseComparison(): FilterExpression {
    const left = this.parseOperand();
    this.skipSpace();
    const operator = COMPARISON_OPERATORS.find((op) => this.text.startsWith(op, this.i));
    if (operator) this.i += operator.length;
    else if (/^in\b/.test(this.text.slice(this.i, this.i + 3))) this.i += 2;
    else if (this.text[this.i] === '=') {
      this.fail('a comparison operator ("=" alone is not one: compare with "==")');
    } else {
      return left.kind === 'group' ? left.expression : { kind: 'test', operand: left };
    }
    this.skipSpace();
    const right = this.parseOperand();
    return { kind: 'compare', operator: operator ?? 'in', left, right };
  }

  private parseOperand(): FilterOperand {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === '(') {
      this.i++;
      const expression = this.parseOr();
      this.skipSpace();
      if (!this.eat(')')) this.fail('")"');
      return { kind: 'group', expression };
    }
    if (c === '@' || c === '$') {
      this.i++;
      return { kind: 'query', query: { root: c, segments: this.parseSegments() } };
    }
    if (c === '/') return { kind: 'regex', pattern: this.parseRegexLiteral() };
    if (c === '[') return { kind: 'list', items: this.parseLiteralList() };
    return { kind: 'literal', node: this.parseLiteral() };
  }

  private parseRegexLiteral(): string {
    this.i++;
    let pattern = '';
    while (this.i < this.text.length && this.text[this.i] !== '/') {
      if (this.text[this.i] === '\\' && this.text[this.i + 1] === '/') {
        pattern += '/';
        this.i += 2;
      } else {
        pattern += this.text[this.i];
        this.i++;
      }
    }
    if (!this.eat('/')) this.fail('the closing / of the regular expression');
    return pattern;
  }

  private parseLiteralList(): JsonNode[] {
    this.i++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.eat(']')) return items;
    for (;;) {
      this.skipSpace();
      items.push(this.parseLiteral());
      this.skipSpace();
      if (this.eat(']')) return items;
      if (!this.eat(',')) this.fail('"," or "]"');
    }
  }

  private parseLiteral(): JsonNode {
    const c = this.text[this.i];
    if (c === "'" || c === '"') return { kind: 'string', value: this.parseQuoted() };
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.eat(word)) return node;
    }
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.i;
    const found = match.exec(this.text);
    if (!found) this.fail('a value (@.path, $.path, number, string, true, false, null, [list] or /regex/)');
    this.i += found[0].length;
    return { kind: 'number', text: found[0] };
  }
}

function childrenOf(node: JsonNode): readonly JsonNode[] {
  if (node.kind === 'array') return node.items;
  if (node.kind === 'object') return [...node.members.values()];
  return [];
}

function normalizeIndex(index: number, length: number): number {
  return index >= 0 ? index : length + index;
}

function selectSlice(items: readonly JsonNode[], selector: Extract<Selector, { kind: 'slice' }>): JsonNode[] {
  const length = items.length;
  const step = selector.step ?? 1;
  const out: JsonNode[] = [];
  if (step === 0) return out;
  const clamp = (x: number, low: number, high: number) => Math.min(Math.max(x, low), high);
  if (step > 0) {
    const lower = clamp(normalizeIndex(selector.start ?? 0, length), 0, length);
    const upper = clamp(normalizeIndex(selector.end ?? length, length), 0, length);
    for (let i = lower; i < upper; i += step) out.push(items[i]!);
  } else {
    const upper = clamp(normalizeIndex(selector.start ?? length - 1, length), -1, length - 1);
    const lower = clamp(normalizeIndex(selector.end ?? -length - 1, length), -1, length - 1);
    for (let i = upper; lower < i; i += step) out.push(items[i]!);
  }
  return out;
}

interface Scope {
  readonly root: JsonNode;
}

function applySelector(node: JsonNode, selector: Selector, scope: Scope, out: JsonNode[]): void {
  switch (selector.kind) {
    case 'name':
      if (node.kind === 'object') {
        const member = node.members.get(selector.name);
        if (member) out.push(member);
      }
      return;
    case 'index':
      if (node.kind === 'array') {
        const item = node.items[normalizeIndex(selector.index, node.items.length)];
        if (item) out.push(item);
      }
      return;
    case 'slice':
      if (node.kind === 'array') out.push(...selectSlice(node.items, selector));
      return;
    case 'wildcard':
      out.push(...childrenOf(node));
      return;
    case 'filter':
      for (const child of childrenOf(node)) {
        if (isTrue(selector.condition, child, scope)) out.push(child);
      }
      return;
  }
}

/** The node and all its descendants, parents before children, in document order. */
function collectDescendants(node: JsonNode, out: JsonNode[]): void {
  out.push(node);
  for (const child of childrenOf(node)) collectDescendants(child, out);
}

function runQuery(query: PathQuery, current: JsonNode, scope: Scope): JsonNode[] {
  let nodes: JsonNode[] = [query.root === '$' ? scope.root : current];
  for (const segment of query.segments) {
    const next: JsonNode[] = [];
    for (const node of nodes) {
      const targets: JsonNode[] = [];
      if (segment.descendant) collectDescendants(node, targets);
      else targets.push(node);
      for (const target of targets) {
        for (const selector of segment.selectors) applySelector(target, selector, scope, next);
      }
    }
    nodes = next;
  }
  return nodes;
}

type OperandValue =
  | { readonly kind: 'nodes'; readonly nodes: readonly JsonNode[] }
  | { readonly kind: 'list'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'boolean'; readonly value: boolean };

function resolveOperand(operand: FilterOperand, current: JsonNode, scope: Scope): OperandValue {
  switch (operand.kind) {
    case 'query':
      return { kind: 'nodes', nodes: runQuery(operand.query, current, scope) };
    case 'literal':
      return { kind: 'nodes', nodes: [operand.node] };
    case 'list':
      return { kind: 'list', items: operand.items };
    case 'regex':
      return { kind: 'regex', pattern: operand.pattern };
    case 'group':
      return { kind: 'boolean', value: isTrue(operand.expression, current, scope) };
  }
}

/** The single value a comparison uses: the first node, or nothing. */
function singleOf(value: OperandValue): JsonNode | undefined {
  if (value.kind === 'nodes') return value.nodes[0];
  if (value.kind === 'boolean') return { kind: 'boolean', value: value.value };
  return undefined;
}

function equalNodes(a: JsonNode | undefined, b: JsonNode | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === 'number' && b.kind === 'number') return compareJsonNumbers(a.text, b.text) === 0;
  return a.kind === b.kind && renderJsonCanonical(a) === renderJsonCanonical(b);
}

function orderNodes(a: JsonNode | undefined, b: JsonNode | undefined): -1 | 0 | 1 | undefined {
  if (a?.kind === 'number' && b?.kind === 'number') return compareJsonNumbers(a.text, b.text);
  if (a?.kind === 'string' && b?.kind === 'string')
    return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
  return undefined;
}

function compare(operator: ComparisonOperator, left: OperandValue, right: OperandValue): boolean {
  const a = singleOf(left);
  switch (operator) {
    case '==':
      return equalNodes(a, singleOf(right));
    case '!=':
      return !equalNodes(a, singleOf(right));
    case '=~': {
      if (a?.kind !== 'string') return false;
      const pattern = right.kind === 'regex' ? right.pattern : singleOf(right);
      const source =
        typeof pattern === 'string' ? pattern : pattern?.kind === 'string' ? pattern.value : undefined;
      return source !== undefined && matchesSomewhere(compileRe2Pattern(source), a.value);
    }
    case 'in': {
      const candidates =
        right.kind === 'list'
          ? right.items
          : singleOf(right)?.kind === 'array'
            ? childrenOf(singleOf(right)!)
            : [];
      return candidates.some((c) => equalNodes(a, c));
    }
    default: {
      const order = orderNodes(a, singleOf(right));
      if (order === undefined) return false;
      if (operator === '<') return order < 0;
      if (operator === '<=') return order <= 0;
      if (operator === '>') return order > 0;
      return order >= 0;
    }
  }
}

function isTrue(expression: FilterExpression, current: JsonNode, scope: Scope): boolean {
  switch (expression.kind) {
    case 'or':
      return isTrue(expression.left, current, scope) || isTrue(expression.right, current, scope);
    case 'and':
      return isTrue(expression.left, current, scope) && isTrue(expression.right, current, scope);
    case 'not':
      return !isTrue(expression.operand, current, scope);
    case 'compare':
      return compare(
        expression.operator,
        resolveOperand(expression.left, current, scope),
        resolveOperand(expression.right, current, scope),
      );
    case 'test': {
      const value = resolveOperand(expression.operand, current, scope);
      if (value.kind === 'boolean') return value.value;
      if (expression.operand.kind === 'query') return value.kind === 'nodes' && value.nodes.length > 0;
      const node = singleOf(value);
      return node !== undefined && node.kind !== 'null' && !(node.kind === 'boolean' && !node.value);
    }
  }
}

const parsedPaths = new Map<string, PathQuery>();

/**
 * Evaluates a JSONPath over a parsed document. Results are in document order; an invalid path is an
 * error result with the position of the problem.
 * @example evaluateJsonPath('$.tags[*]', doc) // ok, the items of "tags"
 */
export function evaluateJsonPath(path: string, document: JsonNode): JsonPathResult {
  let query = parsedPaths.get(path);
  if (!query) {
    try {
      query = new PathParser(path).parseRootPath();
    } catch (error) {
      if (error instanceof PathSyntaxError) return { ok: false, message: error.message };
      throw error;
    }
    if (parsedPaths.size >= 256) parsedPaths.delete(parsedPaths.keys().next().value!);
    parsedPaths.set(path, query);
  }
  return { ok: true, nodes: runQuery(query, document, { root: document }) };
}
