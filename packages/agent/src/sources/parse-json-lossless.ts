/**
 * A JSON number kept as its source text, so that `12` (an integer) and `12.0` (a double) stay
 * distinguishable and 64-bit integers stay exact. Search backends (OpenSearch, Elasticsearch) return
 * span attributes this way: the literal is the only record of the attribute's type.
 */
export class JsonNumber {
  constructor(readonly text: string) {}

  /** `true` when the literal has no fraction and no exponent. */
  get isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }

  /** The exact integer; only valid when `isInteger`. */
  toBigInt(): bigint {
    return BigInt(this.text);
  }

  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | readonly JsonValue[] | JsonObject;
/** A JSON object; built without a prototype, so keys such as `__proto__` are plain keys. */
export type JsonObject = { readonly [key: string]: JsonValue };

const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE_RE = /[ \t\n\r]*/y;

/**
 * Parses JSON text like `JSON.parse`, but returns numbers as `JsonNumber` (their source text).
 * Throws a `SyntaxError` naming the offset for invalid JSON.
 * @example (parseJsonLossless('{"n": 9007199254740993}') as JsonObject).n // JsonNumber { text: '9007199254740993' }
 */
export function parseJsonLossless(text: string): JsonValue {
  let pos = 0;

  const fail = (expected: string): never => {
    const found = pos < text.length ? JSON.stringify(text.slice(pos, pos + 12)) : 'the end of the text';
    throw new SyntaxError(`invalid JSON at offset ${pos}: expected ${expected}, found ${found}`);
  };
  const skipWhitespace = (): void => {
    WHITESPACE_RE.lastIndex = pos;
    WHITESPACE_RE.exec(text);
    pos = WHITESPACE_RE.lastIndex;
  };
  const parseString = (): string => {
    const start = pos;
    pos++;
    for (;;) {
      const quote = text.indexOf('"', pos);
      if (quote < 0) {
        pos = start;
        fail('a closing quote');
      }
      let backslashes = 0;
      for (let i = quote - 1; i > start && text.charCodeAt(i) === 92; i--) backslashes++;
      pos = quote + 1;
      if (backslashes % 2 === 0) break;
    }
    const raw = text.slice(start, pos);
    // Only strings with escapes (or invalid control characters) need the full decoder; the common
    // case is a plain slice.
    return raw.includes('\\') || /[\u0000-\u001f]/.test(raw) ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const parseValue = (): JsonValue => {
    skipWhitespace();
    const c = text[pos];
    switch (c) {
      case '{': {
        pos++;
        const object: Record<string, JsonValue> = Object.create(null);
        skipWhitespace();
        if (text[pos] === '}') {
          pos++;
          return object;
        }
        for (;;) {
          skipWhitespace();
          if (text[pos] !== '"') fail('a quoted object key');
          const key = parseString();
          skipWhitespace();
          if (text[pos] !== ':') fail('":"');
          pos++;
          object[key] = parseValue();
          skipWhitespace();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === '}') {
            pos++;
            return object;
          }
          fail('"," or "}"');
        }
      }
      case '[': {
        pos++;
        const array: JsonValue[] = [];
        skipWhitespace();
        if (text[pos] === ']') {
          pos++;
          return array;
        }
        for (;;) {
          array.push(parseValue());
          skipWhitespace();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === ']') {
            pos++;
            return array;
          }
          fail('"," or "]"');
        }
      }
      case '"':
        return parseString();
      case 't':
        if (text.startsWith('true', pos)) {
          pos += 4;
          return true;
        }
        return fail('a value');
      case 'f':
        if (text.startsWith('false', pos)) {
          pos += 5;
          return false;
        }
        return fail('a value');
      case 'n':
        if (text.startsWith('null', pos)) {
          pos += 4;
          return null;
        }
        return fail('a value');
      default: {
        NUMBER_RE.lastIndex = pos;
        const match = NUMBER_RE.exec(text);
        if (!match) return fail('a value');
        pos = NUMBER_RE.lastIndex;
        return new JsonNumber(match[0]);
      }
    }
  };

  const value = parseValue();
  skipWhitespace();
  if (pos < text.length) fail('the end of the text');
  return value;
}

/** Narrows a JSON value to an object (not an array, not null). */
export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

/** The text of a string value, or of a number's literal; `undefined` for anything else. */
export function jsonText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof JsonNumber) return value.text;
  return undefined;
}

/** An integer from a JSON number (or a decimal string, as some servers quote 64-bit values). */
export function jsonInteger(value: JsonValue | undefined): bigint | undefined {
  if (value instanceof JsonNumber) return value.isInteger ? value.toBigInt() : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** JSON text of a value from `parseJsonLossless`, numbers written as their original literal. */
export function stringifyJsonLossless(value: JsonValue): string {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringifyJsonLossless).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${stringifyJsonLossless(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
