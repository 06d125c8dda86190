// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the interpolation syntax under test, not a template literal.
import { describe, expect, it } from 'vitest';
import { F1, F1_VARIABLES, spanIdOf } from '../testing/index';
import type { TraceSpan } from '../trace/model';
import {
  createVariableLookup,
  type EvaluationContext,
  evaluateAssertion,
  evaluateExpression,
  formatValue,
  parseStatement,
  tryParseExpression,
} from './index';

/** A deterministic "random" source: a small linear congruential generator. */
function createSequence(seed = 1): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const NOW_MS = Date.UTC(2024, 4, 30, 14, 7, 9, 250);

function contextWith(variables: Readonly<Record<string, string>>): EvaluationContext {
  return {
    variables: createVariableLookup(variables),
    random: createSequence(),
    nowMs: () => NOW_MS,
    timeZone: 'UTC',
  };
}

// Stand-in for the selector engine: filters F1's spans (tree order) with a predicate.
function select(predicate: (span: TraceSpan) => boolean): TraceSpan[] {
  return F1.spans.filter(predicate);
}
const named = (name: string) => select((s) => s.name === name);
const ofType = (type: string) => select((s) => s.attributes.get('tracetest.span.type') === type);
const withIds = (...ids: number[]) => select((s) => ids.some((id) => spanIdOf(id) === s.id));

