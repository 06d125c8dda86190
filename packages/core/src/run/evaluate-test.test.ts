import { describe, expect, it } from 'vitest';
import { F1, F1_VARIABLES, spanIdOf } from '../testing/index';
import { evaluateTest } from './evaluate-test';
import { renderTestJUnit } from './junit';

const variables = new Map(Object.entries(F1_VARIABLES));

describe('evaluateTest on F1', () => {
  it('A44: a descendant selector picks 9, 10, 11 and the assertion holds on each', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      specs: [
        { selector: 'span[name="orders process"] span[]', assertions: ['attr:service.name = "worker"'] },
      ],
    });
    expect(r.results[0]!.spanIds).toEqual([spanIdOf(9), spanIdOf(10), spanIdOf(11)]);
    expect(r.allPassed).toBe(true);
    expect(r.passed).toBe(3);
  });

  it('O10: outputs are merged before the assertions run', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      outputs: [{ name: 'S', selector: 'span[retry="1"]', value: 'attr:http.status_code' }],
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['var:S = 503'] }],
    });
    expect(r.outputs).toEqual([{ name: 'S', value: '503', spanId: spanIdOf(9), resolved: true }]);
    expect(r.allPassed).toBe(true);
    expect(r.variables.get('S')).toBe('503');
  });

  it('O05: an output whose selector matches nothing keeps its value and says why', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      outputs: [{ name: 'X', selector: 'span[name="nope"]', value: '"fixed"' }],
      specs: [],
    });
    expect(r.outputs[0]).toEqual({
      name: 'X',
      value: 'fixed',
      resolved: false,
      error: 'cannot find matching spans for output "X"',
    });
  });

  it('Q16: two specs with the same selector both keep their results, and a later output wins', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      outputs: [
        { name: 'A', selector: '', value: '"1"' },
        { name: 'A', selector: '', value: '"2"' },
      ],
      specs: [
        { selector: 'span[name="compute"]', assertions: ['attr:app.count = 3'] },
        { selector: 'span[name="compute"]', assertions: ['attr:app.count = 4'] },
      ],
    });
    expect(r.results.map((s) => s.allPassed)).toEqual([true, false]);
    expect(r.variables.get('A')).toBe('2');
  });

  it('Q6: an invalid selector fails its spec with the syntax error instead of selecting every span', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      specs: [{ selector: 'span[name=]', assertions: ['1 = 1'] }],
    });
    expect(r.allPassed).toBe(false);
    expect(r.results[0]!.error).toMatch(/invalid selector/);
    expect(r.results[0]!.spanIds).toEqual([]);
  });

  it('reads legacy assertions without attr: and keeps the text as written', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      specs: [{ selector: 'span[name="POST /orders"]', assertions: ['http.status_code = 201'] }],
    });
    expect(r.allPassed).toBe(true);
    expect(r.results[0]!.results[0]!.assertion).toBe('http.status_code = 201');
  });

  it('J01: renders the JUnit report of SPEC §12.8', () => {
    const r = evaluateTest({
      trace: F1,
      variables,
      specs: [
        {
          selector: 'span[tracetest.span.type="database"]',
          assertions: ['attr:tracetest.span.duration < 10ms', 'attr:db.system = "postgresql"'],
        },
        { selector: 'span[name="compute"]', assertions: ['attr:app.missing = 1'] },
      ],
    });
    const xml = renderTestJUnit({ name: 'J01', results: r.results, executionTimeSeconds: 1 });
    expect(xml).toBe(
      [
        '<testsuites name="J01" tests="5" failures="2" errors="1" skipped="0" time="1">',
        '\t<testsuite name="span[tracetest.span.type=&#34;database&#34;]" tests="4" failures="2" errors="0" skipped="0">',
        '\t\t<testcase name="attr:tracetest.span.duration &lt; 10ms">',
        '\t\t\t<failure type="attr:tracetest.span.duration &lt; 10ms" message="50ms"></failure>',
        '\t\t</testcase>',
        '\t\t<testcase name="attr:tracetest.span.duration &lt; 10ms"></testcase>',
        '\t\t<testcase name="attr:db.system = &#34;postgresql&#34;"></testcase>',
        '\t\t<testcase name="attr:db.system = &#34;postgresql&#34;">',
        '\t\t\t<failure type="attr:db.system = &#34;postgresql&#34;" message="redis"></failure>',
        '\t\t</testcase>',
        '\t</testsuite>',
        '\t<testsuite name="span[name=&#34;compute&#34;]" tests="1" failures="0" errors="1" skipped="0">',
        '\t\t<testcase name="attr:app.missing = 1">',
        '\t\t\t<error type="error" message="resolution error: attribute &#34;app.missing&#34; not found"></error>',
        '\t\t</testcase>',
        '\t</testsuite>',
        '</testsuites>',
      ].join('\n'),
    );
  });
});
