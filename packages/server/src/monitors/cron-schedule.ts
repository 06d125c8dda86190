import { parseGoDurationNs, TracecheckError } from '@tracecheck/core';

/**
 * The ticks of a monitor's schedule (SPEC §1.13 `schedule: {cron, timeZone}`), as instants in Unix ms.
 *
 * The grammar is the one the definition reader accepts (five fields minute hour day-of-month month
 * day-of-week with `*`, `?`, values, names, ranges, lists and `/step`; the descriptors `@hourly`,
 * `@daily`…; `@every <Go duration>`), evaluated as robfig/cron (the library of Tracetest) does:
 * - when both day fields are restricted a day matches either of them, otherwise both;
 * - `N/step` runs from N to the field's maximum;
 * - fields are wall-clock times in `timeZone` (default UTC). A wall time skipped when clocks go
 *   forward (DST) does not fire; a wall time that happens twice when clocks go back fires once, at
 *   its first occurrence;
 * - `@every D` fires at the multiples of D since the Unix epoch (so every replica computes the same
 *   instants), whatever the time zone.
 */
export interface CronSchedule {
  /** The first tick strictly after `afterMs`; undefined when the schedule never fires again. */
  next(afterMs: number): number | undefined;
  /** The last tick at or before `atMs`; undefined when there is none in the last years. */
  latest(atMs: number): number | undefined;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How far a search looks: a schedule such as "0 0 30 2 *" never fires. */
const SEARCH_DAYS = 366 * 5;
/** Wider than any clock change, so a search starting from a wall time misses no first occurrence. */
const WALL_MARGIN_MS = 3 * HOUR_MS;

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

interface ParsedField {
  readonly values: ReadonlySet<number>;
  /** `*` or `?`: the day fields combine differently when one of them is unrestricted. */
  readonly any: boolean;
}

function invalid(cron: string, why: string): TracecheckError {
  return new TracecheckError(
    'DEFINITION_INVALID',
    `the monitor schedule ${JSON.stringify(cron)} is not a cron schedule: ${why}; write five fields ` +
      '(minute hour day-of-month month day-of-week) such as "*/15 * * * *", a descriptor such as @hourly, or @every 1h',
    { cron },
  );
}

function parseValue(cron: string, text: string, field: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value >= field.min && value <= field.max) return value;
  } else {
    const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
    if (index >= 0) return index + field.min;
  }
  throw invalid(cron, `${JSON.stringify(text)} is not a ${field.name} (${field.min}-${field.max})`);
}

