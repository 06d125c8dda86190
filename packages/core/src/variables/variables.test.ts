import { describe, expect, it } from 'vitest';
import type { RunState } from '../gates/index';
import {
  createVariableContext,
  describeVariables,
  findMissingVariables,
  maskSecrets,
  mergeOutputs,
  mergeSuiteStepOutputs,
  SECRET_MASK,
  type VariableContext,
  type VariableInput,
} from './index';

function snapshot(context: VariableContext): Record<string, string> {
  return Object.fromEntries([...context.entries.values()].map((e) => [e.key, e.value]));
}

describe('variable context precedence (SPEC §6.2)', () => {
  it('V01: variable set {A=1, B=1}, run {B=2}, suite step 1 outputs {A=3} → step 2 sees A=3, B=2', () => {
    const variableSet: VariableInput[] = [
      { key: 'A', value: '1' },
      { key: 'B', value: '1' },
    ];
    const base = createVariableContext({ variableSet, runVariables: [{ key: 'B', value: '2' }] });
    const step1 = base; // step 1 starts from the suite's context
    const afterStep1 = mergeSuiteStepOutputs(base, {
      state: 'FINISHED',
      outputs: [{ name: 'A', value: '3' }],
    });
    expect(afterStep1.lookup('A')).toBe('3');
    expect(afterStep1.lookup('B')).toBe('2');
    // The stored variable set and the contexts already handed out are untouched.
    expect(variableSet).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: '1' },
    ]);
    expect(snapshot(step1)).toEqual({ A: '1', B: '2' });
  });

  it('ranks variable set < run variables < earlier suite outputs < the test’s own outputs', () => {
    const base = createVariableContext({
      variableSet: [
        { key: 'SET', value: 'set' },
        { key: 'RUN', value: 'set' },
        { key: 'SUITE', value: 'set' },
        { key: 'OWN', value: 'set' },
      ],
      runVariables: [
        { key: 'RUN', value: 'run' },
        { key: 'SUITE', value: 'run' },
        { key: 'OWN', value: 'run' },
      ],
    });
    const suite = mergeSuiteStepOutputs(base, {
      state: 'FINISHED',
      outputs: [
        { name: 'SUITE', value: 'step1' },
        { name: 'OWN', value: 'step1' },
      ],
    });
    const own = mergeOutputs(suite, [{ name: 'OWN', value: 'own' }]);
    expect(snapshot(own)).toEqual({ SET: 'set', RUN: 'run', SUITE: 'step1', OWN: 'own' });
    expect([...own.entries.values()].map((e) => e.source)).toEqual([
      'variable-set',
      'run',
      'suite-output',
      'test-output',
    ]);
  });

  it('lets later suite steps override earlier ones, in step order', () => {
    let suite = createVariableContext();
    suite = mergeSuiteStepOutputs(suite, { state: 'FINISHED', outputs: [{ name: 'ID', value: '1' }] });
    suite = mergeSuiteStepOutputs(suite, { state: 'FINISHED', outputs: [{ name: 'ID', value: '2' }] });
    expect(suite.lookup('ID')).toBe('2');
  });

  it('lets a later output with the same name override an earlier one (SPEC §6.1)', () => {
    const context = mergeOutputs(createVariableContext(), [
      { name: 'X', value: 'first' },
      { name: 'Y', value: 'y' },
      { name: 'X', value: 'second' },
    ]);
    expect(snapshot(context)).toEqual({ X: 'second', Y: 'y' });
  });

  it.each<RunState>(['TRIGGER_FAILED', 'TRACE_FAILED', 'ASSERTION_FAILED', 'ANALYZING_ERROR', 'STOPPED'])(
    'does not carry outputs of a step that ended %s',
    (state) => {
      const suite = createVariableContext({ variableSet: [{ key: 'A', value: '1' }] });
      expect(mergeSuiteStepOutputs(suite, { state, outputs: [{ name: 'A', value: '9' }] })).toBe(suite);
    },
  );

  it('keeps keys case-sensitive, empty values defined, and unknown names undefined', () => {
    const context = createVariableContext({
      variableSet: [
        { key: 'host', value: 'a' },
        { key: 'HOST', value: 'b' },
        { key: 'EMPTY', value: '' },
      ],
    });
    expect(context.lookup('host')).toBe('a');
    expect(context.lookup('HOST')).toBe('b');
    expect(context.lookup('EMPTY')).toBe('');
    expect(context.lookup('Host')).toBeUndefined();
  });
});

