import { escapeXmlAttribute, renderTestJUnit, type SpecResult } from '@tracecheck/core';
import {
  extraFailedGates,
  type GroupReport,
  nameOf,
  type RunItem,
  type TestRunItem,
  verdictOf,
} from './group-report';

/** Deep link of one failed assertion (SPEC §9.5): the spec's 0-based index, and the span when there is one. */
export function assertionLink(link: string, specIndex: number, spanId: string | null | undefined): string {
  return `${link}?selectedAssertion=${specIndex}${spanId ? `&selectedSpan=${spanId}` : ''}`;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
}

/** XML text content (element bodies): only `&`, `<`, `>` need escaping, control characters go. */
function escapeXmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

class SuiteWriter {
  readonly counts: Counts = { tests: 0, failures: 0, errors: 0 };
  private readonly cases: string[] = [];
  constructor(
    private readonly name: string,
    private readonly classname: string,
    private readonly file?: string,
  ) {}

  pass(name: string): void {
    this.counts.tests++;
    this.cases.push(`\t\t<testcase name="${escapeXmlAttribute(name)}"${this.classAttr()}></testcase>`);
  }

  fail(kind: 'failure' | 'error', name: string, type: string, message: string, body: string): void {
    this.counts.tests++;
    if (kind === 'failure') this.counts.failures++;
    else this.counts.errors++;
    this.cases.push(
      `\t\t<testcase name="${escapeXmlAttribute(name)}"${this.classAttr()}>\n` +
        `\t\t\t<${kind} type="${escapeXmlAttribute(type)}" message="${escapeXmlAttribute(message)}">${escapeXmlText(body)}</${kind}>\n` +
        '\t\t</testcase>',
    );
  }

  private classAttr(): string {
    return ` classname="${escapeXmlAttribute(this.classname)}"`;
  }

  render(): string {
    const file = this.file ? ` file="${escapeXmlAttribute(this.file)}"` : '';
    return [
      `\t<testsuite name="${escapeXmlAttribute(this.name)}" tests="${this.counts.tests}" failures="${this.counts.failures}" errors="${this.counts.errors}" skipped="0"${file}>`,
      ...this.cases,
      '\t</testsuite>',
    ].join('\n');
  }
}

function specSuite(run: TestRunItem, spec: SpecResult, specIndex: number, prefix: string): SuiteWriter {
  const report = run.report;
  const writer = new SuiteWriter(
    `${prefix}${report.testName} › ${spec.selector.query || 'All Spans'}`,
    prefix + report.testName,
    run.file,
  );
  for (const assertion of spec.results) {
    for (const r of assertion.spanResults) {
      if (r.passed) {
        writer.pass(assertion.assertion);
        continue;
      }
      const where = r.spanId ? ` on span ${r.spanId}` : '';
      const link = report.link ? `\n${assertionLink(report.link, specIndex, r.spanId)}` : '';
      if (r.error === undefined || r.error === 'no match') {
        writer.fail(
          'failure',
          assertion.assertion,
          assertion.assertion,
          r.observedValue,
          `observed ${r.observedValue}${where}${link}`,
        );
      } else {
        writer.fail('error', assertion.assertion, 'error', r.error, `${r.error}${where}${link}`);
      }
    }
  }
  return writer;
}

function testRunSuites(run: TestRunItem, prefix: string): SuiteWriter[] {
  const report = run.report;
  const classname = prefix + report.testName;
  if (verdictOf(run) === 'error') {
    const writer = new SuiteWriter(classname, classname, run.file);
    const why = run.diagnosis?.why.join('\n') ?? '';
    const body = [
      why,
      run.diagnosis ? `Check: ${run.diagnosis.check}` : '',
      run.diagnosis?.eventsLink ?? report.link ?? '',
    ]
      .filter((line) => line !== '')
      .join('\n');
    writer.fail(
      'error',
      report.testName,
      report.state,
      run.diagnosis?.why[0] ?? report.lastErrorState ?? report.state,
      body,
    );
    return [writer];
  }
  const suites = report.results.map((spec, index) => specSuite(run, spec, index, prefix));
  const failedGates = extraFailedGates(report);
  if (suites.length === 0 || failedGates.length > 0) {
    const writer = new SuiteWriter(classname, classname, run.file);
    if (failedGates.length > 0) {
      writer.fail(
        'failure',
        'required gates',
        'required gates',
        `failed: ${failedGates.join(', ')}`,
        report.link ?? '',
      );
    } else if (report.passed) writer.pass(report.testName);
    else writer.fail('failure', report.testName, report.state, 'did not pass', report.link ?? '');
    suites.push(writer);
  }
  return suites;
}

function itemSuites(item: RunItem): SuiteWriter[] {
  switch (item.kind) {
    case 'not-started': {
      const writer = new SuiteWriter(nameOf(item), nameOf(item), item.file);
      writer.fail('error', nameOf(item), 'not started', item.message, item.message);
      return [writer];
    }
    case 'test':
      return testRunSuites(item, '');
    case 'suite': {
      const suites = item.steps.flatMap((step) => testRunSuites(step, `${item.name} › `));
      if (suites.length === 0 || (!item.passed && item.steps.every((s) => verdictOf(s) === 'passed'))) {
        const writer = new SuiteWriter(item.name, item.name, item.file);
        if (item.passed) writer.pass(item.name);
        else {
          const why = item.diagnosis?.why.join('\n') || `the suite run ended ${item.state}`;
          writer.fail('error', item.name, item.state, why, `${why}\n${item.link}`);
        }
        suites.push(writer);
      }
      return suites;
    }
  }
}

/**
 * The JUnit XML of a `run`: for one test run with results, exactly SPEC §9.7; otherwise (suites, groups,
 * runs without results) one `<testsuites>` document with a `<testsuite>` per spec of every run (named
 * `test › selector`, suites' steps prefixed by the suite name), an `<error>` test case for each run
 * that ended in an error state or never started, with why in its body. No XML declaration, tabs.
 */
export function renderRunJUnit(group: GroupReport, asGroup: boolean): string {
  const [only] = group.items;
  if (!asGroup && group.items.length === 1 && only?.kind === 'test' && verdictOf(only) !== 'error') {
    return renderTestJUnit({
      name: only.report.testName,
      results: only.report.results,
      executionTimeSeconds: only.report.executionTimeSeconds,
    });
  }
  const suites = group.items.flatMap(itemSuites);
  const total = suites.reduce(
    (sum, s) => ({
      tests: sum.tests + s.counts.tests,
      failures: sum.failures + s.counts.failures,
      errors: sum.errors + s.counts.errors,
    }),
    { tests: 0, failures: 0, errors: 0 },
  );
  const name = asGroup || !only ? `run group ${group.runGroupId}` : nameOf(only);
  const seconds = (group.durationMs / 1000).toFixed(3);
  return [
    `<testsuites name="${escapeXmlAttribute(name)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="0" time="${seconds}">`,
    ...suites.map((s) => s.render()),
    '</testsuites>',
  ].join('\n');
}
