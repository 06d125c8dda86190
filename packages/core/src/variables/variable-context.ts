import type { RunState } from '../gates/run-state';

/** `raw` (default) or `secret`: same meaning in expressions, but a secret is never printed (SPEC §6.5). */
export type VariableType = 'raw' | 'secret';

/** Where a variable's value came from, lowest precedence first (SPEC §6.2). */
export type VariableSource = 'variable-set' | 'run' | 'suite-output' | 'test-output';

/** A variable as given by a variable set or as an ad-hoc run variable. */
export interface VariableInput {
  readonly key: string;
  readonly value: string;
  readonly type?: VariableType;
}

/** An output of a test run: its name becomes a variable. */
export interface OutputValue {
  readonly name: string;
  readonly value: string;
}

/** The value a name currently resolves to. */
export interface VariableEntry {
  readonly key: string;
  readonly value: string;
  readonly secret: boolean;
  readonly source: VariableSource;
}

/**
 * The variables visible to a run, immutable: merging returns a new context. Keys are
 * case-sensitive, and `var:X` and `env:X` read the same map.
 */
export interface VariableContext {
  /** The value of `var:NAME`; `undefined` when not defined (an empty value is `""`, Q5 recommended). */
  lookup(name: string): string | undefined;
  /** Effective entries, in the order names were first defined. */
  readonly entries: ReadonlyMap<string, VariableEntry>;
  /**
   * Every value that must never be printed: the values of secret names, from every layer, including
   * values that a later layer overrode.
   */
  readonly secretValues: ReadonlySet<string>;
}

interface LayerItem {
  readonly key: string;
  readonly value: string;
  readonly secret: boolean;
}

function buildContext(
  base: ReadonlyMap<string, VariableEntry>,
  baseSecretValues: ReadonlySet<string>,
  layers: readonly (readonly [VariableSource, readonly LayerItem[]])[],
): VariableContext {
  const entries = new Map(base);
  const secretValues = new Set(baseSecretValues);
  for (const [source, items] of layers) {
    for (const item of items) {
      // Once secret, always secret: a later value for the name (an output that refreshes a token, a
      // prompt answer) most likely holds the same kind of credential.
      const secret = item.secret || entries.get(item.key)?.secret === true;
      // Map.set on an existing key keeps its position: listings keep first-definition order.
      entries.set(item.key, { key: item.key, value: item.value, secret, source });
      if (secret && item.value !== '') secretValues.add(item.value);
    }
  }
  return {
    lookup: (name) => entries.get(name)?.value,
    entries,
    secretValues,
  };
}

function fromInputs(inputs: readonly VariableInput[]): LayerItem[] {
  return inputs.map((v) => ({ key: v.key, value: v.value, secret: v.type === 'secret' }));
}

function fromOutputs(outputs: readonly OutputValue[]): LayerItem[] {
  return outputs.map((o) => ({ key: o.name, value: o.value, secret: false }));
}

export interface VariableContextInput {
  /** Values of the variable set selected for the run (lowest precedence). */
  readonly variableSet?: readonly VariableInput[];
  /** Ad-hoc run variables: answers to the missing-variables prompt, `TRACE_ID` from integrations. */
  readonly runVariables?: readonly VariableInput[];
}

/**
 * Builds the variable context at the start of a run (SPEC §6.2): the variable set, then the ad-hoc
 * run variables over it. Within one list a later entry with the same key wins.
 * @example
 * createVariableContext({ variableSet: [{ key: 'A', value: '1' }], runVariables: [{ key: 'A', value: '2' }] })
 *   .lookup('A') // '2'
 */
export function createVariableContext(input: VariableContextInput = {}): VariableContext {
  return buildContext(new Map(), new Set(), [
    ['variable-set', fromInputs(input.variableSet ?? [])],
    ['run', fromInputs(input.runVariables ?? [])],
  ]);
}

/**
 * Merges a test's outputs into a context (SPEC §6.1), in output order, so a later output with the
 * same name overrides an earlier one. `source` is `test-output` for the test's own assertions and
 * `suite-output` when a suite carries them on to later steps.
 */
export function mergeOutputs(
  context: VariableContext,
  outputs: readonly OutputValue[],
  source: 'test-output' | 'suite-output' = 'test-output',
): VariableContext {
  return buildContext(context.entries, context.secretValues, [[source, fromOutputs(outputs)]]);
}

export interface SuiteStepOutcome {
  readonly state: RunState;
  readonly outputs: readonly OutputValue[];
}

/**
 * Advances a suite's context after a step (SPEC §6.4): the outputs of a step that reached FINISHED
 * (failing assertions included) become visible to the next steps. A step in any other state leaves
 * the context as it was (the suite stops there anyway). The stored variable set is never touched:
 * contexts are immutable.
 * @example
 * let suite = createVariableContext({ variableSet, runVariables });
 * suite = mergeSuiteStepOutputs(suite, { state: 'FINISHED', outputs: [{ name: 'ORDER_ID', value: '7' }] });
 */
export function mergeSuiteStepOutputs(
  suiteContext: VariableContext,
  step: SuiteStepOutcome,
): VariableContext {
  return step.state === 'FINISHED' ? mergeOutputs(suiteContext, step.outputs, 'suite-output') : suiteContext;
}