describe('secrets (SPEC §6.5)', () => {
  const context = createVariableContext({
    variableSet: [
      { key: 'BASE_URL', value: 'https://shop.example' },
      { key: 'TOKEN', value: 's3cr3t', type: 'secret' },
      { key: 'PASSWORD', value: 'p"a/ss w', type: 'secret' },
    ],
  });

  it('resolves secrets like raw variables', () => {
    expect(context.lookup('TOKEN')).toBe('s3cr3t');
  });

  it.each([
    ['Authorization: s3cr3t', `Authorization: ${SECRET_MASK}`],
    ['{"token":"s3cr3t","again":"s3cr3t"}', `{"token":"${SECRET_MASK}","again":"${SECRET_MASK}"}`],
    ['{"password":"p\\"a/ss w"}', `{"password":"${SECRET_MASK}"}`],
    ['https://shop.example/login?p=p%22a%2Fss%20w', `https://shop.example/login?p=${SECRET_MASK}`],
    ['nothing secret here', 'nothing secret here'],
  ])('masks %j', (text, masked) => {
    expect(maskSecrets(text, context)).toBe(masked);
  });

  it('masks a secret that contains another secret as a whole', () => {
    const nested = createVariableContext({
      variableSet: [
        { key: 'SHORT', value: 'abc', type: 'secret' },
        { key: 'LONG', value: 'abcdef', type: 'secret' },
      ],
    });
    expect(maskSecrets('x abcdef y abc', nested)).toBe(`x ${SECRET_MASK} y ${SECRET_MASK}`);
  });

  it('does not mask anything for an empty secret or a context without secrets', () => {
    const empty = createVariableContext({ variableSet: [{ key: 'S', value: '', type: 'secret' }] });
    expect(maskSecrets('abc', empty)).toBe('abc');
    expect(maskSecrets('abc', createVariableContext())).toBe('abc');
  });

  it('keeps a name secret when a later layer overrides it, and still masks the overridden value', () => {
    const refreshed = mergeOutputs(context, [{ name: 'TOKEN', value: 'fresh-token' }]);
    expect(refreshed.lookup('TOKEN')).toBe('fresh-token');
    expect(refreshed.entries.get('TOKEN')?.secret).toBe(true);
    expect(maskSecrets('fresh-token then s3cr3t', refreshed)).toBe(`${SECRET_MASK} then ${SECRET_MASK}`);
    // The earlier context is unchanged.
    expect(maskSecrets('fresh-token', context)).toBe('fresh-token');
  });

  it('describes variables for reports with secrets masked, also inside raw values', () => {
    const withUrl = mergeOutputs(context, [{ name: 'LOGIN_URL', value: 'https://u:s3cr3t@shop.example' }]);
    expect(describeVariables(withUrl)).toEqual([
      { key: 'BASE_URL', value: 'https://shop.example', type: 'raw', source: 'variable-set' },
      { key: 'TOKEN', value: SECRET_MASK, type: 'secret', source: 'variable-set' },
      { key: 'PASSWORD', value: SECRET_MASK, type: 'secret', source: 'variable-set' },
      {
        key: 'LOGIN_URL',
        value: `https://u:${SECRET_MASK}@shop.example`,
        type: 'raw',
        source: 'test-output',
      },
    ]);
  });
});

describe('findMissingVariables (SPEC §6.3)', () => {
  const available = createVariableContext({
    variableSet: [
      { key: 'HOST', value: 'shop' },
      { key: 'EMPTY', value: '' },
    ],
  });

  it.each<[string, string[], string[], string[]]>([
    ['all defined', ['HOST', 'EMPTY'], [], []],
    ['H07: an unknown variable', ['MISSING', 'HOST'], [], ['MISSING']],
    ['an output name is not missing', ['ORDER_ID', 'HOST'], ['ORDER_ID'], []],
    ['each missing name once, in first-reference order', ['B', 'A', 'B', 'HOST', 'A'], [], ['B', 'A']],
    ['case-sensitive', ['host'], [], ['host']],
    ['nothing referenced', [], ['X'], []],
  ])('%s', (_title, referenced, outputNames, missing) => {
    expect(findMissingVariables({ referenced, available, outputNames })).toEqual(missing);
  });

  it('accepts variables given after the prompt as run variables', () => {
    const retried = createVariableContext({
      variableSet: [{ key: 'HOST', value: 'shop' }],
      runVariables: [{ key: 'MISSING', value: 'answer' }],
    });
    expect(findMissingVariables({ referenced: ['MISSING'], available: retried, outputNames: [] })).toEqual(
      [],
    );
  });
});
