/**
 * A JSON reader that keeps what `JSON.parse` loses: the order of object keys (also integer-like keys,
 * which JavaScript objects reorder) and the source text of numbers (`1.0`, `9007199254740993`).
 */

export type JsonNode =
  | { readonly kind: 'object'; readonly members: ReadonlyMap<string, JsonNode> }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  /** `text` is the number as written in the source. */
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

export type JsonParseResult =
  | { readonly ok: true; readonly node: JsonNode }
  | { readonly ok: false; readonly message: string };

const MAX_DEPTH = 1000;
const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class JsonReader {
  private i = 0;

  constructor(private readonly text: string) {}

  private fail(expected: string): never {
    const found = this.i < this.text.length ? `"${this.text[this.i]}"` : 'the end of the text';
    throw new SyntaxError(`expected ${expected} at offset ${this.i}, found ${found}`);
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else return;
    }
  }

  readDocument(): JsonNode {
    this.skipSpace();
    const node = this.readValue(0);
    this.skipSpace();
    if (this.i < this.text.length) this.fail('the end of the JSON text');
    return node;
  }

  private readValue(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new SyntaxError(`JSON nested deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.i];
    switch (c) {
      case '{':
        return this.readObject(depth);
      case '[':
        return this.readArray(depth);
      case '"':
        return { kind: 'string', value: this.readString() };
      case 't':
        return this.readWord('true', { kind: 'boolean', value: true });
      case 'f':
        return this.readWord('false', { kind: 'boolean', value: false });
      case 'n':
        return this.readWord('null', { kind: 'null' });
      default: {
        NUMBER_RE.lastIndex = this.i;
        const match = NUMBER_RE.exec(this.text);
        if (!match) this.fail('a JSON value');
        this.i += match[0].length;
        return { kind: 'number', text: match[0] };
      }
    }
  }

  private readWord(word: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.i)) this.fail(`"${word}"`);
    this.i += word.length;
    return node;
  }

  private readObject(depth: number): JsonNode {
    const members = new Map<string, JsonNode>();
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === '}') {
      this.i++;
      return { kind: 'object', members };
    }
    for (;;) {
      if (this.text[this.i] !== '"') this.fail('a quoted key');
      const key = this.readString();
      this.skipSpace();
      if (this.text[this.i] !== ':') this.fail('":"');
      this.i++;
      this.skipSpace();
      members.set(key, this.readValue(depth + 1));
      this.skipSpace();
      const c = this.text[this.i++];
      if (c === '}') return { kind: 'object', members };
      if (c !== ',') {
        this.i--;
        this.fail('"," or "}"');
      }
      this.skipSpace();
    }
  }

  private readArray(depth: number): JsonNode {
    const items: JsonNode[] = [];
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === ']') {
      this.i++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.readValue(depth + 1));
      this.skipSpace();
      const c = this.text[this.i++];
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') {
        this.i--;
        this.fail('"," or "]"');
      }
      this.skipSpace();
    }
  }

  private readString(): string {
    this.i++;
    let out = '';
    let runStart = this.i;
    for (;;) {
      const c = this.text.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('a closing quote');
      if (c === 0x22) {
        out += this.text.slice(runStart, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('an escaped control character');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += this.text.slice(runStart, this.i);
      const escaped = this.text[this.i + 1];
      if (escaped === 'u') {
        const hex = this.text.slice(this.i + 2, this.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.i += 2;
          this.fail('four hexadecimal digits');
        }
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.i += 6;
      } else if (escaped !== undefined && ESCAPES[escaped] !== undefined) {
        out += ESCAPES[escaped];
        this.i += 2;
      } else {
        this.i++;
        this.fail('an escape sequence');
      }
      runStart = this.i;
    }
  }
}

/**
 * Parses JSON text (RFC 8259) keeping key order and number text.
 * @example parseJsonDocument('{"b":1,"2":0}') // ok, members in the order b, 2
 */
export function parseJsonDocument(text: string): JsonParseResult {
  try {
    return { ok: true, node: new JsonReader(text).readDocument() };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, message: error.message };
    throw error;
  }
}

/** Compact JSON of a node, in source key order and with numbers as written. */
export function renderJsonCompact(node: JsonNode): string {
  switch (node.kind) {
    case 'object': {
      const members: string[] = [];
      for (const [key, value] of node.members)
        members.push(`${JSON.stringify(key)}:${renderJsonCompact(value)}`);
      return `{${members.join(',')}}`;
    }
    case 'array':
      return `[${node.items.map(renderJsonCompact).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return node.text;
    case 'boolean':
      return node.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

/** A JSON number as sign, significant digits and decimal exponent: value = ±0.digits × 10^pointExp. */
interface NormalizedNumber {
  readonly negative: boolean;
  /** No leading or trailing zeros; empty for zero. */
  readonly digits: string;
  readonly pointExp: number;
}

function normalizeJsonNumber(text: string): NormalizedNumber {
  const match = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!match) return { negative: false, digits: '', pointExp: 0 };
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const all = whole + fraction;
  const leading = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leading).replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '', pointExp: 0 };
  return { negative: sign === '-', digits, pointExp: whole.length - leading + Number(exponent) };
}

/**
 * Compares two JSON number texts by value, exactly (exponents included): -1, 0 or 1.
 * @example compareJsonNumbers('1.0', '1') // 0
 */
export function compareJsonNumbers(a: string, b: string): -1 | 0 | 1 {
  const x = normalizeJsonNumber(a);
  const y = normalizeJsonNumber(b);
  const signOf = (n: NormalizedNumber) => (n.digits === '' ? 0 : n.negative ? -1 : 1);
  const sx = signOf(x);
  const sy = signOf(y);
  if (sx !== sy) return sx < sy ? -1 : 1;
  if (sx === 0) return 0;
  let magnitude: -1 | 0 | 1 = 0;
  if (x.pointExp !== y.pointExp) magnitude = x.pointExp < y.pointExp ? -1 : 1;
  else {
    const length = Math.max(x.digits.length, y.digits.length);
    const dx = x.digits.padEnd(length, '0');
    const dy = y.digits.padEnd(length, '0');
    magnitude = dx === dy ? 0 : dx < dy ? -1 : 1;
  }
  return (sx < 0 ? -magnitude : magnitude) as -1 | 0 | 1;
}

/**
 * Canonical JSON for equality: keys sorted, numbers by value (`1.0` equals `1`, `1e3` equals `1000`),
 * so two nodes are equal JSON values exactly when their canonical texts are equal.
 */
export function renderJsonCanonical(node: JsonNode): string {
  switch (node.kind) {
    case 'object': {
      const keys = [...node.members.keys()].sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${renderJsonCanonical(node.members.get(k)!)}`).join(',')}}`;
    }
    case 'array':
      return `[${node.items.map(renderJsonCanonical).join(',')}]`;
    case 'number': {
      const n = normalizeJsonNumber(node.text);
      return n.digits === '' ? '0' : `${n.negative ? '-' : ''}0.${n.digits}e${n.pointExp}`;
    }
    default:
      return renderJsonCompact(node);
  }
}
