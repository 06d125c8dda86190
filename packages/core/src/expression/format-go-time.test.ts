import { describe, expect, it } from 'vitest';
import { formatGoTime, translateDatePattern } from './format-go-time';

// Thursday 30 May 2024, 14:07:09.250 UTC: day 151 of a leap year.
const INSTANT = Date.UTC(2024, 4, 30, 14, 7, 9, 250);

describe('formatGoTime', () => {
  it.each([
    ['2006-01-02', 'UTC', '2024-05-30'],
    ['2006-01-02T15:04:05Z07:00', 'UTC', '2024-05-30T14:07:09Z'],
    ['Mon Jan _2 15:04:05 MST 2006', 'UTC', 'Thu May 30 14:07:09 UTC 2024'],
    ['Monday January 2 3:4:5 PM pm', 'UTC', 'Thursday May 30 2:7:9 PM pm'],
    ['01 02 03 04 05 06 002 __2', 'UTC', '05 30 02 07 09 24 151 151'],
    ['1 2 15', 'UTC', '5 30 14'],
    ['.000 .999 ,000 .9 .000000000 .99', 'UTC', '.250 .25 ,250 .2 .250000000 .25'],
    ['15:04:05.000', 'UTC', '14:07:09.250'],
    ['2006.01', 'UTC', '2024.05'],
    ['_2006', 'UTC', '_2024'],
    ['Janet Month', 'UTC', 'Janet Month'],
    ['Z07:00 Z0700 Z07 Z070000 Z07:00:00', 'UTC', 'Z Z Z Z Z'],
    ['-07:00 -0700 -07', 'UTC', '+00:00 +0000 +00'],
    ['text without elements', 'UTC', 'text without elements'],
    [
      '2006-01-02T15:04:05Z07:00 MST -0700 -07 -07:00:00 Z0700',
      'Europe/Paris',
      '2024-05-30T16:07:09+02:00 CEST +0200 +02 +02:00:00 +0200',
    ],
    ['15:04 MST Z07:00', 'America/New_York', '10:07 EDT -04:00'],
    ['15:04 -0700 -07:00 MST', 'Asia/Kolkata', '19:37 +0530 +05:30 +0530'],
  ])('formats %j in %s as %j', (layout, zone, expected) => {
    expect(formatGoTime(layout, INSTANT, zone)).toBe(expected);
  });

  it.each([
    [Date.UTC(2024, 0, 5, 0, 30), '_2 3 03 PM __2 002', ' 5 12 12 AM   5 005'],
    [Date.UTC(2024, 11, 31, 12, 0), '3 PM 002 Mon', '12 PM 366 Tue'],
    [Date.UTC(2023, 0, 1, 23, 59, 59, 999), '2006 06 .999', '2023 23 .999'],
  ])('formats %d with %j as %j', (instant, layout, expected) => {
    expect(formatGoTime(layout, instant, 'UTC')).toBe(expected);
  });

  it('rejects an unknown time zone with a clear message', () => {
    expect(() => formatGoTime('2006', INSTANT, 'Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});

describe('translateDatePattern', () => {
  it.each([
    ['DD/MM/YYYY hh:mm', '02/01/2006 15:04'],
    ['YYYY', '2006'],
    ['YY-M-D', '06-1-2'],
    ['h:mm:ss pm', '03:04:05 PM'],
    ['MMMM MMM', 'January Jan'],
    ['DDDD DDD', 'Monday Mon'],
    ['ZZZZ ZZZ ZZ', '-0700 MST Z07:00'],
    ['Monday', '1onday'],
    ['Q1', 'Q1'],
  ])('translates %j to the Go layout %j', (pattern, layout) => {
    expect(translateDatePattern(pattern)).toBe(layout);
  });

  it.each([
    ['DD/MM/YYYY hh:mm', '30/05/2024 14:07'],
    ['Q1', 'Q5'],
    ['YYYY', '2024'],
  ])('%j formats as %j', (pattern, expected) => {
    expect(formatGoTime(translateDatePattern(pattern), INSTANT, 'UTC')).toBe(expected);
  });
});
