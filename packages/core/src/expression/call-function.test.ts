import { describe, expect, it } from 'vitest';
import { isTracecheckError } from '../errors';
import { callFunction, type FunctionEnvironment } from './call-function';
import { createArrayValue, createSingleValue, type ExpressionValue, valueFromText } from './expression-value';
import { FIRST_NAMES, LAST_NAMES } from './person-names';

function environment(randoms: readonly number[] = [0.5], timeZone = 'UTC'): FunctionEnvironment {
  let i = 0;
  return {
    random: () => randoms[i++ % randoms.length]!,
    nowMs: () => Date.UTC(2024, 4, 30, 14, 7, 9),
    timeZone,
  };
}

function call(name: string, args: readonly ExpressionValue[] = [], env = environment()) {
  return callFunction(name, args, env);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

describe('callFunction', () => {
  it('uuid() is a version 4 UUID built from the injected randomness', () => {
    const { text, type } = call('uuid', [], environment([0.1, 0.7, 0.3]));
    expect(text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(type).toBe('string');
    expect(call('uuid', [], environment([0.1, 0.7, 0.3])).text).toBe(text);
  });

  it.each([
    [0, FIRST_NAMES[0], LAST_NAMES[0]],
    [0.999, FIRST_NAMES.at(-1), LAST_NAMES.at(-1)],
  ])('picks names from real lists (random %d)', (r, first, last) => {
    expect(call('firstName', [], environment([r])).text).toBe(first);
    expect(call('lastName', [], environment([r])).text).toBe(last);
    expect(call('fullName', [], environment([r])).text).toBe(`${first} ${last}`);
  });

  it('lastName() returns a family name, not a first name (Q13)', () => {
    const drawn = new Set(
      Array.from({ length: 50 }, (_, i) => call('lastName', [], environment([i / 50])).text),
    );
    expect([...drawn].every((name) => LAST_NAMES.includes(name))).toBe(true);
    expect(LAST_NAMES.length).toBeGreaterThan(100);
    expect(FIRST_NAMES.length).toBeGreaterThan(100);
  });

  it('email() looks like an address', () => {
    expect(call('email').text).toMatch(/^[a-z]+\.[a-z]+@example\.(com|net|org)$/);
  });

  it('phone() is ten digits', () => {
    const { text, type } = call('phone', [], environment([0.3, 0.9, 0.1]));
    expect(text).toMatch(/^[2-9][0-9]{9}$/);
    expect(type).toBe('number');
  });

  it.each([0, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.99])(
    'creditCard() passes the Luhn check (random %d)',
    (r) => {
      const { text } = call('creditCard', [], environment([r, 0.37, 0.81]));
      expect(text).toMatch(/^[0-9]{12,19}$/);
      expect(luhnValid(text)).toBe(true);
    },
  );

  it('creditCardCvv() is three digits and creditCardExpDate() a future MM/YY', () => {
    expect(call('creditCardCvv', [], environment([0.05])).text).toBe('000');
    expect(call('creditCardExpDate', [], environment([0, 0])).text).toBe('01/25');
    expect(call('creditCardExpDate', [], environment([0.99, 0.99])).text).toBe('12/34');
  });

  it.each([
    ['5', '5', [0.7], '5', 'number'],
    ['1', '9', [0], '1', 'number'],
    ['1', '9', [0.9999], '9', 'number'],
    // Results are typed from their text, and "-3" is a string (SPEC §5.4).
    ['-5', '-1', [0.5], '-3', 'string'],
    ['"1"', '"3"', [0.5], '2', 'number'],
  ])('randomInt(%s, %s) with random %o is %s', (min, max, randoms, expected, type) => {
    // A literal is typed number (also -5); a string whose text is numeric is typed number too.
    const arg = (text: string) => createSingleValue('number', text.replaceAll('"', ''));
    const value = call('randomInt', [arg(min), arg(max)], environment(randoms));
    expect(value).toEqual({ kind: 'single', type, text: expected });
  });

  it.each([
    ['date', [], 'UTC', '2024-05-30', 'string'],
    ['date', ['YYYY'], 'UTC', '2024', 'number'],
    ['date', ['DD/MM/YYYY'], 'UTC', '30/05/2024', 'string'],
    ['dateTime', [], 'UTC', '2024-05-30T14:07:09Z', 'string'],
    ['dateTime', [], 'Europe/Paris', '2024-05-30T16:07:09+02:00', 'string'],
    ['dateTime', ['DD/MM/YYYY hh:mm'], 'Asia/Tokyo', '30/05/2024 23:07', 'string'],
  ])('%s(%j) in %s is %s', (name, args, zone, text, type) => {
    const value = call(name, args.map(valueFromText), environment([0.5], zone));
    expect(value).toEqual({ kind: 'single', type, text });
  });

  it.each([
    ['nope', [], 'resolution error: function "nope" not found'],
    ['Uuid', [], 'function "Uuid" not found'],
    ['toString', [], 'function "toString" not found'],
    ['randomInt', [valueFromText('1')], 'randomInt(min: number, max: number) takes 2 arguments, got 1'],
    ['uuid', [valueFromText('1')], 'uuid() takes 0 arguments, got 1'],
    ['date', [valueFromText('a'), valueFromText('b')], 'takes 0 to 1 argument, got 2'],
    [
      'randomInt',
      [valueFromText('a'), valueFromText('1')],
      'argument min of randomInt(min: number, max: number) must be a number, got string "a"',
    ],
    ['randomInt', [valueFromText('1.5'), valueFromText('2')], 'min must be a whole number, got "1.5"'],
    ['randomInt', [valueFromText('9'), valueFromText('1')], 'must not be greater than max'],
    ['date', [valueFromText('2006')], 'must be a string, got number "2006"'],
    ['date', [createArrayValue([])], 'must be a string, got an array []'],
  ])('%s(%o) fails with %j', (name, args, message) => {
    let error: unknown;
    try {
      call(name, args);
    } catch (e) {
      error = e;
    }
    expect(isTracecheckError(error) && error.message).toContain(message);
  });
});
