import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isTracecheckError, type TracecheckError } from '../errors';
import type { ExpressionNode, StatementNode } from './ast';
import type { ExpressionSyntaxDetails } from './expression-syntax-error';
import {
  parseExpression,
  parseStatement,
  printExpression,
  printStatement,
  tryParseExpression,
  tryParseStatement,
} from './index';

interface Example {
  readonly kind: 'statement' | 'expression';
  readonly text: string;
  readonly line?: number;
  readonly column?: number;
  readonly error?: string;
}

const examples = parse(readFileSync(new URL('./examples.yaml', import.meta.url), 'utf8')) as {
  valid: Example[];
  invalid: Example[];
};

function parseExample(example: Example): StatementNode | ExpressionNode {
  return example.kind === 'statement' ? parseStatement(example.text) : parseExpression(example.text);
}

function print(node: StatementNode | ExpressionNode): string {
  return node.kind === 'statement' ? printStatement(node) : printExpression(node);
}

function syntaxErrorOf(run: () => unknown): TracecheckError {
  try {
    run();
  } catch (error) {
    if (isTracecheckError(error)) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}

describe('examples.yaml', () => {
  it('has examples of both outcomes', () => {
    expect(examples.valid.length).toBeGreaterThan(50);
    expect(examples.invalid.length).toBeGreaterThan(30);
  });

  it.each(examples.valid.map((e) => [e.text, e] as const))('%j parses and round-trips', (_, example) => {
    const tree = parseExample(example);
    const printed = print(tree);
    const reparsed = parseExample({ ...example, text: printed });
    expect(reparsed).toEqual(tree);
    expect(print(reparsed)).toBe(printed);
  });

  it.each(examples.invalid.map((e) => [e.text, e] as const))('%j is a syntax error', (_, example) => {
    const error = syntaxErrorOf(() => parseExample(example));
    expect(error.code).toBe('EXPRESSION_SYNTAX');
    const details = error.details as ExpressionSyntaxDetails;
    expect({ line: details.line, column: details.column }).toEqual({
      line: example.line ?? 1,
      column: example.column,
    });
    expect(error.message).toContain(`"${example.text}"`);
    expect(error.message).toContain(example.error);
    // The last two lines are the offending source line and a caret under the column.
    const lines = error.message.split('\n');
    expect(lines.at(-1)).toBe(`${' '.repeat(details.column - 1)}^`);
    expect(lines.at(-2)).toBe(example.text.split('\n')[details.line - 1]);
  });
});

describe('parseStatement', () => {
  it('keeps arithmetic before filters, on each side separately', () => {
    expect(parseStatement('["number", "string"] contains 2 | type')).toEqual({
      kind: 'statement',
      left: {
        kind: 'expression',
        head: {
          kind: 'array',
          items: [
            { kind: 'string', quote: '"', parts: [{ kind: 'text', text: 'number' }] },
            { kind: 'string', quote: '"', parts: [{ kind: 'text', text: 'string' }] },
          ],
        },
        operations: [],
        filters: [],
      },
      comparator: 'contains',
      right: {
        kind: 'expression',
        head: { kind: 'number', text: '2' },
        operations: [],
        filters: [{ name: 'type', args: [] }],
      },
    });
  });

  it.each([
    ['5 -1 = 4', [{ operator: '-', term: { kind: 'number', text: '1' } }]],
    ['attr:a -1 = 4', [{ operator: '-', term: { kind: 'number', text: '1' } }]],
    ['5 - -1 = 6', [{ operator: '-', term: { kind: 'number', text: '-1' } }]],
    [
      '1 + 2 * 3 = 9',
      [
        { operator: '+', term: { kind: 'number', text: '2' } },
        { operator: '*', term: { kind: 'number', text: '3' } },
      ],
    ],
  ])('reads %j with a binary minus where a term ends', (text, operations) => {
    expect(parseStatement(text).left.operations).toEqual(operations);
  });

  it.each([
    ['-1 < 0', { kind: 'number', text: '-1' }],
    ['-2ms < 0', { kind: 'duration', text: '-2ms' }],
    ['-2 ms < 0', { kind: 'duration', text: '-2ms' }],
    ['200 ms < 0', { kind: 'duration', text: '200ms' }],
    ['attr:a-1 < 0', { kind: 'attribute', name: 'a-1' }],
    ['attr:http.request.header.x-api-key < 0', { kind: 'attribute', name: 'http.request.header.x-api-key' }],
    ['env:A.b < 0', { kind: 'variable', prefix: 'env', name: 'A.b' }],
    ['true < 0', { kind: 'boolean', value: true }],
    ['false < 0', { kind: 'boolean', value: false }],
    ['true() < 0', { kind: 'call', name: 'true', args: [] }],
    ["'it\\'s' < 0", { kind: 'string', quote: "'", parts: [{ kind: 'text', text: "it's" }] }],
    ['"a\\"b" < 0', { kind: 'string', quote: '"', parts: [{ kind: 'text', text: 'a"b' }] }],
    ["'a\\\"b' < 0", { kind: 'string', quote: "'", parts: [{ kind: 'text', text: 'a\\"b' }] }],
    ["'\\$\\d+' < 0", { kind: 'string', quote: "'", parts: [{ kind: 'text', text: '\\$\\d+' }] }],
  ])('reads the left term of %j', (text, head) => {
    expect(parseStatement(text).left.head).toEqual(head);
  });

  it('parses interpolations inside strings with a brace-balanced, quote-aware scanner', () => {
    const head = parseStatement(`"x\${'{\\"a\\":{\\"b\\":1}}' | json_path '$.a'}y" = 1`).left.head;
    expect(head).toEqual({
      kind: 'string',
      quote: '"',
      parts: [
        { kind: 'text', text: 'x' },
        { kind: 'interpolation', expression: parseExpression(`'{"a":{"b":1}}' | json_path '$.a'`) },
        { kind: 'text', text: 'y' },
      ],
    });
  });

  it('closes a string at its last escaped quote when no plain quote follows, as Tracetest’s lexer does', () => {
    expect(parseStatement('attr:x = "a\\"').right.head).toEqual({
      kind: 'string',
      quote: '"',
      parts: [{ kind: 'text', text: 'a\\' }],
    });
  });

  it('prints canonically', () => {
    expect(printStatement(parseStatement("attr:a+1|json_path '$.x'   contains[1,-2ms,true,uuid()]"))).toBe(
      "attr:a + 1 | json_path '$.x' contains [1, -2ms, true, uuid()]",
    );
    expect(printStatement(parseStatement(`'it\\'s \${ var:A }' = "say \\"\${var:B}\\""`))).toBe(
      `'it\\'s \${var:A}' = "say \\"\${var:B}\\""`,
    );
  });
});

describe('tryParseStatement and tryParseExpression', () => {
  it('return the tree or the syntax error', () => {
    const good = tryParseStatement('attr:x = 1');
    expect(good.ok && good.statement.comparator).toBe('=');
    const bad = tryParseStatement('attr:x');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('EXPRESSION_SYNTAX');
    const expression = tryParseExpression('attr:x | type');
    expect(expression.ok && expression.expression.filters).toEqual([{ name: 'type', args: [] }]);
    const badExpression = tryParseExpression('attr:x = 1');
    expect(!badExpression.ok && (badExpression.error.details as ExpressionSyntaxDetails).offset).toBe(7);
  });

  it('reports where the problem is and how long it is', () => {
    const result = tryParseStatement('attr:x = 1 contains 2');
    expect(!result.ok && result.error.details).toEqual({
      offset: 11,
      line: 1,
      column: 12,
      length: 8,
      problem: expect.stringContaining('second comparator'),
    });
  });
});