describe('statements without a trace (SPEC §12.3)', () => {
  const E_VARIABLES = {
    NAME: 'ana',
    NUM: '42',
    FLOAT: '3.14',
    DUR: '1500ms',
    LIST: '[1, 2, 3]',
    OBJS: '[{"id": 1}, {"id": 2}]',
  };

  // expected: 'pass', 'fail' (a plain mismatch: `no match`), or a fragment of the error text.
  it.each([
    ['E01', '1 = 1.0', 'fail'],
    ['E02', '200 = "200"', 'pass'],
    ['E04', '1.5 < 2', 'pass'],
    ['E05', '"abc" < "abd"', 'cannot parse "abc" as number'],
    ['E07', '10 / 4 = 2', 'pass'],
    ['E08', '10.0 / 4 = 2.50', 'pass'],
    ['E10', '-1 < 0', 'pass'],
    ['E11', '1 + "a" = 1', 'types mismatch'],
    ['E13', '1ms + 1ms = 2ms', 'pass'],
    ['E14', '100ms = 0.1s', 'pass'],
    ['E16', '1s = 1000000000', 'pass'],
    ['E17', '1h < 61m', 'pass'],
    ['E19', '90s = 1.5m', 'pass'],
    ['E20', 'var:DUR = 1500ms', 'pass'],
    ['E22', '[1, 2, 3] contains "2"', 'pass'],
    ['E23', '[1, 2, 3] contains [2]', 'fail'],
    ['E25', '"[1, 2, 3]" contains 2', 'pass'],
    ['E26', 'var:LIST | get_index 0 = 1', 'fail'],
    ['E28', `'{"a": 1}' contains '{"a": "1"}'`, 'fail'],
    ['E29', `'[{"n": 1}, {"n": 2}]' contains '[{"n": 2}, {"n": 1}]'`, 'pass'],
    ['E31', `'{"a":1}' = '{"a": 1}'`, 'fail'],
    ['E32', `'{"a": 1, "b": 2}' not-contains '{"a": 1}'`, 'pass'],
    ['E34', '"Hello ${var:NAME}" = "Hello ana"', 'pass'],
    ['E35', '"${var:NUM + 1}" = 43', 'pass'],
    ['E37', '"100% of ${var:NAME}" = "100% of ana"', 'pass'],
    ['E38', `'it\\'s' = "it's"`, 'pass'],
    ['E40', '5 | length = 1', 'unsupported type'],
    ['E41', '"2s" | type = "duration"', 'pass'],
    ['E43', `'[{"a":1}]' | type = "json"`, 'pass'],
    ['E44', `'-5' | type = "string"`, 'pass'],
    ['E46', `'xyz' | regex '\\d' | length = 0`, 'pass'],
    [
      'E47',
      `'Hello Marcus, you have 8 meetings' | regex_group 'Hello (\\w+), you have (\\d+) meetings' = '["Marcus", 8]'`,
      'pass',
    ],
    ['E49', '[1, 2, 3] | get_index 5 = 1', 'index out of boundaries'],
    ['E50', `'{"a": [1, 2, 3]}' | json_path '$.a[*]' | get_index 'last' = 3`, 'pass'],
    ['E52', `'{"a": {"c": 1}}' | json_path '$.a' = '{"c":1}'`, 'pass'],
    ['E53', 'randomInt(5, 5) = 5', 'pass'],
    ['E55', 'uuid() = uuid()', 'fail'],
    ['E56', 'randomInt(1) = 1', 'takes 2 arguments, got 1'],
    ['E58', '"abc" startsWith "a"', 'pass'],
    ['E59', '1e3 = 1000', 'exponents are not supported'],
    ['E61', '["number", "string"] contains 2 | type', 'pass'],
    ['E62', `date("YYYY") = "\${date('YYYY')}"`, 'pass'],
    ['E64', `'[{"name":"retry"}]' | json_path '$[?(@.name = "retry")].name' = "retry"`, 'invalid JSONPath'],
    ['E65', `'a[1]b' | type = "array"`, 'pass'],
    ['E67', `'{"a": 1}' contains '{}'`, 'pass'],
  ])('%s: %s → %s', (_, statement, expected) => {
    const result = evaluateAssertion(statement, [], contextWith(E_VARIABLES));
    expect(result.spanResults).toHaveLength(1);
    const [spanResult] = result.spanResults;
    expect(spanResult!.spanId).toBeNull();
    expect(result.allPassed).toBe(expected === 'pass');
    expect(spanResult!.passed).toBe(expected === 'pass');
    if (expected === 'pass') expect(spanResult!.error).toBeUndefined();
    else if (expected === 'fail') expect(spanResult!.error).toBe('no match');
    else expect(spanResult!.error).toContain(expected);
  });

  it.each([
    ['1 = 1.0', '1'],
    ['1h < 61m', '1h'],
    ['var:DUR = 1500ms', '1.5s'],
    ['90s = 1.5m', '1.5m'],
    ['-2ms < 0ns', '-2ms'],
    [`'it\\'s' = "it's"`, "it's"],
    ['"${1ms + 1ns}" = 1000001', '1000001'],
    ['[1, "a", 2s] contains "a"', '[1, "a", 2000000000]'],
    [`'{"a": {"c": 1}}' | json_path '$.a' = '{"c":1}'`, '{"c":1}'],
    ['"abc" < "abd"', 'abc'],
    [`'abc' matches 'a(b'`, 'abc'],
    ['var:MISSING = 1', ''],
    ['1 / 0 = 1', ''],
  ])('reports the observed value of %s as %j', (statement, observed) => {
    const result = evaluateAssertion(statement, [], contextWith(E_VARIABLES));
    expect(result.spanResults[0]!.observedValue).toBe(observed);
  });

  it.each([
    ['"abc" startsWith "b"', 'no match'],
    ['"abc" endsWith "bc"', undefined],
    ['"abc" endsWith "b"', 'no match'],
    [`'/users/42' matches '/users/\\d+'`, undefined],
    [`'/users/42/x' matches '/users/\\d+'`, 'no match'],
    [`'abc' matches 'a(b'`, 'missing closing )'],
    [`'abc' matches 'a(?=b)'`, 'invalid regular expression'],
    ['2 != 2', 'no match'],
    ['"abc" not-contains "b"', 'no match'],
    ['var:FLOAT > 3', undefined],
    ['var:FLOAT >= 3.140', undefined],
    ['007 < 8', undefined],
    ['1 / 0 = 1', 'division by zero'],
    ['1.5 / 0 = 1', 'division by zero'],
    ['var:MISSING = 1', 'resolution error: variable "MISSING" not found'],
    [`var:OBJS contains '{"id": 2}'`, undefined],
    [`var:OBJS contains '{"id": 3}'`, 'no match'],
    [`'{"a": {"x": 1}, "b": 1}' contains '{"a": {"x": 1}, "b": 2}'`, 'no match'],
    [`'{"a": {"x": 1, "y": 2}, "b": 1}' contains '{"a": {"y": 2}, "b": 1}'`, undefined],
    [`'{"a": 1}' contains '{"a": 1.0}'`, undefined],
    [`'{"a": [1, 2]}' contains '{"a": [2, 1]}'`, 'no match'],
    [`'[1, 2]' contains '{"a": 1}'`, 'cannot parse the left side'],
    ['attr:x = 1', 'resolution error: there are no matching spans to retrieve the attribute "x" from'],
    ['attr:tracetest.selected_spans.other = 1', 'unknown meta attribute'],
    ['1 | unknown = 1', 'resolution error: filter "unknown" not found'],
    ['nope() = 1', 'resolution error: function "nope" not found'],
    ['"5ms" < 1s', undefined],
    ['"soon" < 1s', 'cannot parse "soon" as a duration'],
  ])('%s → %s', (statement, error) => {
    const [result] = evaluateAssertion(statement, [], contextWith(E_VARIABLES)).spanResults;
    expect(result!.passed).toBe(error === undefined);
    if (error === undefined) expect(result!.error).toBeUndefined();
    else expect(result!.error).toContain(error);
  });

  it('accepts a parsed statement and names it by its canonical text', () => {
    const result = evaluateAssertion(parseStatement('1+1=2'), [], contextWith({}));
    expect(result).toEqual({
      assertion: '1 + 1 = 2',
      allPassed: true,
      spanResults: [{ spanId: null, observedValue: '2', passed: true }],
    });
  });
});

