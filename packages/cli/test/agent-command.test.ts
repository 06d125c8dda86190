import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/tracecheck.js');

describe('tracecheck agent', () => {
  it('receives OTLP spans, counts them in /metrics and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'agent', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '--host', '127.0.0.1', '-l', 'warn'],
      { env: { ...process.env, NO_COLOR: '1' } },
    );
    let stdout = '';
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const m = /OTLP\/HTTP {2}(http:\/\/\S+)\/v1\/traces/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`agent exited early with ${code}: ${stdout}`)));
    });
    const body = readFileSync(path.join(here, 'fixtures/orders-trace.json'));
    const res = await fetch(`${endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const metrics = await (await fetch(`${endpoint}/metrics`)).text();
    expect(metrics).toMatch(/tracecheck_agent_spans_received_total\S* 2/);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout).toContain('no control plane: give --server-url and --api-key');
  });
});
