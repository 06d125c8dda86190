/**
 * Builds the dashboard's `dist/` for browser tests — once per change of its sources, whichever test
 * files ask at the same time. Vite empties `dist/` when it builds, so a second build while another
 * test file serves `dist/` would pull the files from under it: the first caller builds under a lock
 * and stamps `dist/` with the sources' fingerprint, later callers find the stamp and build nothing.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORE_SRC = path.resolve(WEB_DIR, '../core/src');
const STAMP = path.join(WEB_DIR, 'dist', '.build-stamp');
const LOCK = path.join(
  tmpdir(),
  `tracecheck-web-build-${Buffer.from(WEB_DIR).toString('hex').slice(-24)}.lock`,
);
/** A lock older than this was left by a test process that died while building. */
const STALE_LOCK_MS = 10 * 60_000;

async function newestChange(entry: string): Promise<number> {
  const info = await stat(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of await readdir(entry)) {
    newest = Math.max(newest, await newestChange(path.join(entry, name)));
  }
  return newest;
}

/**
 * The newest change among the files the build reads, and the kind of build (a `dist/` stamped before
 * the tests built React's production form has none, so it is built again).
 */
async function sourcesFingerprint(): Promise<string> {
  const entries = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) =>
    path.join(WEB_DIR, name),
  );
  const times = await Promise.all([...entries, CORE_SRC].map(newestChange));
  return `production ${Math.max(...times)}`;
}

async function isBuilt(fingerprint: string): Promise<boolean> {
  const stamp = await readFile(STAMP, 'utf8').catch(() => undefined);
  return stamp === fingerprint;
}

async function acquireLock(): Promise<void> {
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(LOCK).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Makes sure `packages/web/dist` holds a build of the current sources (as `npm run build -w
 * @tracecheck/web` makes it), building asynchronously so the test worker keeps answering Vitest.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const fingerprint = await sourcesFingerprint();
  if (await isBuilt(fingerprint)) return;
  await acquireLock();
  try {
    if (await isBuilt(fingerprint)) return;
    const require = createRequire(path.join(WEB_DIR, 'package.json'));
    const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
    try {
      await promisify(execFile)(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
        cwd: WEB_DIR,
        // Vitest sets NODE_ENV=test, and Vite bundles React's development build for any NODE_ENV but
        // production: its StrictMode then mounts every effect twice and each page loads its data twice.
        env: { ...process.env, NODE_ENV: 'production' },
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`vite build failed (exit ${failed.code}):\n${failed.stdout}\n${failed.stderr}`);
    }
    await writeFile(STAMP, fingerprint);
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
