import type { VariableContext, VariableSource } from './variable-context';

/** What a secret value is printed as. */
export const SECRET_MASK = '********';

const patterns = new WeakMap<ReadonlySet<string>, RegExp | null>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One pattern for every secret value and the forms it takes when embedded in JSON or in a URL.
 * Longer values come first, so a secret that contains another one is masked whole.
 */
function secretPattern(secretValues: ReadonlySet<string>): RegExp | null {
  const cached = patterns.get(secretValues);
  if (cached !== undefined) return cached;
  const forms = new Set<string>();
  for (const value of secretValues) {
    forms.add(value);
    forms.add(JSON.stringify(value).slice(1, -1));
    forms.add(encodeURIComponent(value));
  }
  forms.delete('');
  const pattern =
    forms.size === 0
      ? null
      : new RegExp(
          [...forms]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join('|'),
          'g',
        );
  patterns.set(secretValues, pattern);
  return pattern;
}

/**
 * Replaces every secret value of the context found in `text` by `********` (SPEC §6.5). Use it on
 * everything printed: CLI output, JUnit, reports, logs.
 * @example maskSecrets('Authorization: s3cr3t', context) // 'Authorization: ********'
 */
export function maskSecrets(text: string, context: VariableContext): string {
  const pattern = secretPattern(context.secretValues);
  return pattern === null ? text : text.replace(pattern, SECRET_MASK);
}

/** A variable as a report lists it. */
export interface VariableDescription {
  readonly key: string;
  /** `********` for a secret; any secret value inside a raw value is masked too. */
  readonly value: string;
  readonly type: 'raw' | 'secret';
  readonly source: VariableSource;
}

/**
 * Lists the effective variables of a context for reports and run listings, secrets masked, in the
 * order the names were first defined.
 */
export function describeVariables(context: VariableContext): VariableDescription[] {
  return [...context.entries.values()].map((entry) => ({
    key: entry.key,
    value: entry.secret ? SECRET_MASK : maskSecrets(entry.value, context),
    type: entry.secret ? 'secret' : 'raw',
    source: entry.source,
  }));
}
