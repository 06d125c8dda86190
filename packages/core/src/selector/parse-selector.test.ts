import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isTracecheckError, type TracecheckError } from '../errors';
import { parseSelector, tryParseSelector } from './parse-selector';
import { printSelector } from './print-selector';
import type { Selector, SelectorFilter } from './selector';
import type { SelectorErrorDetails } from './selector-syntax-error';

interface InvalidExample {
  readonly selector: string;
  readonly column: number;
  readonly line?: number;
  readonly message: string;
}

const examples = parseYaml(readFileSync(new URL('./examples.yaml', import.meta.url), 'utf8')) as {
  valid: string[];
  invalid: InvalidExample[];
};

/** The tree without what depends on where things were written: positions, source, compiled patterns. */
function meaningOf(selector: Selector): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'range' && key !== 'pattern')
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return { complexes: strip(selector.complexes), warnings: selector.warnings.map((w) => w.message) };
}

function syntaxErrorOf(text: string): TracecheckError {
  const result = tryParseSelector(text);
  if (result.ok) throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
  return result.error;
}

describe('examples.yaml', () => {
  it.each(examples.valid)('valid: %j parses, and print -> parse gives the same tree', (text) => {
    const selector = parseSelector(text);
    const printed = printSelector(selector);
    const reparsed = parseSelector(printed);
    expect(meaningOf(reparsed)).toEqual(meaningOf(selector));
    expect(printSelector(reparsed)).toBe(printed);
  });

  it.each(examples.invalid)('invalid: $selector at column $column', ({ selector, column, line, message }) => {
    const error = syntaxErrorOf(selector);
    expect(error.code).toBe('SELECTOR_SYNTAX');
    const details = error.details as SelectorErrorDetails;
    expect({ line: details.line, column: details.column }).toEqual({ line: line ?? 1, column });
    expect(error.message).toContain(message);
  });
});

