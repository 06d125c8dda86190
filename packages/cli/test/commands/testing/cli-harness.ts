import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = path.resolve(here, '../../../bin/tracecheck.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a spawned CLI: no TRACECHECK_ or TRACETEST_ variables of the developer's shell, a private HOME. */
function cleanEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(TRACECHECK|TRACETEST)_/.test(key)) env[key] = value;
  }
  return { ...env, HOME: home, NO_COLOR: '1', BROWSER: '', ...extra };
}

/** Runs the real binary (asynchronously, so a test can run several at once). */
export function runCli(
  args: readonly string[],
  options: { cwd: string; home: string; env?: Record<string, string> },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.home, options.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A folder with an embedded server (`tracecheck start`) running in it, and a HOME of its own. */
export interface EmbeddedServer {
  readonly dir: string;
  readonly home: string;
  readonly url: string;
  /** The admin token `tracecheck start` wrote to `.tracecheck/admin-token`, when the server has one. */
  readonly token: string | undefined;
  stop(): Promise<void>;
}

export async function startEmbeddedServer(prefix: string): Promise<EmbeddedServer> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'start', '--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '-l', 'warn'],
    { cwd: dir, env: cleanEnv(home, {}), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API {8}(http:\/\/\S+)\/api/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tracecheck start exited with ${code}:\n${output}`)));
  });
  const tokenFile = path.join(dir, '.tracecheck', 'admin-token');
  return {
    dir,
    home,
    url,
    token: existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (taken, then released). */
export async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Replaces what changes from run to run (ports, temp folders, times, generated ids) for snapshots. */
export function normalize(text: string, replacements: Readonly<Record<string, string>> = {}): string {
  let out = text;
  for (const [from, to] of Object.entries(replacements)) out = out.split(from).join(to);
  return out
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
}
