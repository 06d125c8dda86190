import { createVariableContext, maskSecrets, type VariableContext } from '@tracecheck/core';
import type { SecretBox } from '../store/secret-box';
import type { RunVariable, Scope } from '../store/store';

/** The authenticated context of sealed values: a value opens only in its environment (as variable sets). */
function sealContextOf(scope: Scope): string {
  return `${scope.organizationId}/${scope.environmentId}`;
}

/** Run variables as stored: secret values sealed with `box` (SPEC §6.5); without a box they stay as given. */
export function sealRunVariables(
  scope: Scope,
  variables: readonly RunVariable[],
  box: SecretBox | undefined,
): RunVariable[] {
  if (!box) return [...variables];
  return variables.map((variable) =>
    variable.type === 'secret'
      ? { ...variable, value: box.encrypt(variable.value, sealContextOf(scope)) }
      : variable,
  );
}

/** Stored run variables with their secrets opened: for the pipeline only, never for an answer or a log. */
export function openRunVariables(
  scope: Scope,
  variables: readonly RunVariable[],
  box: SecretBox | undefined,
): RunVariable[] {
  if (!box) return [...variables];
  return variables.map((variable) =>
    variable.type === 'secret'
      ? { ...variable, value: box.decrypt(variable.value, sealContextOf(scope)) }
      : variable,
  );
}

/**
 * The context of a run from its opened variables, in precedence order (the variable set first, then
 * the ad-hoc variables and the outputs of earlier suite steps: a later key wins).
 */
export function variableContextOf(variables: readonly RunVariable[]): VariableContext {
  return createVariableContext({ runVariables: variables });
}

/** The context as the evaluator reads it. */
export function variableMapOf(context: VariableContext): Map<string, string> {
  return new Map([...context.entries.values()].map((entry) => [entry.key, entry.value]));
}

/** A JSON value with every secret value of the context replaced by `********`, for storing and showing. */
export function maskSecretsInJson<T>(value: T, context: VariableContext): T {
  if (context.secretValues.size === 0 || value === undefined) return value;
  return JSON.parse(maskSecrets(JSON.stringify(value), context)) as T;
}
