import { SECRET_MASK, TracecheckError, type VariableSetValue } from '@tracecheck/core';
import type { SecretBox } from '../store/secret-box';
import type { Scope } from '../store/store';

/** The authenticated context of sealed variable-set values: a value opens only in its environment. */
function contextOf(scope: Scope): string {
  return `${scope.organizationId}/${scope.environmentId}`;
}

/**
 * The values of a variable set as stored: secret values sealed with `box` (when the server has one).
 * A secret sent back as `********` (as every read shows it) keeps its stored value, and a secret sent
 * unchanged keeps its stored sealed text, so re-applying a file that was read back is a no-op.
 * @example sealVariableSetValues(scope, [{ key: 'TOKEN', value: '********', type: 'secret' }], stored, box)
 */
export function sealVariableSetValues(
  scope: Scope,
  values: readonly VariableSetValue[],
  stored: readonly VariableSetValue[],
  box: SecretBox | undefined,
): VariableSetValue[] {
  const storedSecrets = new Map(
    stored.filter((entry) => entry.type === 'secret').map((entry) => [entry.key, entry]),
  );
  return values.map((entry) => {
    if (entry.type !== 'secret') return entry;
    const previous = storedSecrets.get(entry.key);
    if (entry.value === SECRET_MASK) {
      if (previous === undefined) {
        throw new TracecheckError(
          'REQUEST_INVALID',
          `the secret "${entry.key}" has the value ${SECRET_MASK}, which is how stored secrets are shown, but ` +
            'this variable set has no stored secret of that name: send its real value',
          { key: entry.key },
        );
      }
      return previous;
    }
    if (box === undefined) return entry;
    if (previous !== undefined && box.decrypt(previous.value, contextOf(scope)) === entry.value)
      return previous;
    return { ...entry, value: box.encrypt(entry.value, contextOf(scope)) };
  });
}

/**
 * The values of a stored variable set with the secrets in plaintext, for the run pipeline only: never
 * for an answer, a report or a log.
 */
export function openVariableSetValues(
  scope: Scope,
  values: readonly VariableSetValue[],
  box: SecretBox | undefined,
): VariableSetValue[] {
  if (box === undefined) return [...values];
  return values.map((entry) =>
    entry.type === 'secret' ? { ...entry, value: box.decrypt(entry.value, contextOf(scope)) } : entry,
  );
}

/** The values as answers show them: every secret value replaced by `********` (SPEC §6.5). */
export function maskVariableSetValues(values: readonly VariableSetValue[]): VariableSetValue[] {
  return values.map((entry) => (entry.type === 'secret' ? { ...entry, value: SECRET_MASK } : entry));
}
