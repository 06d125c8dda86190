import { compareDecimalText, isFiniteDecimal, parseDecimal } from '../values/index';
import { durationTextToNs } from './apply-arithmetic';
import type { ExpressionComparator } from './ast';
import { type ExpressionValue, formatValue, unescapeQuotes } from './expression-value';
import { formatDurationDisplay } from './format-duration-display';
import { type JsonNode, parseJsonDocument, renderJsonCanonical } from './json-document';
import { compileRe2Pattern, matchesWholeText } from './re2-pattern';

/** The normative text of a plain mismatch: JUnit tells `<failure>` from `<error>` by it (SPEC §9.7). */
const NO_MATCH = 'no match';

/** Outcome of one comparison; `observedLeft` is what the span result displays (SPEC §5.10). */
export interface ComparisonOutcome {
  readonly passed: boolean;
  /** `no match` for a plain mismatch, or why the values could not be compared. */
  readonly error?: string;
  readonly observedLeft: string;
}

function outcome(passed: boolean, observedLeft: string): ComparisonOutcome {
  return passed ? { passed, observedLeft } : { passed, error: NO_MATCH, observedLeft };
}

function failure(error: string, observedLeft: string): ComparisonOutcome {
  return { passed: false, error, observedLeft };
}

function singleType(value: ExpressionValue): string {
  return value.kind === 'array' ? 'array value' : value.type;
}

/** Canonical decimal text of a value's nanoseconds, or `undefined` when it is no duration (Q3/Q4 rec.). */
function durationNsText(text: string): string | undefined {
  if (isFiniteDecimal(text)) {
    const { units, scale } = parseDecimal(text)!;
    if (scale === 0) return units.toString();
    const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
    const fraction = digits.slice(-scale).replace(/0+$/, '');
    const whole = `${units < 0n ? '-' : ''}${digits.slice(0, -scale)}`;
    return fraction ? `${whole}.${fraction}` : whole;
  }
  return durationTextToNs(text)?.toString();
}

/** Step 4 of SPEC §5.9 on two texts. */
function compareTexts(
  comparator: ExpressionComparator,
  a: string,
  b: string,
  observedLeft: string,
): ComparisonOutcome {
  switch (comparator) {
    case '=':
      return outcome(a === b, observedLeft);
    case '!=':
      return outcome(a !== b, observedLeft);
    case 'contains':
      return outcome(a.includes(b), observedLeft);
    case 'not-contains':
      return outcome(!a.includes(b), observedLeft);
    case 'startsWith':
      return outcome(a.startsWith(b), observedLeft);
    case 'endsWith':
      return outcome(a.endsWith(b), observedLeft);
    case 'matches':
      // An invalid pattern throws: the span then fails with the compiler's message, not `no match`.
      return outcome(matchesWholeText(compileRe2Pattern(b), a), observedLeft);
    default: {
      // Q2 recommended: exact decimal comparison instead of integers only.
      const order = compareDecimalText(a, b);
      if (order === undefined) {
        const bad = isFiniteDecimal(a) ? b : a;
        return failure(
          `cannot parse "${bad}" as number: ${comparator} compares numbers (digits with an optional "-" and decimal point)`,
          observedLeft,
        );
      }
      const passed =
        comparator === '<'
          ? order < 0
          : comparator === '<='
            ? order <= 0
            : comparator === '>'
              ? order > 0
              : order >= 0;
      return outcome(passed, observedLeft);
    }
  }
}

/** Object `a` matches `b` when every key of `b` is in `a` with a matching value (Q9 rec.: all keys). */
function objectMatches(a: JsonNode, b: JsonNode): boolean {
  // A JSON null decodes to an empty map in Tracetest: it is a subset of anything.
  if (b.kind !== 'object' || b.members.size === 0) return true;
  if (a.kind !== 'object') return false;
  for (const [key, expected] of b.members) {
    const actual = a.members.get(key);
    if (actual === undefined) return false;
    if (actual.kind === 'object') {
      if (expected.kind !== 'object' || !objectMatches(actual, expected)) return false;
    } else if (renderJsonCanonical(actual) !== renderJsonCanonical(expected)) {
      return false;
    }
  }
  return true;
}

/** The objects of a json-contains side: `[…]` is an array of objects, anything else one object. */
function jsonObjectsOf(text: string, side: string): readonly JsonNode[] | string {
  const trimmed = text.trim();
  const isList = trimmed.startsWith('[') && trimmed.endsWith(']');
  const parsed = parseJsonDocument(trimmed);
  const objects = !parsed.ok
    ? undefined
    : isList
      ? parsed.node.kind === 'array'
        ? parsed.node.items
        : undefined
      : [parsed.node];
  if (!objects || objects.some((o) => o.kind !== 'object' && o.kind !== 'null')) {
    const expected = isList ? 'a JSON array of objects' : 'a JSON object';
    return `cannot parse the ${side} side "${text}" as ${expected}${parsed.ok ? '' : ` (${parsed.message})`}`;
  }
  return objects;
}

/** Step 5 of SPEC §5.9: every object of the right side matches some object of the left side. */
function jsonContains(left: string, right: string, observedLeft: string): ComparisonOutcome {
  const supersets = jsonObjectsOf(left, 'left');
  if (typeof supersets === 'string') return failure(supersets, observedLeft);
  const subsets = jsonObjectsOf(right, 'right');
  if (typeof subsets === 'string') return failure(subsets, observedLeft);
  return outcome(
    subsets.every((subset) => supersets.some((superset) => objectMatches(superset, subset))),
    observedLeft,
  );
}

/**
 * Compares two evaluated sides with the normative algorithm of SPEC §5.9, in Tracecheck's recommended
 * variant: durations compare exactly in nanoseconds (Q3, Q4), `<`…`>=` compare decimals (Q2), JSON
 * contains checks every key (Q9). A plain mismatch has the error `no match`.
 * @example compareValues('=', valueFromText('200'), valueFromText('200')).passed // true
 */
export function compareValues(
  comparator: ExpressionComparator,
  left: ExpressionValue,
  right: ExpressionValue,
): ComparisonOutcome {
  const leftText = formatValue(left);
  const rightText = formatValue(right);
  const textual = comparator === 'startsWith' || comparator === 'endsWith' || comparator === 'matches';
  if (textual) return compareTexts(comparator, unescapeQuotes(leftText), unescapeQuotes(rightText), leftText);

  // 1. Durations: both sides as exact nanoseconds, displayed with a unit.
  if (singleType(left) === 'duration' || singleType(right) === 'duration') {
    const a = durationNsText(leftText);
    const b = durationNsText(rightText);
    if (a === undefined || b === undefined) {
      return failure(
        `cannot parse "${a === undefined ? leftText : rightText}" as a duration: expected nanoseconds or a number with a unit (ns, us, ms, s, m, h)`,
        leftText,
      );
    }
    return compareTexts(comparator, a, b, formatDurationDisplay(a)!);
  }

  // 2. JSON subset.
  const leftShape = left.kind === 'array' ? left.items[0]?.type : left.type;
  if (
    comparator === 'contains' &&
    singleType(right) === 'json' &&
    (leftShape === 'json' || leftShape === 'array')
  ) {
    return jsonContains(leftText, rightText, leftText);
  }

  // 3. Array value contains an item.
  if (left.kind === 'array' && comparator === 'contains') {
    const wanted = unescapeQuotes(rightText);
    return outcome(
      left.items.some((item) => item.text === wanted),
      leftText,
    );
  }

  // 4. Texts.
  return compareTexts(comparator, unescapeQuotes(leftText), unescapeQuotes(rightText), leftText);
}