interface SpanExpectation {
  readonly id: number;
  readonly passed: boolean;
  readonly observed?: string;
  readonly error?: string;
}

describe('assertions on F1 (SPEC §12.2)', () => {
  const context = contextWith(F1_VARIABLES);
  const pass = (id: number, observed?: string): SpanExpectation => ({
    id,
    passed: true,
    ...(observed ? { observed } : {}),
  });
  const fail = (id: number, observed?: string, error = 'no match'): SpanExpectation => ({
    id,
    passed: false,
    error,
    ...(observed === undefined ? {} : { observed }),
  });
  const trigger = () => named('Tracetest trigger');

  it.each<[string, () => TraceSpan[], string, SpanExpectation[]]>([
    [
      'A01',
      () => ofType('database'),
      'attr:tracetest.span.duration < 10ms',
      [fail(3, '50ms'), pass(6, '1.5ms')],
    ],
    [
      'A02',
      () => ofType('database'),
      'attr:tracetest.span.duration <= 50ms',
      [pass(3, '50ms'), pass(6, '1.5ms')],
    ],
    ['A04', () => named('SELECT stock'), 'attr:tracetest.span.duration = 2ms', [fail(6, '1.5ms')]],
    ['A05', () => named('SELECT stock'), 'attr:tracetest.span.duration = 1500us', [pass(6, '1.5ms')]],
    ['A07', () => named('orders process'), 'attr:tracetest.span.duration = 0.3s', [pass(8, '300ms')]],
    [
      'A08',
      () => select((s) => s.name === 'GET /stock' && s.attributes.get('service.name') === 'worker'),
      'attr:http.status_code = 200',
      [fail(9, '503'), pass(10, '200')],
    ],
    [
      'A10',
      () => ofType('http'),
      'attr:http.status_code < 500',
      [pass(2), pass(4), pass(5), fail(9, '503'), pass(10)],
    ],
    [
      'A14',
      () => named('GET /stock'),
      'attr:tracetest.selected_spans.count = 4',
      [pass(4), pass(5), pass(9), pass(10)],
    ],
    ['A17', () => named('compute'), 'attr:app.total > 10', [pass(11, '12.5')]],
    ['A19', () => named('compute'), 'attr:app.count < 10', [pass(11, '3')]],
    ['A20', () => named('compute'), 'attr:app.count = "3"', [pass(11, '3')]],
    ['A22', () => named('compute'), 'attr:app.items | length = 2', [fail(11, '', 'unsupported type')]],
    ['A23', () => named('compute'), 'attr:app.flag = true', [pass(11, 'true')]],
    ['A25', () => named('compute'), 'attr:app.dur < 1s', [fail(11, '1.5s')]],
    ['A26', () => named('compute'), 'attr:app.empty = ""', [{ id: 11, passed: true, observed: '' }]],
    ['A28', () => named('compute'), 'attr:app.count * 2 + 1 = 7', [pass(11, '7')]],
    ['A29', () => named('compute'), 'attr:name = "compute"', [pass(11, 'compute')]],
    ['A31', trigger, 'attr:tracetest.response.status = 201', [pass(1, '201')]],
    ['A32', trigger, `attr:tracetest.response.body contains '{"owner": {"name": "ana"}}'`, [pass(1)]],
    [
      'A34',
      trigger,
      `attr:tracetest.response.body | json_path '$.tags[*]' contains "b"`,
      [pass(1, '["a", "b"]')],
    ],
    ['A35', trigger, `attr:tracetest.response.body | json_path '$.tags[*]' | length = 2`, [pass(1, '2')]],
    ['A37', trigger, `attr:tracetest.response.body | json_path '$.id' = var:ORDER_ID`, [pass(1, '7')]],
    [
      'A38',
      trigger,
      `attr:tracetest.response.body | json_path '$.owner' = '{"name":"ana","age":30}'`,
      [pass(1, '{"name":"ana","age":30}')],
    ],
    ['A40', () => named('POST /orders'), 'attr:http.route = "/${attr:service.name}"', [pass(2, '/orders')]],
    [
      'A41',
      () => named('POST /orders'),
      '"${attr:http.method} ${attr:http.route}" = attr:name',
      [pass(2, 'POST /orders')],
    ],
    ['A43', () => named('POST /orders'), 'attr:http.status_code not-contains "5"', [pass(2, '201')]],
    ['A44', () => withIds(9, 10, 11), 'attr:service.name = "worker"', [pass(9), pass(10), pass(11)]],
  ])('%s: %s', (_, spans, assertion, expected) => {
    const result = evaluateAssertion(assertion, spans(), context);
    expect(result.assertion).toBe(assertion);
    expect(result.spanResults.map((r) => r.spanId)).toEqual(expected.map((e) => spanIdOf(e.id)));
    expected.forEach((e, i) => {
      const actual = result.spanResults[i]!;
      expect(actual.passed, `span ${e.id}`).toBe(e.passed);
      if (e.observed !== undefined) expect(actual.observedValue, `span ${e.id}`).toBe(e.observed);
      if (e.error === undefined) expect(actual.error).toBeUndefined();
      else expect(actual.error).toContain(e.error);
    });
    expect(result.allPassed).toBe(expected.every((e) => e.passed));
  });

  it.each([
    ['A11', 'attr:tracetest.selected_spans.count = 0', '0'],
    ['A13', '1 = 1', '1'],
  ])('%s: %s passes once with no span', (_, assertion, observedValue) => {
    expect(evaluateAssertion(assertion, named('nope'), context)).toEqual({
      assertion,
      allPassed: true,
      spanResults: [{ spanId: null, observedValue, passed: true }],
    });
  });

  it('A16: every span passes, the trigger span shows 1s', () => {
    const result = evaluateAssertion('attr:tracetest.span.duration <= 1s', F1.spans, context);
    expect(result.spanResults).toHaveLength(11);
    expect(result.allPassed).toBe(true);
    expect(result.spanResults[0]!.observedValue).toBe('1s');
  });

  it('fails an attribute reference over an empty selection', () => {
    const result = evaluateAssertion('attr:http.status_code = 200', [], context);
    expect(result.spanResults).toEqual([
      {
        spanId: null,
        observedValue: '',
        passed: false,
        error:
          'resolution error: there are no matching spans to retrieve the attribute "http.status_code" from',
      },
    ]);
  });

  it('reports a missing attribute as a resolution error (J01)', () => {
    const [result] = evaluateAssertion('attr:app.missing = 1', named('compute'), context).spanResults;
    expect(result).toEqual({
      spanId: spanIdOf(11),
      observedValue: '',
      passed: false,
      error: 'resolution error: attribute "app.missing" not found',
    });
  });

  it('keeps the left value when the comparator fails', () => {
    const [result] = evaluateAssertion('attr:db.statement < 5', named('INSERT orders'), context).spanResults;
    expect(result!.observedValue).toBe('INSERT INTO orders VALUES (7)');
    expect(result!.error).toContain('cannot parse "INSERT INTO orders VALUES (7)" as number');
  });

  it('fails every span with the syntax error of an assertion that does not parse', () => {
    const result = evaluateAssertion('attr:x ==', named('GET /stock'), context);
    expect(result.spanResults).toHaveLength(4);
    expect(result.spanResults.every((r) => !r.passed && r.error?.includes('invalid assertion'))).toBe(true);
  });

  it('subtracts nanosecond timestamps exactly (Q20)', () => {
    const result = evaluateAssertion(
      'attr:tracetest.span.end_time - attr:tracetest.span.start_time = attr:tracetest.span.duration',
      F1.spans,
      context,
    );
    expect(result.allPassed).toBe(true);
    const [span6] = named('SELECT stock');
    const difference = evaluateExpression('attr:tracetest.span.end_time - attr:tracetest.span.start_time', {
      ...context,
      span: span6!,
    });
    expect(formatValue(difference)).toBe('1500000');
    // A float64 subtraction of these ~1.7e18 values is not exact.
    const start = Number(span6!.attributes.get('tracetest.span.start_time'));
    const end = Number(span6!.attributes.get('tracetest.span.end_time'));
    expect(end - start).not.toBe(1_500_000);
  });
});

