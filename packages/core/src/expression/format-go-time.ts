import { createEvaluationFailure } from './expression-failure';

/** Layout elements of Go's `time.Format`, as `nextStdChunk` recognises them. */
type GoLayoutElement =
  | 'longMonth'
  | 'month'
  | 'numMonth'
  | 'zeroMonth'
  | 'longWeekDay'
  | 'weekDay'
  | 'day'
  | 'underDay'
  | 'zeroDay'
  | 'underYearDay'
  | 'zeroYearDay'
  | 'hour'
  | 'hour12'
  | 'zeroHour12'
  | 'minute'
  | 'zeroMinute'
  | 'second'
  | 'zeroSecond'
  | 'longYear'
  | 'year'
  | 'PM'
  | 'pm'
  | 'tz'
  | 'iso8601SecondsTZ'
  | 'iso8601ColonSecondsTZ'
  | 'iso8601TZ'
  | 'iso8601ColonTZ'
  | 'iso8601ShortTZ'
  | 'numSecondsTZ'
  | 'numColonSecondsTZ'
  | 'numTZ'
  | 'numColonTZ'
  | 'numShortTZ';

type LayoutChunk =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'element'; readonly element: GoLayoutElement }
  | {
      readonly kind: 'fraction';
      readonly digits: number;
      readonly trim: boolean;
      readonly separator: string;
    };

const ZERO_ELEMENTS: readonly GoLayoutElement[] = [
  'zeroMonth',
  'zeroDay',
  'zeroHour12',
  'zeroMinute',
  'zeroSecond',
  'year',
];
const TZ_PREFIXES: readonly (readonly [string, GoLayoutElement])[] = [
  ['-070000', 'numSecondsTZ'],
  ['-07:00:00', 'numColonSecondsTZ'],
  ['-0700', 'numTZ'],
  ['-07:00', 'numColonTZ'],
  ['-07', 'numShortTZ'],
  ['Z070000', 'iso8601SecondsTZ'],
  ['Z07:00:00', 'iso8601ColonSecondsTZ'],
  ['Z0700', 'iso8601TZ'],
  ['Z07:00', 'iso8601ColonTZ'],
  ['Z07', 'iso8601ShortTZ'],
];

function isDigitAt(text: string, i: number): boolean {
  const c = text[i];
  return c !== undefined && c >= '0' && c <= '9';
}

function startsWithLowerCase(text: string, i: number): boolean {
  const c = text[i];
  return c !== undefined && c >= 'a' && c <= 'z';
}

/** The element at `i`, with its length; `undefined` when `layout[i]` is literal text. */
function elementAt(layout: string, i: number): { chunk: LayoutChunk; length: number } | undefined {
  const element = (e: GoLayoutElement, length: number) => ({
    chunk: { kind: 'element', element: e } as const,
    length,
  });
  const rest = (n: number) => layout.slice(i, i + n);
  switch (layout[i]) {
    case 'J':
      if (rest(7) === 'January') return element('longMonth', 7);
      if (rest(3) === 'Jan' && !startsWithLowerCase(layout, i + 3)) return element('month', 3);
      return undefined;
    case 'M':
      if (rest(6) === 'Monday') return element('longWeekDay', 6);
      if (rest(3) === 'Mon' && !startsWithLowerCase(layout, i + 3)) return element('weekDay', 3);
      if (rest(3) === 'MST') return element('tz', 3);
      return undefined;
    case '0': {
      const next = layout[i + 1];
      if (next !== undefined && next >= '1' && next <= '6')
        return element(ZERO_ELEMENTS[Number(next) - 1]!, 2);
      if (rest(3) === '002') return element('zeroYearDay', 3);
      return undefined;
    }
    case '1':
      return layout[i + 1] === '5' ? element('hour', 2) : element('numMonth', 1);
    case '2':
      return rest(4) === '2006' ? element('longYear', 4) : element('day', 1);
    case '_':
      // `_2006` is a literal `_` followed by the year.
      if (layout[i + 1] === '2' && layout.slice(i + 1, i + 5) !== '2006') return element('underDay', 2);
      if (rest(3) === '__2') return element('underYearDay', 3);
      return undefined;
    case '3':
      return element('hour12', 1);
    case '4':
      return element('minute', 1);
    case '5':
      return element('second', 1);
    case 'P':
      return layout[i + 1] === 'M' ? element('PM', 2) : undefined;
    case 'p':
      return layout[i + 1] === 'm' ? element('pm', 2) : undefined;
    case '-':
    case 'Z': {
      const match = TZ_PREFIXES.find(([prefix]) => layout.startsWith(prefix, i));
      return match ? element(match[1], match[0].length) : undefined;
    }
    case '.':
    case ',': {
      const digit = layout[i + 1];
      if (digit !== '0' && digit !== '9') return undefined;
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (isDigitAt(layout, j)) return undefined;
      const chunk: LayoutChunk = {
        kind: 'fraction',
        digits: Math.min(j - i - 1, 9),
        trim: digit === '9',
        separator: layout[i]!,
      };
      return { chunk, length: j - i };
    }
    default:
      return undefined;
  }
}

