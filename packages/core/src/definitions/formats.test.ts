import { describe, expect, it } from 'vitest';
import { describeCronProblem, isRfc3339, isTimeZone } from './formats';

describe('isRfc3339', () => {
  it.each([
    ['2023-10-16T19:39:35.345567Z', true],
    ['2024-02-29T00:00:00+01:00', true],
    ['2024-01-01t00:00:00z', true],
    ['2023-02-29T00:00:00Z', false],
    ['2024-13-01T00:00:00Z', false],
    ['2024-01-01 00:00:00Z', false],
    ['2024-01-01T24:00:00Z', false],
    ['2024-01-01T00:00:00', false],
    ['yesterday', false],
  ])('%s → %s', (text, valid) => {
    expect(isRfc3339(text)).toBe(valid);
  });
});

describe('isTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Etc/UTC', true],
    ['Europe/Madrid', true],
    ['Mars/Olympus', false],
  ])('%s → %s', (name, valid) => {
    expect(isTimeZone(name)).toBe(valid);
  });
});

describe('describeCronProblem', () => {
  it.each([
    '0 * * * *',
    '*/15 * * * *',
    '0 9-17/2 * JAN-MAR mon-fri',
    '5,35 0 1 * ?',
    '@hourly',
    '@every 1h30m',
  ])('%j is a valid schedule', (cron) => {
    expect(describeCronProblem(cron)).toBeUndefined();
  });

  it.each([
    [
      '0 * * *',
      '"0 * * *" has 4 fields: expected 5 (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *"',
    ],
    ['', '"" has 0 fields: expected 5 (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *"'],
    ['60 * * * *', '"60" is not a valid minute: expected *, a value, a range or a list within 0-59'],
    ['0 0 0 * *', '"0" is not a valid day of month: expected *, a value, a range or a list within 1-31'],
    [
      '0 0 * FOO *',
      '"FOO" is not a valid month: expected *, a value, a range or a list within 1-12 or JAN-DEC',
    ],
    ['*/0 * * * *', '"*/0" has a bad step: write a range then /N, e.g. */15'],
    ['5-1 * * * *', '"5-1" is not a valid minute: expected *, a value, a range or a list within 0-59'],
    ['? * * * *', '"?" is not a valid minute: expected *, a value, a range or a list within 0-59'],
    ['@every soon', '"soon" is not a positive Go duration: write e.g. @every 1h30m'],
  ])('%j: %s', (cron, problem) => {
    expect(describeCronProblem(cron)).toBe(problem);
  });
});
