import { parseGoDurationNs } from '../values/index';

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether `text` is an RFC 3339 date-time with optional fractional seconds (`2023-10-16T19:39:35.3Z`). */
export function isRfc3339(text: string): boolean {
  const m = RFC3339_RE.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return (
    daysInMonth !== undefined &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60 &&
    offsetOk
  );
}

/** Whether the runtime knows `name` as an IANA time zone (`Europe/Madrid`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const CRON_FIELDS: readonly CronField[] = [
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

const CRON_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function cronValue(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index < 0 ? undefined : index + field.min;
}

function describeCronFieldProblem(text: string, field: CronField): string | undefined {
  for (const item of text.split(',')) {
    const [range = '', step, ...rest] = item.split('/');
    if (rest.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
      return `${JSON.stringify(item)} has a bad step: write a range then /N, e.g. */15`;
    }
    // `?` means "any" in the day fields, as in the cron library Tracetest uses.
    if (range === '*' || (range === '?' && field.name.startsWith('day'))) continue;
    const [from = '', to, ...more] = range.split('-');
    const low = cronValue(from, field);
    const high = to === undefined ? low : cronValue(to, field);
    if (more.length > 0 || low === undefined || high === undefined || high < low) {
      const allowed = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
      return `${JSON.stringify(item)} is not a valid ${field.name}: expected *, a value, a range or a list within ${allowed}`;
    }
  }
  return undefined;
}

/**
 * Why `text` is not a standard 5-field cron schedule (minute hour day-of-month month day-of-week), or
 * `undefined` when it is one. Descriptors such as `@hourly` and `@every 1h30m` are accepted too.
 * @example describeCronProblem('*\/15 * * * *') // undefined
 */
export function describeCronProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (CRON_DESCRIPTORS.includes(trimmed)) return undefined;
  if (trimmed.startsWith('@every ')) {
    const duration = trimmed.slice('@every '.length).trim();
    const ns = parseGoDurationNs(duration);
    return ns !== undefined && ns > 0n
      ? undefined
      : `${JSON.stringify(duration)} is not a positive Go duration: write e.g. @every 1h30m`;
  }
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return `${JSON.stringify(text)} has ${fields.length} field${fields.length === 1 ? '' : 's'}: expected 5 (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *"`;
  }
  for (let i = 0; i < fields.length; i++) {
    const problem = describeCronFieldProblem(fields[i]!, CRON_FIELDS[i]!);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
