// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the interpolation syntax under test, not a template literal.
import { describe, expect, it } from 'vitest';
import { isTracecheckError, type TracecheckError } from '../errors';
import { F1 } from '../testing/index';
import type { ExpressionSyntaxDetails } from './expression-syntax-error';
import {
  createVariableLookup,
  type EvaluationContext,
  findVariableReferences,
  resolveTemplate,
} from './index';
import { scanInterpolations } from './scan-interpolations';

const context: EvaluationContext = {
  variables: createVariableLookup({ HOST: 'shop.local', NAME: 'ana', N: '42', ID: '7' }),
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

describe('resolveTemplate', () => {
  it.each([
    ['http://${var:HOST}/orders/${env:ID}', 'http://shop.local/orders/7'],
    ['no interpolation: 100% "quoted" \\n O\'Brien', 'no interpolation: 100% "quoted" \\n O\'Brien'],
    [`{"name":"O'Brien","id":\${var:ID}}`, `{"name":"O'Brien","id":7}`],
    [`{"q":"say \\"\${var:NAME}\\""}`, `{"q":"say \\"ana\\""}`],
    ['100% of ${var:N}%s', '100% of 42%s'],
    [`{"year": "\${date('YYYY')}"}`, '{"year": "2024"}'],
    [`\${'{"a":{"b":1}}' | json_path '$.a.b'}`, '1'],
    ['${var:N + 1}', '43'],
    ['${1ms}', '1000000'],
    ['${[1, "a"]}', '[1, "a"]'],
    ['$${var:NAME}', '$ana'],
    ['${var:NAME', '${var:NAME'],
    ['${}', '${}'],
    ['a ${ ${var:NAME}', 'a ${ ana'],
    ['${"x-${var:NAME}"}', 'x-ana'],
    ['', ''],
  ])('%j → %j', (template, expected) => {
    expect(resolveTemplate(template, context)).toBe(expected);
  });

  it('reports an undefined variable with the field quoted', () => {
    const error = failureOf(() => resolveTemplate('http://${var:NOPE}/x', context));
    expect(error.code).toBe('VARIABLES_MISSING');
    expect(error.message).toBe(
      'cannot resolve ${var:NOPE} in "http://${var:NOPE}/x": resolution error: variable "NOPE" not found',
    );
  });

  it('reports an evaluation failure', () => {
    const error = failureOf(() => resolveTemplate('${var:N / 0}', context));
    expect(error.code).toBe('DEFINITION_INVALID');
    expect(error.message).toContain('division by zero');
  });

  it('points a syntax error at its place in the field', () => {
    const error = failureOf(() => resolveTemplate('http://host/${var:N +}/x', context));
    expect(error.code).toBe('EXPRESSION_SYNTAX');
    const details = error.details as ExpressionSyntaxDetails;
    expect(details.column).toBe(22);
    expect(error.message).toContain('invalid template "http://host/${var:N +}/x"');
    expect(error.message.split('\n').at(-1)).toBe(`${' '.repeat(21)}^`);
  });

  it('rejects attribute references: a trigger has no span yet', () => {
    const error = failureOf(() => resolveTemplate('${attr:http.method}', { ...context, span: F1.spans[0]! }));
    expect(error.code).toBe('EXPRESSION_SYNTAX');
    expect(error.message).toContain('reads a span attribute');
  });
});

describe('findVariableReferences', () => {
  it.each<[string, 'template' | 'expression', string[]]>([
    ['http://${var:HOST}:${env:PORT}/x?id=${var:HOST}', 'template', ['HOST', 'PORT']],
    ['${"a ${var:INNER}" | type}', 'template', ['INNER']],
    [`\${'{"k":"\${var:DEEP}"}' | json_path '$.k'}`, 'template', ['DEEP']],
    ['plain var:NOT_AN_EXPRESSION text', 'template', []],
    ['${var:BROKEN +}', 'template', ['BROKEN']],
    ['var:A + env:B | json_path var:C', 'expression', ['A', 'B', 'C']],
    ['"${var:D}" = 1', 'expression', ['D']],
    ['var:a.b_c', 'expression', ['a.b_c']],
    ['var:E = ', 'expression', ['E']],
    ['attr:http.status_code', 'expression', []],
    ['var:F @ var:G', 'expression', ['F']],
  ])('%j (%s) references %o', (text, kind, names) => {
    expect(findVariableReferences(text, kind)).toEqual(names);
  });
});

describe('scanInterpolations', () => {
  it.each([
    [
      'a${x}b',
      [
        { kind: 'text', text: 'a' },
        { kind: 'interpolation', source: 'x', offset: 3 },
        { kind: 'text', text: 'b' },
      ],
    ],
    [
      '${a}${b}',
      [
        { kind: 'interpolation', source: 'a', offset: 2 },
        { kind: 'interpolation', source: 'b', offset: 6 },
      ],
    ],
    ["${'}'}", [{ kind: 'interpolation', source: "'}'", offset: 2 }]],
    ['${"\\"}"}', [{ kind: 'interpolation', source: '"\\"}"', offset: 2 }]],
    ['${{}}', [{ kind: 'interpolation', source: '{}', offset: 2 }]],
    ["${'unclosed}", [{ kind: 'text', text: "${'unclosed}" }]],
    ['${}x', [{ kind: 'text', text: '${}x' }]],
    [
      '$${x}',
      [
        { kind: 'text', text: '$' },
        { kind: 'interpolation', source: 'x', offset: 3 },
      ],
    ],
    ['plain', [{ kind: 'text', text: 'plain' }]],
    ['', []],
  ])('splits %j', (text, pieces) => {
    expect(scanInterpolations(text)).toEqual(pieces);
  });
});
