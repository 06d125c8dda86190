import { describe, expect, it } from 'vitest';
import { isTracecheckError } from '../errors';
import { applyFilter } from './apply-filter';
import {
  createArrayValue,
  createSingleValue,
  type ExpressionValue,
  formatValue,
  NIL_VALUE,
  valueFromText,
} from './expression-value';

const text = valueFromText;
const BODY = text(
  '{"id": 7, "b": 1, "2": 0, "ratio": 1.0, "none": null, "tags": ["a", "b"], "owner": {"name": "ana", "age": 30}, "ids": [1, 2, 3], "d": "2s"}',
);

function failureOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isTracecheckError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('json_path', () => {
  it.each<[string, ExpressionValue]>([
    ['$.id', createSingleValue('number', '7')],
    ['$.owner.name', createSingleValue('string', 'ana')],
    ['$.d', createSingleValue('duration', '2s')],
    ['$.ratio', createSingleValue('number', '1.0')],
    ['$.none', createSingleValue('json', 'null')],
    ['$.owner', createSingleValue('json', '{"name":"ana","age":30}')],
    ['$["b","2"]', createArrayValue([text('1'), text('0')])],
    ['$.ids', createSingleValue('array', '[1,2,3]')],
    ['$.tags[*]', createArrayValue([text('a'), text('b')])],
    ['$.missing', NIL_VALUE],
  ])('%s', (path, expected) => {
    expect(applyFilter('json_path', BODY, [path])).toEqual(expected);
  });

  it('keeps the key order of the source document (Q12)', () => {
    const value = applyFilter('json_path', text('{"x": {"b": 1, "2": 0, "a": [1.50, "q"]}}'), ['$.x']);
    expect(formatValue(value)).toBe('{"b":1,"2":0,"a":[1.50,"q"]}');
  });

  it.each([
    [createArrayValue([text('{"a":1}')]), '$.a', 'cannot process array of json objects'],
    [text('not json'), '$.a', 'the input is not valid JSON'],
    [NIL_VALUE, '$.a', 'the input is not valid JSON'],
    [BODY, '$[?(@.id = 7)]', 'invalid JSONPath "$[?(@.id = 7)]"'],
  ])('fails on %o with %s', (input, path, message) => {
    expect(failureOf(() => applyFilter('json_path', input, [path]))).toContain(message);
  });
});

describe('regex and regex_group', () => {
  it.each<[string, string, string, ExpressionValue]>([
    ['regex', 'cost $12.50 and $3', '\\$\\d+(\\.\\d+)?', createArrayValue([text('$12.50'), text('$3')])],
    ['regex', 'order 42', '\\d+', createSingleValue('number', '42')],
    ['regex', 'xyz', '\\d', createArrayValue([])],
    ['regex', 'baaa', 'a*', createArrayValue([text(''), text('aaa')])],
    ['regex', 'é😀x', '.', createArrayValue([text('é'), text('😀'), text('x')])],
    ['regex', 'ABC', '(?i)b', createSingleValue('string', 'B')],
    [
      'regex_group',
      'Hello Marcus, you have 8 meetings',
      'Hello (\\w+), you have (\\d+)',
      createArrayValue([text('Marcus'), text('8')]),
    ],
    ['regex_group', 'id=1 id=2', 'id=(\\d)', createArrayValue([text('1'), text('2')])],
    ['regex_group', 'id=1', 'id=(\\d)', createSingleValue('number', '1')],
    ['regex_group', 'id=1', 'id=\\d', createArrayValue([])],
    ['regex_group', 'a', '(a)(b)?', createArrayValue([text('a'), text('')])],
  ])('%s %j on %j', (filter, input, pattern, expected) => {
    expect(applyFilter(filter, text(input), [pattern])).toEqual(expected);
  });

  it.each([
    ['regex', text('x'), 'a(', 'invalid regular expression "a(": error parsing regexp: missing closing )'],
    ['regex', text('x'), '(?<=a)b', 'invalid regular expression'],
    ['regex', createArrayValue([text('a')]), 'a', 'regex needs a single value, got an array of 1 items'],
    ['regex_group', createArrayValue([]), 'a', 'regex_group needs a single value'],
  ])('%s fails on %o with pattern %j', (filter, input, pattern, message) => {
    expect(failureOf(() => applyFilter(filter, input, [pattern]))).toContain(message);
  });
});

describe('get_index, length and type', () => {
  const list = createArrayValue([text('a'), text('1'), text('2s')]);

  it.each<[ExpressionValue, string, ExpressionValue]>([
    [list, '0', text('a')],
    [list, '2', createSingleValue('duration', '2s')],
    [list, 'last', createSingleValue('duration', '2s')],
    [text('[1, 2, 3]'), '0', text('[1, 2, 3]')],
    [text('solo'), 'last', text('solo')],
  ])('get_index on %o at %s', (input, index, expected) => {
    expect(applyFilter('get_index', input, [index])).toEqual(expected);
  });

  it.each<[ExpressionValue, string, string]>([
    [list, '3', 'index out of boundaries'],
    [list, '-1', 'index out of boundaries'],
    [createArrayValue([]), 'last', 'index out of boundaries'],
    [NIL_VALUE, '0', 'index out of boundaries'],
    [list, 'first', 'expected a whole number or \'last\', got "first"'],
  ])('get_index on %o at %s fails', (input, index, message) => {
    expect(failureOf(() => applyFilter('get_index', input, [index]))).toContain(message);
  });

  it.each<[ExpressionValue, string]>([
    [list, '3'],
    [createArrayValue([]), '0'],
    [text('abc'), '3'],
    [text('é'), '2'],
    [text('😀'), '4'],
    [text(''), '0'],
    [NIL_VALUE, '0'],
  ])('length of %o is %s', (input, expected) => {
    expect(applyFilter('length', input, [])).toEqual(createSingleValue('number', expected));
  });

  it.each([text('5'), text('2s'), text('{"a":1}'), text('["x", "y"]')])(
    'length of %o is an unsupported type',
    (input) => {
      expect(failureOf(() => applyFilter('length', input, []))).toContain('unsupported type');
    },
  );

  it.each<[ExpressionValue, string]>([
    [list, 'array'],
    [NIL_VALUE, 'nil'],
    [text('abc'), 'string'],
    [text('5'), 'number'],
    [text('5ms'), 'duration'],
    [text('{"a":1}'), 'json'],
    [text('[1, 2]'), 'array'],
  ])('type of %o is %s', (input, expected) => {
    expect(applyFilter('type', input, [])).toEqual(createSingleValue('string', expected));
  });
});

describe('applyFilter', () => {
  it.each([
    [
      'nope',
      [],
      'resolution error: filter "nope" not found: available filters are json_path, regex, regex_group, get_index, length, type',
    ],
    ['length', ['1'], 'filter length takes no arguments, got 1: write | length'],
    ['json_path', [], "filter json_path takes 1 argument, got 0: write | json_path '$.path'"],
    [
      'get_index',
      ['1', '2'],
      "filter get_index takes 1 argument, got 2: write | get_index N (N from 0, or 'last')",
    ],
  ])('%s with %o fails', (name, args, message) => {
    expect(failureOf(() => applyFilter(name, text('x'), args))).toBe(message);
  });
});
