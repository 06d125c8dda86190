import type { VariableContext } from './variable-context';

export interface FindMissingVariablesInput {
  /** Names referenced as `var:`/`env:` in the trigger fields and output values (not assertions). */
  readonly referenced: readonly string[];
  readonly available: VariableContext;
  /** Output names of the test, and in a suite those of the earlier steps. */
  readonly outputNames: readonly string[];
}

/**
 * The missing-variable check before a run (SPEC §6.3): referenced names that are neither in the
 * context nor an output name, each once, in order of first reference. A variable defined with an
 * empty value is not missing. A non-empty result refuses the run with `VARIABLES_MISSING`.
 * @example findMissingVariables({ referenced: ['HOST', 'TOKEN'], available, outputNames: [] }) // ['TOKEN']
 */
export function findMissingVariables(input: FindMissingVariablesInput): string[] {
  const outputs = new Set(input.outputNames);
  const missing = new Set<string>();
  for (const name of input.referenced) {
    if (input.available.lookup(name) === undefined && !outputs.has(name)) missing.add(name);
  }
  return [...missing];
}
