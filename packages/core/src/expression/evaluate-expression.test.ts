// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the interpolation syntax under test, not a template literal.
import { describe, expect, it } from 'vitest';
import { isTracecheckError, type TracecheckError } from '../errors';
import { buildTrace } from '../testing/index';
import {
  createVariableLookup,
  type EvaluationContext,
  type ExpressionValue,
  evaluateExpression,
  formatValue,
} from './index';

const VARIABLES = {
  NAME: 'ana',
  NUM: '42',
  EMPTY: '',
  JSON: '{"a": 1}',
  LIST: '[1, 2, 3]',
  QUOTED: '\\"hi\\"',
};
const context: EvaluationContext = {
  variables: createVariableLookup(VARIABLES),
  random: () => 0.5,
  nowMs: () => Date.UTC(2024, 4, 30, 14, 7, 9),
  timeZone: 'UTC',
};

function failureOf(run: () => unknown): TracecheckError {
  try {
    run();
  } catch (error) {
    if (isTracecheckError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('evaluateExpression', () => {
  it.each<[string, ExpressionValue]>([
    ['var:NAME', { kind: 'single', type: 'string', text: 'ana' }],
    ['env:NAME', { kind: 'single', type: 'string', text: 'ana' }],
    ['var:NUM + 1', { kind: 'single', type: 'number', text: '43' }],
    ['var:EMPTY', { kind: 'single', type: 'string', text: '' }],
    ['var:JSON', { kind: 'single', type: 'json', text: '{"a": 1}' }],
    ['var:LIST', { kind: 'single', type: 'array', text: '[1, 2, 3]' }],
    ['"200"', { kind: 'single', type: 'number', text: '200' }],
    ["'1500ms'", { kind: 'single', type: 'duration', text: '1500ms' }],
    ['"${var:JSON}"', { kind: 'single', type: 'json', text: '{"a": 1}' }],
    ["'${1ms + 1ns}'", { kind: 'single', type: 'number', text: '1000001' }],
    ['"${var:EMPTY}x"', { kind: 'single', type: 'string', text: 'x' }],
    ['"${[1, \'a\']}"', { kind: 'single', type: 'array', text: '[1, "a"]' }],
    ['1.5s', { kind: 'single', type: 'duration', text: '1500000000' }],
    ['-2ms', { kind: 'single', type: 'duration', text: '-2000000' }],
    ['-5', { kind: 'single', type: 'number', text: '-5' }],
    ['"${-5}"', { kind: 'single', type: 'string', text: '-5' }],
    ['02', { kind: 'single', type: 'number', text: '02' }],
    ['true', { kind: 'single', type: 'string', text: 'true' }],
    ['"${false}"', { kind: 'single', type: 'string', text: 'false' }],
    ['[true] | get_index 0', { kind: 'single', type: 'string', text: 'true' }],
    ['\'say "hi"\' | regex var:QUOTED', { kind: 'single', type: 'string', text: '"hi"' }],
    ['date("YYYY") + 1', { kind: 'single', type: 'number', text: '2025' }],
  ])('%s', (text, expected) => {
    expect(evaluateExpression(text, context)).toEqual(expected);
  });

  it.each([
    ['[[1, 2], "a", 3]', '[[1, 2], "a", 3]'],
    ['[1, var:NAME, 2s]', '[1, "ana", 2000000000]'],
    ['[]', '[]'],
  ])('formats the array %s as %s', (text, expected) => {
    expect(formatValue(evaluateExpression(text, context))).toBe(expected);
  });

  it('reads attributes of the bound span, with attr:name as the span name', () => {
    const trace = buildTrace([
      { id: 1, name: 'root', startMs: 0, endMs: 10, attributes: { 'http.method': 'GET', name: '' } },
      { id: 2, parent: 1, name: 'child', startMs: 1, endMs: 2, attributes: { name: 'custom' } },
    ]);
    const [root, child] = trace.spans;
    expect(formatValue(evaluateExpression('attr:http.method', { ...context, span: root! }))).toBe('GET');
    expect(formatValue(evaluateExpression('attr:name', { ...context, span: root! }))).toBe('root');
    expect(formatValue(evaluateExpression('attr:name', { ...context, span: child! }))).toBe('custom');
    expect(
      formatValue(evaluateExpression('attr:tracetest.span.duration', { ...context, span: child! })),
    ).toBe('1000000');
  });

  it.each([
    [
      'var:MISSING',
      'VARIABLES_MISSING',
      'resolution error: variable "MISSING" not found',
      { reason: 'resolution', variable: 'MISSING' },
    ],
    [
      'attr:x',
      'DEFINITION_INVALID',
      'resolution error: there are no matching spans to retrieve the attribute "x" from',
      { reason: 'resolution' },
    ],
    [
      'attr:tracetest.selected_spans.count',
      'DEFINITION_INVALID',
      'resolution error: the meta attribute "tracetest.selected_spans.count" is only available in assertions and outputs',
      { reason: 'resolution' },
    ],
    [
      '1 + "a"',
      'DEFINITION_INVALID',
      'types mismatch: cannot compute number "1" + string "a"',
      { reason: 'evaluation' },
    ],
    [
      '"a" + "b"',
      'DEFINITION_INVALID',
      'operation is only allowed on numbers and duration fields',
      { reason: 'evaluation' },
    ],
    ['var:NUM / 0', 'DEFINITION_INVALID', 'division by zero', { reason: 'evaluation' }],
  ])('%s fails with %s', (text, code, message, details) => {
    const error = failureOf(() => evaluateExpression(text, context));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.details).toEqual(details);
  });

  it('throws the syntax error of text that does not parse', () => {
    expect(failureOf(() => evaluateExpression('attr:x = 1', context)).code).toBe('EXPRESSION_SYNTAX');
  });

  it('counts the selection for the meta attribute', () => {
    expect(
      evaluateExpression('attr:tracetest.selected_spans.count', { ...context, selectedSpanCount: 0 }),
    ).toEqual({
      kind: 'single',
      type: 'number',
      text: '0',
    });
  });

  it('falls back to the runtime clock, randomness and time zone', () => {
    const bare: EvaluationContext = { variables: () => undefined };
    expect(formatValue(evaluateExpression('date()', bare))).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(formatValue(evaluateExpression('randomInt(1, 3)', bare))).toMatch(/^[123]$/);
  });
});

describe('createVariableLookup', () => {
  it('reads records and maps, and nothing inherited', () => {
    const fromRecord = createVariableLookup({ A: '1', EMPTY: '' });
    expect([fromRecord('A'), fromRecord('EMPTY'), fromRecord('B'), fromRecord('constructor')]).toEqual([
      '1',
      '',
      undefined,
      undefined,
    ]);
    const fromMap = createVariableLookup(new Map([['A', '2']]));
    expect([fromMap('A'), fromMap('B')]).toEqual(['2', undefined]);
  });
});
