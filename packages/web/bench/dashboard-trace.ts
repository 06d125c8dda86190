/**
 * Benchmark: the run page with a trace of 100,000 spans, in Debian's Chromium, against a baseline of
 * 1,000 spans measured in the same run. Prints how long the page takes to show its first rows (with
 * the decode and assembly steps it spends on), the frame times of a scroll from the first row to the
 * last, a selector search, and the graph layout. Figures only: nothing here passes or fails on time.
 *
 * Run: node --import tsx packages/web/bench/dashboard-trace.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { createDashboardFixtures, ORDER_RUN_ID, ORDER_TEST_ID } from '../test/dashboard-fixtures';
import { serveDashboard } from '../test/serve-dashboard';

const CHROMIUM = '/usr/bin/chromium';
const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCROLL_STEPS = 120;

interface Figures {
  readonly spans: number;
  /** Navigation to the first row on screen. */
  readonly openMs: number;
  readonly decodeMs: number;
  readonly assembleMs: number;
  /** Frame times of a scroll from the first row to the last, one step per frame. */
  readonly frameMedianMs: number;
  readonly frameP95Ms: number;
  readonly frameMaxMs: number;
  /** Rows in the DOM at the end of the scroll (only the visible ones should be). */
  readonly rowsInDom: number;
  /** Typing a selector to the match count shown. */
  readonly searchMs: number;
  /** The graph: worker layout, as measured by the page. */
  readonly graphLayoutMs: number;
  readonly graphNodes: number;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

async function measureOf(page: Page, name: string): Promise<number> {
  return page.evaluate((entry) => performance.getEntriesByName(entry).at(-1)?.duration ?? Number.NaN, name);
}

async function measure(page: Page, baseUrl: string, spans: number): Promise<Figures> {
  const started = performance.now();
  await page.goto(`${baseUrl}/test/${ORDER_TEST_ID}/run/${ORDER_RUN_ID}/trace`);
  await page.getByRole('treeitem').first().waitFor({ timeout: 300_000 });
  const openMs = performance.now() - started;

  const frames = await page.evaluate(async (steps) => {
    const tree = document.querySelector<HTMLElement>('[role=tree]');
    if (tree === null) throw new Error('no timeline on the page');
    const times: number[] = [];
    let last = performance.now();
    for (let step = 1; step <= steps; step++) {
      tree.scrollTop = ((tree.scrollHeight - tree.clientHeight) * step) / steps;
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times;
  }, SCROLL_STEPS);
  const rowsInDom = await page.getByRole('treeitem').count();

  const search = page.getByRole('searchbox', { name: 'Search spans by text or selector' });
  const searchStarted = performance.now();
  await search.fill('span[tracetest.span.type="database"]:not(span[name="GET"])');
  await page.waitForFunction(() =>
    /match/.test(document.querySelector('#trace-search-status')?.textContent ?? ''),
  );
  const searchMs = performance.now() - searchStarted;
  await search.fill('');

  await page.getByRole('button', { name: 'Graph', exact: true }).click();
  const graph = page.getByRole('group', { name: /graph of spans/ });
  await graph.waitFor({ timeout: 300_000 });

  return {
    spans,
    openMs,
    decodeMs: await measureOf(page, 'tracecheck:decode-otlp-json'),
    assembleMs: await measureOf(page, 'tracecheck:assemble-trace'),
    frameMedianMs: percentile(frames, 0.5),
    frameP95Ms: percentile(frames, 0.95),
    frameMaxMs: Math.max(...frames),
    rowsInDom,
    searchMs,
    graphLayoutMs: await measureOf(page, 'tracecheck:graph-layout'),
    graphNodes: Number(await graph.getAttribute('data-node-count')),
  };
}

function buildDashboard(): void {
  const require = createRequire(import.meta.url);
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`vite build failed with exit code ${result.status}`);
}

if (!existsSync(CHROMIUM)) {
  console.log(
    `skipped: ${CHROMIUM} is missing (apt-get install chromium); this benchmark never downloads a browser`,
  );
  process.exit(0);
}
buildDashboard();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const results: Figures[] = [];
try {
  for (const spanCount of [1_000, 100_000]) {
    const fixtures = createDashboardFixtures(spanCount);
    const server = await serveDashboard(path.join(WEB_DIR, 'dist'), fixtures);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      results.push(await measure(page, server.url, fixtures.spanCount));
    } finally {
      await page.close();
      await server.close();
    }
  }
} finally {
  await browser.close();
}

const [baseline, big] = results as [Figures, Figures];
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '—');
const rows: readonly [string, (figures: Figures) => number, (value: number) => string][] = [
  ['open → first rows', (f) => f.openMs, ms],
  ['  decode OTLP/JSON', (f) => f.decodeMs, ms],
  ['  assemble trace', (f) => f.assembleMs, ms],
  ['scroll frame, median', (f) => f.frameMedianMs, ms],
  ['scroll frame, p95', (f) => f.frameP95Ms, ms],
  ['scroll frame, max', (f) => f.frameMaxMs, ms],
  ['rows in the DOM', (f) => f.rowsInDom, String],
  ['selector search', (f) => f.searchMs, ms],
  ['graph layout (worker)', (f) => f.graphLayoutMs, ms],
  ['graph nodes', (f) => f.graphNodes, String],
];
console.log(
  `${'run page'.padEnd(24)}${`${baseline.spans} spans`.padStart(14)}${`${big.spans} spans`.padStart(16)}${'ratio'.padStart(9)}`,
);
for (const [label, read, format] of rows) {
  console.log(
    `${label.padEnd(24)}${format(read(baseline)).padStart(14)}${format(read(big)).padStart(16)}${ratio(read(big), read(baseline)).padStart(9)}`,
  );
}
