import type { TracecheckError } from '../errors';
import type { StatementNode } from '../expression/index';
import { tryParseStatement } from '../expression/index';
import type { Selector } from '../selector/index';
import { tryParseSelector } from '../selector/index';

/** A parse that may have needed a repair of legacy syntax; `repair` says what was read instead. */
export type RepairedParse<T> =
  | {
      readonly ok: true;
      readonly value: T;
      readonly repair?: { readonly text: string; readonly message: string };
    }
  | { readonly ok: false; readonly error: TracecheckError };

const DOTTED_IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+/y;

/**
 * Prefixes bare dotted identifiers with `attr:` (SPEC §1.4: very old tests wrote
 * `http.status_code = 200`). Quoted strings and `attr:`/`var:`/`env:` references are left alone.
 * Returns undefined when nothing was changed.
 * @example addLegacyAttrPrefixes('http.status_code = 200') // 'attr:http.status_code = 200'
 */
export function addLegacyAttrPrefixes(text: string): string | undefined {
  let out = '';
  let changed = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const startsWord = i === 0 || !/[A-Za-z0-9_:.$-]/.test(text[i - 1]!);
    if (startsWord && /[A-Za-z_]/.test(c)) {
      DOTTED_IDENT.lastIndex = i;
      const m = DOTTED_IDENT.exec(text);
      if (m && text[i + m[0].length] !== ':' && text[i + m[0].length] !== '(') {
        out += `attr:${m[0]}`;
        i += m[0].length;
        changed = true;
        continue;
      }
    }
    out += c;
    i++;
  }
  return changed ? out : undefined;
}

/**
 * Parses an assertion; when it fails only because it is written in the legacy form without `attr:`,
 * parses the repaired form and says so.
 */
export function parseSpecStatement(text: string): RepairedParse<StatementNode> {
  const parsed = tryParseStatement(text);
  if (parsed.ok) return { ok: true, value: parsed.statement };
  const legacy = addLegacyAttrPrefixes(text);
  if (legacy !== undefined) {
    const repaired = tryParseStatement(legacy);
    if (repaired.ok) {
      return {
        ok: true,
        value: repaired.statement,
        repair: {
          text: legacy,
          message: `legacy assertion without the attr: prefix, read as "${legacy}": write it that way`,
        },
      };
    }
  }
  return { ok: false, error: parsed.error };
}

const TYPOGRAPHIC_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;

/**
 * Parses a selector; when it fails only because of typographic double quotes (“…”, pasted from a
 * document), parses it with plain quotes and says so.
 */
export function parseSpecSelector(text: string): RepairedParse<Selector> {
  const parsed = tryParseSelector(text);
  if (parsed.ok) return { ok: true, value: parsed.selector };
  if (TYPOGRAPHIC_QUOTES.test(text)) {
    const plain = text.replace(TYPOGRAPHIC_QUOTES, '"');
    const repaired = tryParseSelector(plain);
    if (repaired.ok) {
      return {
        ok: true,
        value: repaired.selector,
        repair: {
          text: plain,
          message: `typographic quotes in the selector, read as ${plain}: use plain "quotes"`,
        },
      };
    }
  }
  return { ok: false, error: parsed.error };
}
