/**
 * The real product for browser tests: builds the dashboard with the web package's Vite, starts
 * `tracecheck start` (embedded: server, worker, agent, PGlite) in a fresh folder, and starts the
 * instrumented service of the end-to-end tests so runs have a system under test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDashboardBuilt } from '../../../web/test/build-dashboard';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../../bin/tracecheck.js');
const _WEB_DIR = path.resolve(here, '../../../web');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
export const hasChromium = existsSync(CHROMIUM);

/** Builds `packages/web/dist` once for every test file that asks (see `ensureDashboardBuilt`). */
export const buildDashboard = ensureDashboardBuilt;

function startProcess(args: string[], env: Record<string, string>, ready: RegExp, cwd: string) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, NO_COLOR: '1' } });
  let out = '';
  const match = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = ready.exec(out);
      if (found) resolve(found);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}`)));
  });
  return { child, match, output: () => out };
}

export interface RunningProduct {
  /** The dashboard and API, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The instrumented service: `http://127.0.0.1:<port>`. */
  readonly serviceUrl: string;
  /** The folder `tracecheck start` runs in (its data folder is `.tracecheck` inside). */
  readonly dir: string;
  /** The one-time sign-in link `start` printed for the dashboard, when the server asks browsers to sign in. */
  readonly signInLink: string | undefined;
  /** The admin token `start` wrote into its data folder, for API checks (undefined without sign-in). */
  readonly adminToken: string | undefined;
  stop(): void;
}

/** Starts the embedded product and the instrumented service; the dashboard must be built first. */
export async function startProduct(): Promise<RunningProduct> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tc-web-'));
  const started = startProcess(
    [BIN, 'start', '--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0', '-l', 'warn'],
    {},
    /dashboard {2}(http\S+)[\s\S]*OTLP\/HTTP {2}(\S+)/,
    dir,
  );
  const [, url, tracesUrl] = await started.match;
  const service = startProcess(
    [path.resolve(here, '../e2e/instrumented-service.mjs')],
    { OTLP_TRACES_URL: tracesUrl ?? '' },
    /listening on (\d+)/,
    path.resolve(here, '../e2e'),
  );
  let port: string;
  try {
    port = (await service.match)[1] ?? '';
  } catch (error) {
    started.child.kill('SIGTERM');
    throw error;
  }
  const children: ChildProcess[] = [service.child, started.child];
  const tokenFile = path.join(dir, '.tracecheck', 'admin-token');
  return {
    url: url ?? '',
    serviceUrl: `http://127.0.0.1:${port}`,
    dir,
    signInLink: /sign in {4}(http\S+)/.exec(started.output())?.[1],
    adminToken: existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined,
    stop() {
      for (const child of children) child.kill('SIGTERM');
    },
  };
}
