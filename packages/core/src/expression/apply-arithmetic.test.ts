import { describe, expect, it } from 'vitest';
import { isTracecheckError } from '../errors';
import { applyArithmetic, formatFloatTwoDecimals } from './apply-arithmetic';
import type { ArithmeticOperator } from './ast';
import { createArrayValue, createSingleValue, type ExpressionValue, valueFromText } from './expression-value';
import { formatDurationDisplay } from './format-duration-display';

const number = (text: string) => createSingleValue('number', text);
const duration = (text: string) => createSingleValue('duration', text);

describe('applyArithmetic', () => {
  it.each<[ExpressionValue, ArithmeticOperator, ExpressionValue, string, string]>([
    [number('1'), '+', number('2'), 'number', '3'],
    [number('7'), '-', number('10'), 'number', '-3'],
    [number('10'), '/', number('4'), 'number', '2'],
    [number('-7'), '/', number('2'), 'number', '-3'],
    [number('3'), '*', number('02'), 'number', '6'],
    [number('1.5'), '+', number('1.5'), 'number', '3.00'],
    [number('10.0'), '/', number('4'), 'number', '2.50'],
    [number('0.1'), '+', number('0.2'), 'number', '0.30'],
    [number('10'), '/', number('3.0'), 'number', '3.33'],
    [number('9007199254740993'), '+', number('1'), 'number', '9007199254740994'],
    [number('1700000000101500000'), '-', number('1700000000100000000'), 'number', '1500000'],
    [
      number('123456789012345678901234567890'),
      '*',
      number('10'),
      'number',
      '1234567890123456789012345678900',
    ],
    [duration('1000000'), '+', duration('1000000'), 'duration', '2000000'],
    [duration('1500ms'), '+', duration('1'), 'duration', '1500000001'],
    [duration('3000000'), '/', duration('2'), 'duration', '1500000'],
  ])('%o %s %o = %s %s', (left, operator, right, type, text) => {
    expect(applyArithmetic(operator, left, right)).toEqual({ kind: 'single', type, text });
  });

  it.each<[ExpressionValue, ArithmeticOperator, ExpressionValue, string]>([
    [number('1'), '+', valueFromText('a'), 'types mismatch'],
    [duration('2000000'), '*', number('2'), 'types mismatch'],
    [valueFromText('a'), '+', valueFromText('b'), 'operation is only allowed on numbers and duration fields'],
    [createArrayValue([number('1')]), '+', number('1'), 'types mismatch'],
    [createArrayValue([number('1')]), '+', createArrayValue([number('1')]), 'only allowed on numbers'],
    [number('1'), '/', number('0'), 'division by zero'],
    [number('1.5'), '/', number('0.0'), 'division by zero'],
    [duration('1'), '/', duration('0'), 'division by zero'],
  ])('%o %s %o fails with %j', (left, operator, right, message) => {
    let error: unknown;
    try {
      applyArithmetic(operator, left, right);
    } catch (e) {
      error = e;
    }
    expect(isTracecheckError(error) && error.message).toContain(message);
  });
});

describe('formatFloatTwoDecimals (Go %.2f)', () => {
  it.each([
    [0.125, '0.12'],
    [0.375, '0.38'],
    [2.675, '2.67'],
    [1.005, '1.00'],
    [-0.001, '-0.00'],
    [-1.5, '-1.50'],
    [0, '0.00'],
    [123456789.125, '123456789.12'],
    [1e21, '1000000000000000000000.00'],
  ])('%d → %s', (x, text) => {
    expect(formatFloatTwoDecimals(x)).toBe(text);
  });
});

describe('formatDurationDisplay (SPEC §5.11, recommended)', () => {
  it.each([
    ['890000000', '890ms'],
    ['1500000', '1.5ms'],
    ['1234567', '1.235ms'],
    ['90000000000', '1.5m'],
    ['61000000000', '1.017m'],
    ['1000000000', '1s'],
    ['999999999', '1s'],
    ['0', '0ns'],
    ['999', '999ns'],
    ['1000', '1us'],
    ['-2000000', '-2ms'],
    ['3600000000000', '1h'],
    ['5400000000000', '1.5h'],
    ['360000000000000', '100h'],
    ['12.5', '12.5ns'],
    ['abc', undefined],
  ])('%s ns → %s', (ns, text) => {
    expect(formatDurationDisplay(ns)).toBe(text);
  });
});
