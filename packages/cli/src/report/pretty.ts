import type { SpecResult } from '@tracecheck/core';
import type { Paint } from '../io';
import {
  countVerdicts,
  type Diagnosis,
  formatDuration,
  type GroupReport,
  plural,
  type RunItem,
} from './group-report';
import type { TestRunReport } from './run-report';

function specTitle(spec: SpecResult): string {
  if (spec.name) return spec.name;
  return spec.selector.query === '' ? 'All Spans' : spec.selector.query;
}

/** The `pretty` output of a test run (SPEC §9.5), spans in selection order (Q30 rec.). */
export function renderTestRunPretty(run: TestRunReport, paint: Paint, indent = ''): string {
  const ok = (passed: boolean) => (passed ? paint.green('✔') : paint.red('✘'));
  const linkPart = run.link ? ` (${run.link})` : '';
  const lines: string[] = [];
  if (run.lastErrorState !== undefined) {
    lines.push(`${indent}${paint.red('✘')} ${run.testName}${linkPart}`);
    lines.push(`${indent}\tReason: ${run.lastErrorState}`);
    return `${lines.join('\n')}\n`;
  }
  const trace = run.traceId ? ` - trace id: ${run.traceId}` : '';
  const head = `${run.testName}${linkPart}${trace}`;
  if (run.passed) {
    lines.push(`${indent}${paint.green(`✔ ${head}`)}`);
    for (const spec of run.results) lines.push(`${indent}\t${paint.green(`✔ ${specTitle(spec)}`)}`);
  } else {
    lines.push(`${indent}${paint.red(`✘ ${head}`)}`);
    run.results.forEach((spec, specIndex) => {
      lines.push(`${indent}\t${ok(spec.allPassed)} ${specTitle(spec)}`);
      if (spec.error) lines.push(`${indent}\t\t${paint.red(spec.error)}`);
      // Group span-level results by span, in selection order; results without a span first (#meta).
      const groups = new Map<string, string[]>();
      for (const assertion of spec.results) {
        for (const r of assertion.spanResults) {
          const key = r.spanId ?? 'meta';
          let group = groups.get(key);
          if (!group) {
            group = [];
            groups.set(key, group);
          }
          const observed =
            r.error && r.error !== 'no match' ? `${r.observedValue}; ${r.error}` : r.observedValue;
          let line = `${indent}\t\t\t${ok(r.passed)} ${assertion.assertion} (${observed})`;
          if (!r.passed && run.link) {
            line += ` (${run.link}?selectedAssertion=${specIndex}${r.spanId ? `&selectedSpan=${r.spanId}` : ''})`;
          }
          group.push(line);
        }
      }
      const keys = [...groups.keys()].sort((a, b) => (a === 'meta' ? -1 : b === 'meta' ? 1 : 0));
      for (const key of keys) {
        const group = groups.get(key)!;
        const groupPassed = group.every((l) => !l.includes('✘'));
        lines.push(`${indent}\t\t${ok(groupPassed)} #${key}`);
        lines.push(...group);
      }
    });
  }
  for (const output of run.outputs) {
    if (!output.resolved || output.error) {
      lines.push(`${indent}\t${paint.yellow('⚠')} output ${output.name}: ${output.error ?? 'not resolved'}`);
    }
  }
  if (run.gates && run.gates.required.length > 0) {
    lines.push('');
    lines.push(`${indent}\t${ok(run.gates.passed)} Required gates`);
    for (const gate of run.gates.required)
      lines.push(`${indent}\t\t${ok(!run.gates.failed.includes(gate))} ${gate}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The lines that explain a run ended in an error state (appended under its `Reason:` line). */
export function renderDiagnosisPretty(diagnosis: Diagnosis, paint: Paint, indent = ''): string {
  const lines = diagnosis.why.map((why) => `${indent}\tWhy: ${why}`);
  lines.push(`${indent}\tCheck: ${diagnosis.check}`);
  if (diagnosis.eventsLink) lines.push(`${indent}\tEvents: ${paint.dim(diagnosis.eventsLink)}`);
  return `${lines.join('\n')}\n`;
}

function renderItemPretty(item: RunItem, paint: Paint, indent = ''): string {
  switch (item.kind) {
    case 'not-started':
      return `${indent}${paint.red('✘')} ${item.file}: ${item.message}\n`;
    case 'test':
      return (
        renderTestRunPretty(item.report, paint, indent) +
        (item.diagnosis ? renderDiagnosisPretty(item.diagnosis, paint, indent) : '')
      );
    case 'suite': {
      const head = `${indent}${item.passed ? paint.green('✔') : paint.red('✘')} ${item.name} (${item.link})\n`;
      const diagnosis =
        item.diagnosis && item.steps.length === 0 ? renderDiagnosisPretty(item.diagnosis, paint, indent) : '';
      return (
        head + diagnosis + item.steps.map((step) => renderItemPretty(step, paint, `${indent}\t`)).join('')
      );
    }
  }
}

/**
 * The `pretty` output of `run`: each run as SPEC §9.5 prints it (with, for a run that ended in an error
 * state, why and what to check), then for a group the skipped files and a one-line summary.
 */
export function renderGroupPretty(group: GroupReport, paint: Paint, asGroup: boolean): string {
  let text = group.items.map((item) => renderItemPretty(item, paint)).join('');
  if (!asGroup) return text;
  if (group.skipped.length > 0) {
    text += `\nSkipped ${group.skipped.length} file${group.skipped.length === 1 ? '' : 's'}:\n`;
    for (const skipped of group.skipped) text += `\t${paint.dim(`${skipped.shown}: ${skipped.reason}`)}\n`;
  }
  const counts = countVerdicts(group.items);
  const allPassed = counts.total > 0 && counts.passed === counts.total;
  const parts = [`${counts.passed} passed`, `${counts.failed} failed`, plural(counts.errors, 'error')];
  if (counts.notStarted > 0) parts.push(`${counts.notStarted} not started`);
  const summary = `${allPassed ? '✔' : '✘'} ${parts.join(', ')} of ${plural(counts.total, 'run')} in ${formatDuration(group.durationMs)} (run group ${group.runGroupId})`;
  return `${text}\n${allPassed ? paint.green(summary) : paint.red(summary)}\n`;
}
