import type { SpecResult } from './evaluate-test';

/** XML-escapes an attribute value (Tracetest emits `&#34;` for `"`; any equivalent escaping is valid). */
export function escapeXmlAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;')
    .replace(/\t/g, '&#x9;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

export interface JUnitTestInput {
  readonly name: string;
  readonly results: readonly SpecResult[];
  /** Whole seconds (SPEC §7.1 `executionTime`). */
  readonly executionTimeSeconds: number;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
}

/**
 * The JUnit report of a test run (SPEC §9.7): one `<testsuite>` per spec named by its selector text,
 * one `<testcase>` per span-level result; `<failure>` when the comparison simply did not match (`no
 * match`), `<error>` for everything else. No XML declaration, tab indentation.
 */
export function renderTestJUnit(input: JUnitTestInput): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0 };
  const suites = input.results.map((spec) => renderSpecSuite(spec, total, '\t'));
  return [
    `<testsuites name="${escapeXmlAttribute(input.name)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="0" time="${input.executionTimeSeconds}">`,
    ...suites,
    '</testsuites>',
  ].join('\n');
}

function renderSpecSuite(spec: SpecResult, total: Counts, indent: string): string {
  const counts: Counts = { tests: 0, failures: 0, errors: 0 };
  const cases: string[] = [];
  for (const assertion of spec.results) {
    const name = escapeXmlAttribute(assertion.assertion);
    for (const r of assertion.spanResults) {
      counts.tests++;
      if (r.passed) {
        cases.push(`${indent}\t<testcase name="${name}"></testcase>`);
      } else if (r.error === undefined || r.error === 'no match') {
        counts.failures++;
        cases.push(
          `${indent}\t<testcase name="${name}">\n${indent}\t\t<failure type="${name}" message="${escapeXmlAttribute(r.observedValue)}"></failure>\n${indent}\t</testcase>`,
        );
      } else {
        counts.errors++;
        cases.push(
          `${indent}\t<testcase name="${name}">\n${indent}\t\t<error type="error" message="${escapeXmlAttribute(r.error)}"></error>\n${indent}\t</testcase>`,
        );
      }
    }
  }
  total.tests += counts.tests;
  total.failures += counts.failures;
  total.errors += counts.errors;
  return [
    `${indent}<testsuite name="${escapeXmlAttribute(spec.selector.query)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="0">`,
    ...cases,
    `${indent}</testsuite>`,
  ].join('\n');
}
