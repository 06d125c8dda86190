import type { Paint } from '../io';

/** Where progress goes: stderr, so that `-o json|yaml` keeps stdout clean. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal height: more runs than fit are shown as plain lines (cursor-up cannot reach them). */
  readonly rows?: number;
}

/** Live progress of the runs of one `tracecheck run`, fed by the server's live events (no timers). */
export interface RunProgress {
  /** Adds a run, in the order lines are shown. */
  add(key: string, label: string): void;
  /** The run entered `state`; `detail` is shown after it (e.g. `passed`, `step 2/3`). */
  update(key: string, state: string, detail?: string): void;
  /** Stops updating; later calls do nothing. */
  close(): void;
}

interface Line {
  readonly label: string;
  state: string;
  detail: string;
  changedAtMs: number;
}

const FINAL_STATES = new Set([
  'FINISHED',
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
  'STOPPED',
  'FAILED',
  'NOT STARTED',
]);

/**
 * On a terminal, one line per run rewritten in place (cursor up, clear line) on every change; on
 * anything else (CI logs, files), or when the runs do not fit the terminal, one plain line per state
 * change.
 * @example const p = createRunProgress(process.stderr, paint, Date.now); p.add('a.yaml', 'create order (a.yaml)'); p.update('a.yaml', 'EXECUTING');
 */
export function createRunProgress(stream: ProgressStream, paint: Paint, nowMs: () => number): RunProgress {
  const lines = new Map<string, Line>();
  const startedAtMs = nowMs();
  let live = stream.isTTY === true;
  let drawn = 0;
  let closed = false;

  const colour = (line: Line): string => {
    const text = `${line.state}${line.detail ? ` ${line.detail}` : ''}`;
    if (line.state === 'FINISHED' && line.detail.includes('passed')) return paint.green(text);
    if (FINAL_STATES.has(line.state)) return paint.red(text);
    return paint.yellow(text);
  };

  const redraw = () => {
    let text = drawn > 0 ? `\u001b[${drawn}A` : '';
    for (const line of lines.values()) {
      const seconds = ((line.changedAtMs - startedAtMs) / 1000).toFixed(1);
      const mark = FINAL_STATES.has(line.state) ? ' ' : '…';
      text += `\u001b[2K${mark} ${line.label}  ${colour(line)}  ${paint.dim(`${seconds} s`)}\n`;
    }
    drawn = lines.size;
    stream.write(text);
  };

  return {
    add(key, label) {
      if (closed) return;
      lines.set(key, { label, state: 'PENDING', detail: '', changedAtMs: nowMs() });
      if (live && lines.size >= (stream.rows ?? 24)) live = false;
      if (live) redraw();
    },
    update(key, state, detail = '') {
      const line = lines.get(key);
      if (closed || !line || (line.state === state && line.detail === detail)) return;
      line.state = state;
      line.detail = detail;
      line.changedAtMs = nowMs();
      if (live) redraw();
      else stream.write(`${line.label}: ${state}${detail ? ` ${detail}` : ''}\n`);
    },
    close() {
      closed = true;
    },
  };
}