describe('parseSelector', () => {
  it('builds the tree of a selector with every construct', () => {
    const selector = parseSelector(
      'span[name="a" http.route]:has(> span[x >= 2]):nth_child(2) > span[d < 1.5ms]:not(span[y])',
    );
    expect(meaningOf(selector)).toEqual({
      warnings: [],
      complexes: [
        {
          head: {
            filters: [
              { property: 'name', operator: '=', value: { type: 'string', value: 'a' } },
              { property: 'http.route', operator: 'exists' },
            ],
            pseudoClasses: [
              {
                name: 'has',
                branches: [
                  {
                    combinator: 'child',
                    selector: {
                      head: {
                        filters: [
                          {
                            property: 'x',
                            operator: '>=',
                            value: { type: 'number', source: '2', value: { units: 2n, scale: 0 } },
                          },
                        ],
                        pseudoClasses: [],
                      },
                      tail: [],
                    },
                  },
                ],
              },
              { name: 'nth_child', n: 2 },
            ],
          },
          tail: [
            {
              combinator: 'child',
              compound: {
                filters: [
                  {
                    property: 'd',
                    operator: '<',
                    value: { type: 'duration', source: '1.5ms', valueNs: { units: 15_000_000n, scale: 1 } },
                  },
                ],
                pseudoClasses: [
                  {
                    name: 'not',
                    compounds: [{ filters: [{ property: 'y', operator: 'exists' }], pseudoClasses: [] }],
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it.each([
    ['"tab\\t nl\\n q\\" bs\\\\ bell\\a"', 'tab\t nl\n q" bs\\ bell\u0007'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\xc3\\xa9"', 'é'],
    ['"\\xff"', '\ufffd'],
    ['"é 名前"', 'é 名前'],
  ])('reads the Go string %s', (literal, value) => {
    const filter = parseSelector(`span[s=${literal}]`).complexes[0]!.head.filters[0]!;
    expect(filter).toMatchObject({ value: { type: 'string', value } });
  });

  it.each([
    ['12', 12n, 0],
    ['-12', -12n, 0],
    ['1.50', 150n, 2],
    ['.5', 5n, 1],
    ['1.', 1n, 0],
    ['1e3', 1000n, 0],
    ['1.5e-3', 15n, 4],
    ['0x1F', 31n, 0],
    ['0X1f', 31n, 0],
    ['0o17', 15n, 0],
    ['017', 15n, 0],
    ['09.5', 95n, 1],
    ['0b101', 5n, 0],
    ['1_000', 1000n, 0],
    ['0x_1F', 31n, 0],
    ['0x1p-2', 25n, 2],
    ['0x1.8p1', 3000n, 3],
  ])('reads the Go number %s exactly', (literal, units, scale) => {
    const filter = parseSelector(`span[n=${literal}]`).complexes[0]!.head.filters[0]!;
    expect(filter).toMatchObject({ value: { type: 'number', source: literal, value: { units, scale } } });
  });

  it.each([
    ['100ms', 100_000_000n, 0],
    ['1.5s', 15_000_000_000n, 1],
    ['-2us', -2000n, 0],
    ['3ns', 3n, 0],
    ['2m', 120_000_000_000n, 0],
    ['1h', 3_600_000_000_000n, 0],
  ])('reads the duration %s as one token', (literal, units, scale) => {
    const filters = parseSelector(`span[d<${literal}]`).complexes[0]!.head.filters;
    expect(filters).toHaveLength(1);
    expect(filters[0]).toMatchObject({
      value: { type: 'duration', source: literal, valueNs: { units, scale } },
    });
  });

  it('reads a number glued to a word that is not a unit as two tokens, as Go does', () => {
    const filters = parseSelector('span[a=1b]').complexes[0]!.head.filters;
    expect(filters.map((f: SelectorFilter) => [f.property, f.operator])).toEqual([
      ['a', '='],
      ['b', 'exists'],
    ]);
  });

  it('reads an operator word after a property as the operator, and as a property elsewhere', () => {
    const filters = parseSelector('span[contains="x" a contains "y", matches]').complexes[0]!.head.filters;
    expect(filters.map((f) => [f.property, f.operator])).toEqual([
      ['contains', '='],
      ['a', 'contains'],
      ['matches', 'exists'],
    ]);
  });

  it('compiles a matches pattern once, at parse time, anchored at both ends', () => {
    const filter = parseSelector('span[url matches "/users/\\\\d+"]').complexes[0]!.head.filters[0]!;
    if (filter.operator !== 'matches') throw new Error('expected a matches filter');
    expect([filter.pattern.matches('/users/12'), filter.pattern.matches('/users/12/x')]).toEqual([
      true,
      false,
    ]);
  });

  it('warns when several positional pseudo-classes are written, and keeps the last one', () => {
    const selector = parseSelector('span[a]:first:has(span[b]):last');
    expect(selector.warnings).toEqual([
      {
        message:
          'several positional pseudo-classes on one span selector: only the last one written (:last) is used',
        range: { offset: 26, length: 5 },
      },
    ]);
  });

  it('records where each compound and filter is written', () => {
    const { head, tail } = parseSelector('span[a="1"] > span[bb]:first').complexes[0]!;
    expect(head.range).toEqual({ offset: 0, length: 11 });
    expect(head.filters[0]!.range).toEqual({ offset: 5, length: 5 });
    expect(tail[0]!.compound.range).toEqual({ offset: 14, length: 14 });
  });
});

describe('syntax errors', () => {
  it('quote the line, say what was expected and point at the column', () => {
    const error = syntaxErrorOf('span[name="a"] span[name=]');
    expect(error.message).toBe(
      'invalid selector at line 1, column 26: expected a value: a double-quoted string, a number, a duration ' +
        'such as 100ms, true or false after "=", found "]"\n' +
        'span[name="a"] span[name=]\n' +
        '                         ^',
    );
    expect(error.details).toEqual({ offset: 25, line: 1, column: 26, length: 1 });
    expect(isTracecheckError(error) && error.httpStatus).toBe(400);
  });

  it('show only the offending line of a multi-line selector', () => {
    const error = syntaxErrorOf('span[a="1"]\n  span[b="2"] span[c=]');
    expect(error.message.split('\n').slice(1)).toEqual(['  span[b="2"] span[c=]', `${' '.repeat(21)}^`]);
    expect(error.details).toEqual({ offset: 33, line: 2, column: 22, length: 1 });
  });

  it('are thrown by parseSelector', () => {
    expect(() => parseSelector('span[')).toThrowError(/invalid selector at line 1, column 6/);
  });

  it('report the first problem in the text, before any later lexical error', () => {
    expect(syntaxErrorOf('span[ = "\\d"]').details).toMatchObject({ column: 7 });
  });
});

describe('tryParseSelector', () => {
  it('returns the selector when the text is valid', () => {
    const result = tryParseSelector('span[name="x"]');
    expect(result.ok && result.selector.complexes).toHaveLength(1);
  });

  it('returns the error when the text is invalid', () => {
    const result = tryParseSelector('span[name="x"');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('SELECTOR_SYNTAX');
  });
});
