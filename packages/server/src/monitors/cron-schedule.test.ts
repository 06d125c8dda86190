import { describe, expect, it } from 'vitest';
import { parseCronSchedule } from './cron-schedule';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const at = (text: string) => Date.parse(text);

/** The next `count` ticks after `from`. */
function ticks(cron: string, timeZone: string | undefined, from: string, count: number): string[] {
  const schedule = parseCronSchedule(cron, timeZone);
  const out: string[] = [];
  let cursor = at(from);
  for (let index = 0; index < count; index++) {
    const next = schedule.next(cursor);
    if (next === undefined) break;
    out.push(iso(next)!);
    cursor = next;
  }
  return out;
}

describe('parseCronSchedule', () => {
  it.each([
    [
      '*/15 * * * *',
      undefined,
      '2025-01-01T10:07:00Z',
      ['2025-01-01T10:15:00.000Z', '2025-01-01T10:30:00.000Z'],
    ],
    ['0 9 * * MON-FRI', 'Europe/Madrid', '2025-01-03T09:00:00Z', ['2025-01-06T08:00:00.000Z']],
    ['0 9 * * 1-5', 'America/New_York', '2025-07-04T12:00:00Z', ['2025-07-04T13:00:00.000Z']],
    ['@hourly', 'UTC', '2025-01-01T10:00:00Z', ['2025-01-01T11:00:00.000Z', '2025-01-01T12:00:00.000Z']],
    ['@daily', 'Asia/Kolkata', '2025-01-01T00:00:00Z', ['2025-01-01T18:30:00.000Z']],
    [
      '5/20 * * * *',
      undefined,
      '2025-01-01T10:06:00Z',
      ['2025-01-01T10:25:00.000Z', '2025-01-01T10:45:00.000Z'],
    ],
    // Both day fields restricted: either matches (the 13th, or a Friday).
    [
      '0 0 13 * FRI',
      undefined,
      '2025-06-01T00:00:00Z',
      ['2025-06-06T00:00:00.000Z', '2025-06-13T00:00:00.000Z'],
    ],
    ['0 0 ? * SUN', undefined, '2025-06-01T00:00:00Z', ['2025-06-08T00:00:00.000Z']],
    ['0 12 29 2 *', undefined, '2025-01-01T00:00:00Z', ['2028-02-29T12:00:00.000Z']],
    [
      '@every 90m',
      'Europe/Madrid',
      '2025-01-01T00:00:00Z',
      ['2025-01-01T01:30:00.000Z', '2025-01-01T03:00:00.000Z'],
    ],
  ])('%s in %s after %s', (cron, timeZone, from, expected) => {
    expect(ticks(cron, timeZone, from, expected.length)).toEqual(expected);
  });

  it('does not fire a wall time skipped when clocks go forward (Europe/Madrid, 2025-03-30 02:00 → 03:00)', () => {
    expect(ticks('30 2 * * *', 'Europe/Madrid', '2025-03-29T12:00:00Z', 2)).toEqual([
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
    // An hourly rhythm simply has no 02:xx that night.
    expect(ticks('0 * * * *', 'Europe/Madrid', '2025-03-29T23:30:00Z', 3)).toEqual([
      '2025-03-30T00:00:00.000Z',
      '2025-03-30T01:00:00.000Z',
      '2025-03-30T02:00:00.000Z',
    ]);
  });

  it('fires a repeated wall time once when clocks go back, but keeps an hourly rhythm', () => {
    // 2025-10-26 03:00 CEST → 02:00 CET: 02:30 happens at 00:30Z and at 01:30Z.
    expect(ticks('30 2 * * *', 'Europe/Madrid', '2025-10-25T12:00:00Z', 2)).toEqual([
      '2025-10-26T00:30:00.000Z',
      '2025-10-27T01:30:00.000Z',
    ]);
    expect(ticks('0,30 * * * *', 'Europe/Madrid', '2025-10-25T23:45:00Z', 6)).toEqual([
      '2025-10-26T00:00:00.000Z',
      '2025-10-26T00:30:00.000Z',
      '2025-10-26T01:00:00.000Z',
      '2025-10-26T01:30:00.000Z',
      '2025-10-26T02:00:00.000Z',
      '2025-10-26T02:30:00.000Z',
    ]);
  });

  it('finds the latest tick at or before an instant, around clock changes too', () => {
    const madrid = parseCronSchedule('30 2 * * *', 'Europe/Madrid');
    expect(iso(madrid.latest(at('2025-10-26T01:45:00Z')))).toBe('2025-10-26T00:30:00.000Z');
    expect(iso(madrid.latest(at('2025-10-26T00:30:00Z')))).toBe('2025-10-26T00:30:00.000Z');
    expect(iso(madrid.latest(at('2025-03-30T12:00:00Z')))).toBe('2025-03-29T01:30:00.000Z');
    const hourly = parseCronSchedule('0 * * * *', 'Europe/Madrid');
    expect(iso(hourly.latest(at('2025-10-26T01:20:00Z')))).toBe('2025-10-26T01:00:00.000Z');
    expect(iso(parseCronSchedule('*/5 * * * *').latest(at('2025-01-01T10:04:59.999Z')))).toBe(
      '2025-01-01T10:00:00.000Z',
    );
    expect(iso(parseCronSchedule('@every 1h').latest(at('2025-01-01T10:04:00Z')))).toBe(
      '2025-01-01T10:00:00.000Z',
    );
  });

  it('answers undefined for a schedule that never fires', () => {
    expect(parseCronSchedule('0 0 30 2 *').next(at('2025-01-01T00:00:00Z'))).toBeUndefined();
  });

  it.each([
    ['* * * *', 'has 4 fields'],
    ['61 * * * *', '"61" is not a minute'],
    ['*/0 * * * *', 'bad step'],
    ['0 0 * * 7', 'not a day of week'],
    ['@every soon', 'not a duration'],
  ])('rejects %s', (cron, message) => {
    expect(() => parseCronSchedule(cron)).toThrow(expect.objectContaining({ code: 'DEFINITION_INVALID' }));
    expect(() => parseCronSchedule(cron)).toThrow(message);
  });

  it('rejects an unknown time zone', () => {
    expect(() => parseCronSchedule('* * * * *', 'Mars/Olympus')).toThrow(
      /"Mars\/Olympus", which is not a time zone/,
    );
  });
});
