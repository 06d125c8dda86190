import type { AnyValue, KeyValue } from '../trace/model';
import { encodeBase64 } from './base64';

/**
 * Formats a double as its shortest round-trip decimal, always in plain notation (never `1e+21`), so
 * that exact decimal comparison (SPEC §5.9) can read it: `19.99`, `0.5`, `-1.5`, `0`. Non-finite
 * values are `NaN`, `Infinity` and `-Infinity`.
 * @example formatDouble(1e21) // '1000000000000000000000'
 */
export function formatDouble(value: number): string {
  const text = String(value); // shortest round-trip digits; String(-0) is '0'
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${plain}` : plain;
}

/** Appends `value` as JSON text: int64 exact, doubles in plain notation, bytes as base64, empty as null. */
function appendJson(value: AnyValue): string {
  switch (value.type) {
    case 'string':
      return JSON.stringify(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'int':
      return value.value.toString();
    case 'double':
      return Number.isFinite(value.value) ? formatDouble(value.value) : `"${formatDouble(value.value)}"`;
    case 'bytes':
      return `"${encodeBase64(value.value)}"`;
    case 'array':
      return `[${value.value.map(appendJson).join(',')}]`;
    case 'kvlist':
      return kvlistJson(value.value);
    case 'empty':
      return 'null';
  }
}

function kvlistJson(list: readonly KeyValue[]): string {
  // Keys must be unique in a JSON object: the last value of a repeated key wins, as in attributes.
  const entries = new Map<string, string>();
  for (const kv of list) entries.set(kv.key, appendJson(kv.value));
  let out = '';
  for (const [key, json] of entries) out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${json}`;
  return `{${out}}`;
}

/**
 * Flattens an OTLP attribute value to the string Tracecheck stores (SPEC §3.2, Q14 and Q25
 * recommended): strings as is, ints exact, bools `true`/`false`, doubles as shortest round-trip
 * decimals, arrays and kvlists as compact JSON, bytes as base64, an empty value as `''`.
 * @example flattenAnyValue({ type: 'double', value: 19.99 }) // '19.99'
 * @example flattenAnyValue({ type: 'array', value: [{ type: 'string', value: 'a' }] }) // '["a"]'
 */
export function flattenAnyValue(value: AnyValue): string {
  switch (value.type) {
    case 'string':
      return value.value;
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'int':
      return value.value.toString();
    case 'double':
      return formatDouble(value.value);
    case 'bytes':
      return encodeBase64(value.value);
    case 'array':
    case 'kvlist':
      return appendJson(value);
    case 'empty':
      return '';
  }
}