function splitLayout(layout: string): LayoutChunk[] {
  const chunks: LayoutChunk[] = [];
  let literal = '';
  let i = 0;
  while (i < layout.length) {
    const found = elementAt(layout, i);
    if (!found) {
      literal += layout[i];
      i++;
      continue;
    }
    if (literal) {
      chunks.push({ kind: 'literal', text: literal });
      literal = '';
    }
    chunks.push(found.chunk);
    i += found.length;
  }
  if (literal) chunks.push({ kind: 'literal', text: literal });
  return chunks;
}

/** Local calendar fields of an instant in a time zone. */
export interface ZonedTime {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  /** 0 = Sunday */
  readonly weekDay: number;
  /** 1–366 */
  readonly yearDay: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanosecond: number;
  /** Seconds east of UTC. */
  readonly offsetSeconds: number;
  /** Zone abbreviation (`CEST`, `UTC`), or `""` when the zone has none. */
  readonly abbreviation: string;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();

function formatterFor(
  cache: Map<string, Intl.DateTimeFormat>,
  key: string,
  make: () => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let format = cache.get(key);
  if (!format) {
    try {
      format = make();
    } catch {
      throw createEvaluationFailure(
        `unknown time zone "${key.split('|')[0]}": use an IANA name such as Europe/Paris or UTC`,
      );
    }
    cache.set(key, format);
  }
  return format;
}

function zonePart(format: Intl.DateTimeFormat, date: Date): string {
  return format.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** Offset east of UTC in seconds, from Intl's `GMT+05:30` form. */
function offsetSecondsAt(date: Date, timeZone: string): number {
  const format = formatterFor(
    offsetFormats,
    timeZone,
    () => new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }),
  );
  const match = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(zonePart(format, date));
  if (!match) return 0;
  const [, sign, h, m, s] = match;
  const seconds = Number(h) * 3600 + Number(m) * 60 + Number(s ?? 0);
  return sign === '-' ? -seconds : seconds;
}

/**
 * The zone abbreviation Go would print for `MST`. Intl names zones per locale (`en-US` knows `EDT`,
 * `en-GB` knows `CEST`); a zone that has no letters in either gets `""`, and Go's numeric form is used.
 */
function abbreviationAt(date: Date, timeZone: string): string {
  for (const locale of ['en-US', 'en-GB']) {
    const format = formatterFor(
      nameFormats,
      `${timeZone}|${locale}`,
      () => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }),
    );
    const name = zonePart(format, date);
    if (/^[A-Z]{2,5}$/.test(name)) return name;
  }
  return '';
}

const MS_PER_DAY = 86_400_000;

