import { RE2JS } from 're2js';
import { createEvaluationFailure } from './expression-failure';

const CACHE_LIMIT = 256;
const cache = new Map<string, RE2JS>();

/**
 * Compiles an RE2 pattern (SPEC §4.3) with `re2js`: linear-time matching, never JavaScript `RegExp`.
 * Compiled patterns are kept in a small cache since assertions run once per span.
 * @throws TracecheckError with the compiler's message when the pattern is invalid.
 */
export function compileRe2Pattern(pattern: string): RE2JS {
  const cached = cache.get(pattern);
  if (cached) return cached;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw createEvaluationFailure(
      `invalid regular expression "${pattern}": ${(error as Error).message} (the syntax is RE2, as in Go)`,
    );
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

/** One match: the matched text and its capture groups 1..n (`""` for a group that did not take part). */
export interface Re2Match {
  readonly text: string;
  readonly groups: readonly string[];
}

/**
 * Every non-overlapping match, as Go's `FindAllStringSubmatch(s, -1)`: after an empty match the search
 * moves on by one code point, and an empty match right after the previous match is skipped.
 */
export function findAllRe2Matches(pattern: RE2JS, text: string): Re2Match[] {
  const matcher = pattern.matcher(text);
  const groupCount = matcher.groupCount();
  const matches: Re2Match[] = [];
  let position = 0;
  let previousEnd = -1;
  while (position <= text.length && matcher.find(position)) {
    const start = matcher.start();
    const end = matcher.end();
    let accept = true;
    if (end === start) {
      if (start === previousEnd) accept = false;
      const code = text.codePointAt(end);
      position = end + (code !== undefined && code > 0xffff ? 2 : 1);
    } else {
      position = end;
    }
    previousEnd = end;
    if (accept) {
      const groups: string[] = [];
      for (let g = 1; g <= groupCount; g++) groups.push(matcher.group(g) ?? '');
      matches.push({ text: text.slice(start, end), groups });
    }
  }
  return matches;
}

/** True when the pattern matches the whole text (`^(?:pattern)$`). */
export function matchesWholeText(pattern: RE2JS, text: string): boolean {
  return pattern.matcher(text).matches();
}

/** True when the pattern matches somewhere in the text. */
export function matchesSomewhere(pattern: RE2JS, text: string): boolean {
  return pattern.matcher(text).find();
}
