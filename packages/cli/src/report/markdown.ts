import {
  countVerdicts,
  extraFailedGates,
  formatDuration,
  type GroupReport,
  linkOf,
  nameOf,
  plural,
  type RunItem,
  type TestRunItem,
  type Verdict,
  verdictOf,
} from './group-report';
import { assertionLink } from './junit';

const ICON: Readonly<Record<Verdict, string>> = {
  passed: '✅',
  failed: '❌',
  error: '⚠️',
  'not-started': '⛔',
};

/** Text inside a table cell: no line breaks, `|` escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ');
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

function durationOf(item: RunItem): string {
  return item.kind === 'not-started' ? '—' : formatDuration(item.durationMs);
}

function runCell(item: RunItem): string {
  const link = linkOf(item);
  if (item.kind === 'not-started' || !link) return '—';
  return `[run ${item.runId}](${link})`;
}

function failedAssertions(run: TestRunItem, out: string[]): void {
  const report = run.report;
  report.results.forEach((spec, specIndex) => {
    for (const assertion of spec.results) {
      for (const r of assertion.spanResults) {
        if (r.passed) continue;
        const where = r.spanId ? ` on span \`${r.spanId}\`` : '';
        const error = r.error && r.error !== 'no match' ? ` (${r.error.replace(/\r?\n/g, ' ')})` : '';
        const link = report.link ? ` — [open](${assertionLink(report.link, specIndex, r.spanId)})` : '';
        out.push(
          `- ${code(spec.name || spec.selector.query || 'All Spans')}: ${code(assertion.assertion)} observed ${code(r.observedValue)}${where}${error}${link}`,
        );
      }
    }
  });
  const gates = extraFailedGates(report);
  if (gates.length > 0) out.push(`- required gates failed: ${gates.map(code).join(', ')}`);
}

function problemsOf(item: RunItem, out: string[]): void {
  const verdict = verdictOf(item);
  if (verdict === 'passed') return;
  const link = linkOf(item);
  out.push('', `#### ${ICON[verdict]} ${nameOf(item)}${link ? ` ([run](${link}))` : ''}`, '');
  switch (item.kind) {
    case 'not-started':
      out.push(`Not started: ${item.message.replace(/\r?\n/g, ' ')}`);
      return;
    case 'test':
      if (item.diagnosis) {
        out.push(`Ended ${code(item.report.state)}.`);
        for (const why of item.diagnosis.why) out.push(`- ${why.replace(/\r?\n/g, ' ')}`);
        out.push(`- Check: ${item.diagnosis.check}`);
        if (item.diagnosis.eventsLink) out.push(`- [Run events](${item.diagnosis.eventsLink})`);
      } else {
        failedAssertions(item, out);
      }
      return;
    case 'suite':
      if (item.diagnosis && item.steps.length === 0) {
        for (const why of item.diagnosis.why) out.push(`- ${why.replace(/\r?\n/g, ' ')}`);
      }
      for (const step of item.steps) {
        if (verdictOf(step) === 'passed') continue;
        out.push(
          `- step **${step.report.testName}** (${verdictOf(step)}, [run](${step.report.link ?? ''})):`,
        );
        const nested: string[] = [];
        if (step.diagnosis) {
          for (const why of step.diagnosis.why) nested.push(`- ${why.replace(/\r?\n/g, ' ')}`);
          nested.push(`- Check: ${step.diagnosis.check}`);
        } else failedAssertions(step, nested);
        out.push(...nested.map((line) => `  ${line}`));
      }
      return;
  }
}

/**
 * A Markdown summary for a CI job summary (e.g. `$GITHUB_STEP_SUMMARY`): a headline, a table of runs
 * with verdict, duration and link, then each failed assertion with its observed value and deep link,
 * and why each run that ended in an error stopped.
 */
export function renderGroupMarkdown(group: GroupReport): string {
  const counts = countVerdicts(group.items);
  const allPassed = counts.total > 0 && counts.passed === counts.total;
  const out: string[] = [
    `## ${allPassed ? '✅' : '❌'} Tracecheck: ${counts.passed} of ${counts.total} passed`,
    '',
    `${counts.passed} passed, ${counts.failed} failed, ${plural(counts.errors, 'error')}${counts.notStarted ? `, ${counts.notStarted} not started` : ''} in ${formatDuration(group.durationMs)} — run group ${code(group.runGroupId)} on ${group.serverUrl}`,
    '',
    '| | Run | Verdict | Duration | Link |',
    '|---|---|---|---|---|',
  ];
  for (const item of group.items) {
    const verdict = verdictOf(item);
    const file = item.kind === 'not-started' ? '' : item.file ? ` (${code(item.file)})` : '';
    out.push(
      `| ${ICON[verdict]} | ${cell(nameOf(item))}${cell(file)} | ${verdict} | ${durationOf(item)} | ${runCell(item)} |`,
    );
  }
  if (!allPassed) {
    out.push('', '### What failed');
    for (const item of group.items) problemsOf(item, out);
  }
  if (group.skipped.length > 0) {
    out.push('', `<details><summary>${group.skipped.length} file(s) skipped</summary>`, '');
    for (const skipped of group.skipped) out.push(`- ${code(skipped.shown)}: ${skipped.reason}`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}
