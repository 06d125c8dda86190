import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger';

function collectLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level name, an ISO time and the fields of children', () => {
    const { lines, destination } = collectLines();
    const logger = createLogger({ level: 'info', destination });
    logger.child({ component: 'otlp-http' }).info({ traceId: 'abc' }, 'listening');
    logger.debug('not written below info');
    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        service: 'tracecheck-agent',
        component: 'otlp-http',
        traceId: 'abc',
        msg: 'listening',
      },
    ]);
  });
});