function parseField(cron: string, text: string, field: FieldSpec): ParsedField {
  const values = new Set<number>();
  let any = false;
  for (const item of text.split(',')) {
    const [range = '', stepText, ...rest] = item.split('/');
    if (rest.length > 0 || (stepText !== undefined && !/^[1-9]\d*$/.test(stepText))) {
      throw invalid(cron, `${JSON.stringify(item)} has a bad step (write e.g. */15)`);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    let low: number;
    let high: number;
    if (range === '*' || (range === '?' && field.name.startsWith('day'))) {
      low = field.min;
      high = field.max;
      if (stepText === undefined) any = true;
    } else {
      const [from = '', to, ...more] = range.split('-');
      if (more.length > 0) throw invalid(cron, `${JSON.stringify(range)} is not a range`);
      low = parseValue(cron, from, field);
      // robfig/cron: a single value with a step runs to the field's maximum.
      high = to === undefined ? (stepText === undefined ? low : field.max) : parseValue(cron, to, field);
      if (high < low) throw invalid(cron, `${JSON.stringify(range)} ends before it starts`);
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return { values, any };
}

/** Offsets of a time zone, from the wall clock Intl computes for an instant. */
function createZoneClock(timeZone: string): (instantMs: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  /** The wall clock of the instant read as if it were UTC, minus the instant: the zone's offset. */
  return (instantMs) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(instantMs)) parts[part.type] = part.value;
    const year = Number(parts.year) * (parts.era === 'BC' || parts.era === 'B' ? -1 : 1);
    const wall = Date.UTC(
      year,
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    return wall - (instantMs - (((instantMs % 1000) + 1000) % 1000));
  };
}

function parseTimeZone(cron: string, timeZone: string): (instantMs: number) => number {
  try {
    return createZoneClock(timeZone);
  } catch (error) {
    throw new TracecheckError(
      'DEFINITION_INVALID',
      `the monitor schedule ${JSON.stringify(cron)} has the time zone ${JSON.stringify(timeZone)}, which is not a ` +
        'time zone: write an IANA name such as UTC or Europe/Madrid',
      { timeZone },
      { cause: error },
    );
  }
}

function everySchedule(cron: string, durationText: string): CronSchedule {
  const ns = parseGoDurationNs(durationText);
  const periodMs = ns === undefined ? Number.NaN : Number(ns / 1_000_000n);
  if (!Number.isSafeInteger(periodMs) || periodMs < 1) {
    throw invalid(
      cron,
      `${JSON.stringify(durationText)} is not a duration of at least 1ms (write e.g. 1h30m)`,
    );
  }
  const latest = (atMs: number) => Math.floor(atMs / periodMs) * periodMs;
  return { latest, next: (afterMs) => latest(afterMs) + periodMs };
}

/**
 * Parses a monitor's schedule.
 * @example
 * const schedule = parseCronSchedule('0 9 * * MON-FRI', 'Europe/Madrid');
 * new Date(schedule.next(Date.UTC(2025, 0, 6, 7, 0))!).toISOString() // '2025-01-06T08:00:00.000Z'
 */
export function parseCronSchedule(cron: string, timeZone = 'UTC'): CronSchedule {
  const trimmed = cron.trim();
  if (trimmed.startsWith('@every ')) return everySchedule(cron, trimmed.slice('@every '.length).trim());
  const expanded = DESCRIPTORS[trimmed.toLowerCase()] ?? trimmed;
  const texts = expanded === '' ? [] : expanded.split(/\s+/);
  if (texts.length !== FIELDS.length) {
    throw invalid(cron, `it has ${texts.length} field${texts.length === 1 ? '' : 's'} instead of 5`);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = FIELDS.map((field, index) =>
    parseField(cron, texts[index]!, field),
  ) as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  const offsetAt = parseTimeZone(cron, timeZone);
  const hourList = [...hours.values].sort((a, b) => a - b);
  const minuteList = [...minutes.values].sort((a, b) => a - b);

  function dayMatches(dayMs: number): boolean {
    const date = new Date(dayMs);
    if (!months.values.has(date.getUTCMonth() + 1)) return false;
    const dom = daysOfMonth.values.has(date.getUTCDate());
    const dow = daysOfWeek.values.has(date.getUTCDay());
    return daysOfMonth.any || daysOfWeek.any ? dom && dow : dom || dow;
  }

  /**
   * The instants whose wall clock is `wallMs` (read as UTC): none inside a skipped hour, two in a
   * repeated one. A repeated wall time fires once (its first occurrence) unless the hour field is `*`,
   * which keeps an hourly rhythm in real time.
   */
  function instantsOf(wallMs: number): number[] {
    const instants: number[] = [];
    for (const offset of new Set([offsetAt(wallMs - DAY_MS), offsetAt(wallMs + DAY_MS)])) {
      const instant = wallMs - offset;
      if (offsetAt(instant) === offset) instants.push(instant);
    }
    instants.sort((a, b) => a - b);
    return hours.any ? instants : instants.slice(0, 1);
  }

  /**
   * The matching tick nearest to `fromMs` in `direction` that `accept`s. The walk goes over wall
   * times, from a clock change's width before (or after) `fromMs`'s own wall time; once a tick is
   * found it looks one more clock change's width further, since a repeated hour can hold a nearer one.
   */
  function search(fromMs: number, direction: 1 | -1, accept: (instant: number) => boolean) {
    const offset = offsetAt(fromMs);
    const startWallMs = fromMs + offset - direction * WALL_MARGIN_MS;
    // Without a clock change near `fromMs` (the usual case), wall times near it convert by subtraction.
    const steady = offsetAt(fromMs - 2 * DAY_MS) === offset && offsetAt(fromMs + 2 * DAY_MS) === offset;
    const instantsNear = (wall: number) =>
      steady && Math.abs(wall - startWallMs) < DAY_MS ? [wall - offset] : instantsOf(wall);
    const startDay = Math.floor(startWallMs / DAY_MS) * DAY_MS;
    const hoursInOrder = direction === 1 ? hourList : [...hourList].reverse();
    const minutesInOrder = direction === 1 ? minuteList : [...minuteList].reverse();
    let best: number | undefined;
    let limitWallMs = Number.NaN;
    for (let day = 0; day <= SEARCH_DAYS; day++) {
      const dayMs = startDay + direction * day * DAY_MS;
      if (best !== undefined && direction * (dayMs - limitWallMs) > DAY_MS) break;
      if (!dayMatches(dayMs)) continue;
      for (const hour of hoursInOrder) {
        for (const minute of minutesInOrder) {
          const wall = dayMs + hour * HOUR_MS + minute * MINUTE_MS;
          if (direction * (wall - startWallMs) < 0) continue;
          if (best !== undefined && direction * (wall - limitWallMs) > 0) return best;
          for (const instant of instantsNear(wall)) {
            if (!accept(instant) || (best !== undefined && direction * (instant - best) >= 0)) continue;
            if (best === undefined) limitWallMs = wall + direction * WALL_MARGIN_MS;
            best = instant;
          }
        }
      }
    }
    return best;
  }

  return {
    next: (afterMs) => search(afterMs, 1, (at) => at > afterMs),
    latest: (atMs) => search(atMs, -1, (at) => at <= atMs),
  };
}