/** Calendar fields of `epochMs` in `timeZone` (an IANA name). */
export function zonedTimeOf(epochMs: number, timeZone: string): ZonedTime {
  const instant = new Date(epochMs);
  const offsetSeconds = offsetSecondsAt(instant, timeZone);
  const local = new Date(epochMs + offsetSeconds * 1000);
  const year = local.getUTCFullYear();
  const startOfYear = Date.UTC(year, 0, 1);
  const startOfDay = Date.UTC(year, local.getUTCMonth(), local.getUTCDate());
  const millisecond = ((epochMs % 1000) + 1000) % 1000;
  return {
    year,
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekDay: local.getUTCDay(),
    yearDay: Math.round((startOfDay - startOfYear) / MS_PER_DAY) + 1,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    nanosecond: Math.floor(millisecond) * 1_000_000,
    offsetSeconds,
    abbreviation: abbreviationAt(instant, timeZone),
  };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEK_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go's `appendInt(b, x, width)`: zero-padded to `width`, sign first. */
function pad(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

function formatZone(element: GoLayoutElement, offsetSeconds: number): string {
  const iso = element.startsWith('iso8601');
  if (iso && offsetSeconds === 0) return 'Z';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const absolute = Math.abs(offsetSeconds);
  const minutes = Math.floor(absolute / 60);
  const colon = element.includes('Colon') ? ':' : '';
  let text = `${sign}${pad(Math.floor(minutes / 60), 2)}`;
  if (element !== 'numShortTZ' && element !== 'iso8601ShortTZ') text += `${colon}${pad(minutes % 60, 2)}`;
  if (element.includes('Seconds')) text += `${colon}${pad(absolute % 60, 2)}`;
  return text;
}

function formatElement(element: GoLayoutElement, t: ZonedTime): string {
  switch (element) {
    case 'longMonth':
      return MONTHS[t.month - 1]!;
    case 'month':
      return MONTHS[t.month - 1]!.slice(0, 3);
    case 'numMonth':
      return String(t.month);
    case 'zeroMonth':
      return pad(t.month, 2);
    case 'longWeekDay':
      return WEEK_DAYS[t.weekDay]!;
    case 'weekDay':
      return WEEK_DAYS[t.weekDay]!.slice(0, 3);
    case 'day':
      return String(t.day);
    case 'underDay':
      return t.day < 10 ? ` ${t.day}` : String(t.day);
    case 'zeroDay':
      return pad(t.day, 2);
    case 'underYearDay':
      return String(t.yearDay).padStart(3, ' ');
    case 'zeroYearDay':
      return pad(t.yearDay, 3);
    case 'hour':
      return pad(t.hour, 2);
    case 'hour12':
      return String(t.hour % 12 === 0 ? 12 : t.hour % 12);
    case 'zeroHour12':
      return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, 2);
    case 'minute':
      return String(t.minute);
    case 'zeroMinute':
      return pad(t.minute, 2);
    case 'second':
      return String(t.second);
    case 'zeroSecond':
      return pad(t.second, 2);
    case 'longYear':
      return pad(t.year, 4);
    case 'year':
      return pad(Math.abs(t.year) % 100, 2);
    case 'PM':
      return t.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return t.hour >= 12 ? 'pm' : 'am';
    case 'tz':
      if (t.abbreviation) return t.abbreviation;
      return formatZone(t.offsetSeconds % 3600 === 0 ? 'numShortTZ' : 'numTZ', t.offsetSeconds);
    default:
      return formatZone(element, t.offsetSeconds);
  }
}

function formatFraction(chunk: Extract<LayoutChunk, { kind: 'fraction' }>, nanosecond: number): string {
  if (chunk.trim && nanosecond === 0) return '';
  let digits = pad(nanosecond, 9).slice(0, chunk.digits);
  if (chunk.trim) digits = digits.replace(/0+$/, '');
  return digits ? `${chunk.separator}${digits}` : '';
}

/**
 * Formats an instant with a Go `time.Format` layout (reference time `Mon Jan 2 15:04:05 MST 2006`).
 * @example formatGoTime('2006-01-02T15:04:05Z07:00', Date.UTC(2024, 4, 30, 14, 7), 'UTC') // '2024-05-30T14:07:00Z'
 */
export function formatGoTime(layout: string, epochMs: number, timeZone: string): string {
  const time = zonedTimeOf(epochMs, timeZone);
  let out = '';
  for (const chunk of splitLayout(layout)) {
    if (chunk.kind === 'literal') out += chunk.text;
    else if (chunk.kind === 'fraction') out += formatFraction(chunk, time.nanosecond);
    else out += formatElement(chunk.element, time);
  }
  return out;
}

// Tracetest's Excel-like tokens, replaced in this order, each everywhere (SPEC §5.7).
const DATE_PATTERN_TOKENS: readonly (readonly [string, string])[] = [
  ['hh', '15'],
  ['h', '03'],
  ['mm', '04'],
  ['ss', '05'],
  ['MMMM', 'January'],
  ['MMM', 'Jan'],
  ['MM', '01'],
  ['M', '1'],
  ['pm', 'PM'],
  ['ZZZZ', '-0700'],
  ['ZZZ', 'MST'],
  ['ZZ', 'Z07:00'],
  ['YYYY', '2006'],
  ['YY', '06'],
  ['DDDD', 'Monday'],
  ['DDD', 'Mon'],
  ['DD', '02'],
  ['D', '2'],
];

/**
 * Translates a `date()`/`dateTime()` pattern into a Go layout, token by token, as Tracetest does:
 * `DD/MM/YYYY hh:mm` → `02/01/2006 15:04`. Text left over is used as Go layout.
 */
export function translateDatePattern(pattern: string): string {
  let layout = pattern;
  for (const [token, replacement] of DATE_PATTERN_TOKENS) layout = layout.replaceAll(token, replacement);
  return layout;
}
