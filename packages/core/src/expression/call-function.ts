import { createEvaluationFailure, createResolutionFailure } from './expression-failure';
import { type ExpressionValue, formatValue, type SingleValue, valueFromText } from './expression-value';
import { formatGoTime, translateDatePattern, zonedTimeOf } from './format-go-time';
import { FIRST_NAMES, LAST_NAMES } from './person-names';

/** What the generator functions need from outside: randomness, a clock and a time zone. */
export interface FunctionEnvironment {
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly nowMs: () => number;
  /** IANA time zone of "local" dates. */
  readonly timeZone: string;
}

interface FunctionSpec {
  /** Declared parameter types; a `?` suffix marks an optional trailing parameter. */
  readonly params: readonly ('number' | 'string' | 'string?')[];
  readonly paramNames: readonly string[];
  readonly invoke: (args: readonly SingleValue[], env: FunctionEnvironment) => string;
}

function pick<T>(items: readonly T[], env: FunctionEnvironment): T {
  return items[Math.floor(env.random() * items.length)]!;
}

function randomDigits(count: number, env: FunctionEnvironment): string {
  let digits = '';
  for (let i = 0; i < count; i++) digits += Math.floor(env.random() * 10).toString();
  return digits;
}

function generateUuid(env: FunctionEnvironment): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(env.random() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

// Issuer prefixes and lengths of common card networks; every number passes the Luhn check.
const CARD_NETWORKS: readonly (readonly [prefix: string, length: number])[] = [
  ['4', 16], // Visa
  ['4', 13], // Visa (old)
  ['51', 16], // Mastercard
  ['55', 16], // Mastercard
  ['2221', 16], // Mastercard 2-series
  ['34', 15], // American Express
  ['37', 15], // American Express
  ['6011', 16], // Discover
  ['36', 14], // Diners Club
  ['3528', 16], // JCB
  ['6304', 19], // Maestro
];

/** The Luhn check digit for `body` (the number without its last digit). */
function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

function generateCardNumber(env: FunctionEnvironment): string {
  const [prefix, length] = pick(CARD_NETWORKS, env);
  const body = prefix + randomDigits(length - prefix.length - 1, env);
  return body + luhnCheckDigit(body).toString();
}

function generateExpiryDate(env: FunctionEnvironment): string {
  const month = 1 + Math.floor(env.random() * 12);
  const year = zonedTimeOf(env.nowMs(), env.timeZone).year + 1 + Math.floor(env.random() * 10);
  return `${month.toString().padStart(2, '0')}/${(year % 100).toString().padStart(2, '0')}`;
}

function parseWholeNumber(value: SingleValue, name: string): number {
  const n = Number(value.text);
  if (!/^-?[0-9]+$/.test(value.text) || !Number.isSafeInteger(n)) {
    throw createEvaluationFailure(`randomInt: ${name} must be a whole number, got "${value.text}"`);
  }
  return n;
}

function formatDate(defaultLayout: string, args: readonly SingleValue[], env: FunctionEnvironment): string {
  const pattern = args[0];
  const layout = pattern === undefined ? defaultLayout : translateDatePattern(pattern.text);
  return formatGoTime(layout, env.nowMs(), env.timeZone);
}

const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  uuid: { params: [], paramNames: [], invoke: (_, env) => generateUuid(env) },
  firstName: { params: [], paramNames: [], invoke: (_, env) => pick(FIRST_NAMES, env) },
  lastName: { params: [], paramNames: [], invoke: (_, env) => pick(LAST_NAMES, env) },
  fullName: {
    params: [],
    paramNames: [],
    invoke: (_, env) => `${pick(FIRST_NAMES, env)} ${pick(LAST_NAMES, env)}`,
  },
  email: {
    params: [],
    paramNames: [],
    invoke: (_, env) =>
      `${pick(FIRST_NAMES, env)}.${pick(LAST_NAMES, env)}@${pick(EMAIL_DOMAINS, env)}`.toLowerCase(),
  },
  phone: {
    params: [],
    paramNames: [],
    // Ten digits, the first one never 0 or 1 (as in North American numbers).
    invoke: (_, env) => `${2 + Math.floor(env.random() * 8)}${randomDigits(9, env)}`,
  },
  creditCard: { params: [], paramNames: [], invoke: (_, env) => generateCardNumber(env) },
  creditCardCvv: { params: [], paramNames: [], invoke: (_, env) => randomDigits(3, env) },
  creditCardExpDate: { params: [], paramNames: [], invoke: (_, env) => generateExpiryDate(env) },
  randomInt: {
    params: ['number', 'number'],
    paramNames: ['min', 'max'],
    invoke: ([minValue, maxValue], env) => {
      const min = parseWholeNumber(minValue!, 'min');
      const max = parseWholeNumber(maxValue!, 'max');
      if (min > max)
        throw createEvaluationFailure(`randomInt: min (${min}) must not be greater than max (${max})`);
      return (min + Math.floor(env.random() * (max - min + 1))).toString();
    },
  },
  date: {
    params: ['string?'],
    paramNames: ['format'],
    invoke: (args, env) => formatDate('2006-01-02', args, env),
  },
  dateTime: {
    params: ['string?'],
    paramNames: ['format'],
    invoke: (args, env) => formatDate('2006-01-02T15:04:05Z07:00', args, env),
  },
};

function signatureOf(name: string, spec: FunctionSpec): string {
  const params = spec.params.map(
    (p, i) => `${spec.paramNames[i]}: ${p.replace('?', '')}${p.endsWith('?') ? '?' : ''}`,
  );
  return `${name}(${params.join(', ')})`;
}

function describeArgument(value: ExpressionValue): string {
  return value.kind === 'array' ? `an array ${formatValue(value)}` : `${value.type} "${value.text}"`;
}

/**
 * Calls a generator function (SPEC §5.7). Each argument's type tag must equal the declared parameter
 * type; missing or extra arguments are errors. The result is typed from its text.
 * @example callFunction('randomInt', [valueFromText('5'), valueFromText('5')], env).text // '5'
 */
export function callFunction(
  name: string,
  args: readonly ExpressionValue[],
  env: FunctionEnvironment,
): SingleValue {
  const spec = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!spec) {
    throw createResolutionFailure(
      `function "${name}" not found: available functions are ${Object.keys(FUNCTIONS).join(', ')}`,
    );
  }
  const required = spec.params.filter((p) => !p.endsWith('?')).length;
  if (args.length < required || args.length > spec.params.length) {
    throw createEvaluationFailure(
      `${signatureOf(name, spec)} takes ${required === spec.params.length ? required : `${required} to ${spec.params.length}`} argument${spec.params.length === 1 ? '' : 's'}, got ${args.length}`,
    );
  }
  const singles: SingleValue[] = [];
  args.forEach((arg, i) => {
    const expected = spec.params[i]!.replace('?', '');
    if (arg.kind === 'array' || arg.type !== expected) {
      throw createEvaluationFailure(
        `argument ${spec.paramNames[i]} of ${signatureOf(name, spec)} must be a ${expected}, got ${describeArgument(arg)}`,
      );
    }
    singles.push(arg);
  });
  return valueFromText(spec.invoke(singles, env));
}
