import { describe, expect, it } from 'vitest';
import { createRunProgress } from '../../src/commands/run-progress';
import { createPaint } from '../../src/io';

/** A stream that records what was written: the progress writes to a terminal or to a log. */
function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('run progress', () => {
  it('on a terminal, rewrites one line per run in place on every change', () => {
    const { stream, writes } = recorder(true);
    let now = 0;
    const progress = createRunProgress(stream, createPaint(false), () => now);
    progress.add('a.yaml', 'a.yaml');
    progress.add('b.yaml', 'b.yaml');
    now = 1500;
    progress.update('b.yaml', 'EXECUTING');
    now = 2000;
    progress.update('a.yaml', 'FINISHED', '✔ passed');
    // The same state again changes nothing on screen.
    progress.update('a.yaml', 'FINISHED', '✔ passed');
    expect(writes).toEqual([
      '\u001b[2K… a.yaml  PENDING  0.0 s\n',
      '\u001b[1A\u001b[2K… a.yaml  PENDING  0.0 s\n\u001b[2K… b.yaml  PENDING  0.0 s\n',
      '\u001b[2A\u001b[2K… a.yaml  PENDING  0.0 s\n\u001b[2K… b.yaml  EXECUTING  1.5 s\n',
      '\u001b[2A\u001b[2K  a.yaml  FINISHED ✔ passed  2.0 s\n\u001b[2K… b.yaml  EXECUTING  1.5 s\n',
    ]);
  });

  it('falls back to plain lines when the runs do not fit the terminal', () => {
    const { stream, writes } = recorder(true);
    const progress = createRunProgress({ ...stream, rows: 2 }, createPaint(false), () => 0);
    progress.add('a.yaml', 'a.yaml');
    progress.add('b.yaml', 'b.yaml');
    progress.update('b.yaml', 'EXECUTING');
    expect(writes).toEqual(['\u001b[2K… a.yaml  PENDING  0.0 s\n', 'b.yaml: EXECUTING\n']);
  });

  it('elsewhere, writes one plain line per state change and nothing after close', () => {
    const { stream, writes } = recorder(false);
    const progress = createRunProgress(stream, createPaint(false), () => 0);
    progress.add('a.yaml', 'a.yaml');
    progress.update('a.yaml', 'EXECUTING');
    progress.update('a.yaml', 'EXECUTING');
    progress.update('a.yaml', 'TRIGGER_FAILED');
    progress.update('unknown.yaml', 'EXECUTING');
    progress.close();
    progress.update('a.yaml', 'FINISHED');
    expect(writes).toEqual(['a.yaml: EXECUTING\n', 'a.yaml: TRIGGER_FAILED\n']);
  });
});