describe('outputs on F1 (SPEC §12.4, the expression part)', () => {
  const context = contextWith(F1_VARIABLES);
  const evaluateOutput = (value: string, spans: readonly TraceSpan[]) =>
    formatValue(evaluateExpression(value, { ...context, span: spans[0], selectedSpanCount: spans.length }));

  it.each<[string, string, () => TraceSpan[], string]>([
    ['O01', 'attr:http.status_code', () => named('GET /stock'), '200'],
    ['O02', 'attr:retry', () => named('GET /stock').slice(-1), '2'],
    [
      'O04',
      `attr:tracetest.response.body | json_path '$.tags[*]'`,
      () => named('Tracetest trigger'),
      '["a", "b"]',
    ],
    ['O05', '"fixed"', () => named('nope'), 'fixed'],
    ['O07', 'attr:tracetest.selected_spans.count', () => [...F1.spans], '11'],
  ])('%s: %s', (_, value, spans, expected) => {
    expect(evaluateOutput(value, spans())).toBe(expected);
  });

  it('O08: an interpolation outside a string is a syntax error of the output', () => {
    const result = tryParseExpression('${attr:http.method}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('EXPRESSION_SYNTAX');
  });

  it('O10: assertions see the outputs merged into the variables', () => {
    const output = evaluateOutput(
      'attr:http.status_code',
      select((s) => s.attributes.get('retry') === '1'),
    );
    expect(output).toBe('503');
    const result = evaluateAssertion(
      'var:S = 503',
      named('POST /orders'),
      contextWith({ ...F1_VARIABLES, S: output }),
    );
    expect(result.allPassed).toBe(true);
  });
});
