/**
 * Selector evaluation on 100k-span traces of two shapes with the same spans: a random tree (each span
 * under a uniformly chosen earlier span, depth ~ log n) and a deep chain (each span under the previous
 * one, depth n). A literal reading of SPEC §4.4 is quadratic on the chain; Tracecheck must stay
 * linear, so the deep/random ratio should stay near 1 (target <= 2) and the whole set of selectors
 * should take <= 50 ms per trace.
 *
 * Traces are assembled with `assembleTrace` and selectors parsed before timing. Two figures per shape:
 * - warm: the set evaluated on a trace already seen, as the specs of one test run share one trace
 *   (property columns and the tree's depths are then prepared);
 * - cold: the set evaluated on a trace never seen before (a fresh `Trace` object), preparation included.
 * The baseline, measured in the same run, is one pass reading one attribute of every span: the floor
 * of any selector evaluation on this machine at this moment, so figures can be compared across
 * machines and loads as multiples of it.
 *
 * Run: `node --import tsx bench/selectors.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  assembleTrace,
  parseSelector,
  type SpanId,
  type SpanInput,
  type SpanKind,
  selectSpans,
  type Trace,
  type TraceId,
} from '@tracecheck/core';

/** Specs' selectors: descendant, child, :has, :not, positional pseudo-classes, unions, operators. */
export const BENCH_SELECTORS: readonly string[] = [
  'span[tracetest.span.type="http" service.name="orders"]',
  'span[service.name="orders"] span[tracetest.span.type="database"]',
  'span[kind="server"] > span[kind="client"]',
  'span[name="consume message"]:last span[name="save order"]',
  'span[tracetest.span.type="http"] span[tracetest.span.type="database"]:first',
  'span[kind="server"]:has(> span[db.system="postgresql"])',
  'span[kind="client"]:not(span[service.name="worker"], span[http.status_code >= 500])',
  'span[tracetest.span.duration > 5ms] span[name contains "stock"]:nth_child(2)',
  'span[service.name="api"] span[service.name="worker"] > span[kind="client"]:last',
  'span[http.status_code >= 500], span[db.system]:has(span[name matches "SELECT .*"])',
];

export interface SelectorBenchOptions {
  /** Spans per trace (default 100 000). */
  readonly spans?: number;
  /** Timed evaluations of the whole set per shape; the median is reported (default 9). */
  readonly iterations?: number;
  /** Seed of the span generator (default 1). */
  readonly seed?: number;
}

export interface SelectorBenchResult {
  readonly spans: number;
  readonly selectors: number;
  readonly iterations: number;
  /** Median time to evaluate every selector once on the random tree, trace already seen. */
  readonly randomTreeMs: number;
  /** Median time to evaluate every selector once on the deep chain, trace already seen. */
  readonly deepChainMs: number;
  /** deepChainMs / randomTreeMs. */
  readonly ratio: number;
  /** The same on traces never seen before. */
  readonly coldRandomTreeMs: number;
  readonly coldDeepChainMs: number;
  readonly coldRatio: number;
  /** Median time of one pass reading one attribute of every span of the random tree. */
  readonly baselineMs: number;
  /** Spans selected by the whole set, per shape (a sanity check that the selectors do match). */
  readonly selected: { readonly randomTree: number; readonly deepChain: number };
}

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SpanTemplate {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Readonly<Record<string, string>>;
}

const TEMPLATES: readonly SpanTemplate[] = [
  {
    name: 'POST /orders',
    kind: 'server',
    attributes: { 'service.name': 'api', 'http.method': 'POST', 'http.status_code': '201' },
  },
  {
    name: 'GET /stock',
    kind: 'client',
    attributes: { 'service.name': 'orders', 'http.method': 'GET', 'http.status_code': '200' },
  },
  {
    name: 'GET /stock',
    kind: 'server',
    attributes: { 'service.name': 'stock', 'http.method': 'GET', 'http.status_code': '503' },
  },
  {
    name: 'SELECT stock',
    kind: 'client',
    attributes: { 'service.name': 'stock', 'db.system': 'postgresql' },
  },
  { name: 'INSERT orders', kind: 'client', attributes: { 'service.name': 'orders', 'db.system': 'redis' } },
  {
    name: 'consume message',
    kind: 'consumer',
    attributes: { 'service.name': 'worker', 'messaging.system': 'kafka' },
  },
  { name: 'save order', kind: 'internal', attributes: { 'service.name': 'worker' } },
  { name: 'compute', kind: 'internal', attributes: { 'service.name': 'orders', 'app.count': '3' } },
];

function spanIdOf(index: number): SpanId {
  return (index + 1).toString(16).padStart(16, '0') as SpanId;
}

/** The same spans (names, kinds, attributes, times) under two different parent choices. */
function buildTrace(shape: 'random-tree' | 'deep-chain', size: number, seed: number): Trace {
  const random = seededRandom(seed);
  const shapeRandom = seededRandom(seed + 1);
  const base = 1_700_000_000_000_000_000n;
  const inputs: SpanInput[] = [];
  for (let i = 0; i < size; i++) {
    const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)]!;
    const durationNs = BigInt(Math.floor(random() * 10_000_000));
    const parent = i === 0 ? null : shape === 'deep-chain' ? i - 1 : Math.floor(shapeRandom() * i);
    const start = base + BigInt(i) * 1000n;
    inputs.push({
      id: spanIdOf(i),
      parentId: parent === null ? null : spanIdOf(parent),
      name: template.name,
      kind: template.kind,
      startTimeUnixNano: start,
      endTimeUnixNano: start + durationNs,
      attributes: new Map(Object.entries(template.attributes)),
    });
  }
  return assembleTrace('4bf92f3577b34da6a3ce929d0e0e4736' as TraceId, inputs, { nowUnixNano: () => base });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Evaluates the set on both shapes and returns the median times per shape and their ratio. */
export function runSelectorBench(options: SelectorBenchOptions = {}): SelectorBenchResult {
  const size = options.spans ?? 100_000;
  const iterations = options.iterations ?? 9;
  const seed = options.seed ?? 1;
  const selectors = BENCH_SELECTORS.map(parseSelector);
  const measure = (trace: Trace) => {
    let selected = 0;
    const evaluateAll = (on: Trace) => () => {
      selected = 0;
      for (const selector of selectors) selected += selectSpans(on, selector).length;
    };
    evaluateAll(trace)(); // warm-up: JIT, and the trace's preparation
    const warm: number[] = [];
    const cold: number[] = [];
    for (let i = 0; i < iterations; i++) {
      warm.push(timeMs(evaluateAll(trace)));
      cold.push(timeMs(evaluateAll({ ...trace })));
    }
    return { warmMs: median(warm), coldMs: median(cold), selected };
  };
  const randomTrace = buildTrace('random-tree', size, seed);
  const baseline: number[] = [];
  for (let i = 0; i < iterations; i++) {
    let count = 0;
    baseline.push(
      timeMs(() => {
        for (const span of randomTrace.spans) if (span.attributes.get('service.name') === 'orders') count++;
      }),
    );
    if (count < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  }
  const randomTree = measure(randomTrace);
  const deepChain = measure(buildTrace('deep-chain', size, seed));
  return {
    spans: size,
    selectors: selectors.length,
    iterations,
    randomTreeMs: randomTree.warmMs,
    deepChainMs: deepChain.warmMs,
    ratio: deepChain.warmMs / randomTree.warmMs,
    coldRandomTreeMs: randomTree.coldMs,
    coldDeepChainMs: deepChain.coldMs,
    coldRatio: deepChain.coldMs / randomTree.coldMs,
    baselineMs: median(baseline),
    selected: { randomTree: randomTree.selected, deepChain: deepChain.selected },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = runSelectorBench();
  const inBaselines = (ms: number) => `${(ms / r.baselineMs).toFixed(1)}x baseline`;
  console.log(`${r.selectors} selectors on ${r.spans} spans, median of ${r.iterations} runs per figure`);
  console.log(`  baseline (read one attribute of every span): ${r.baselineMs.toFixed(2)} ms`);
  console.log(
    `  random tree: ${r.randomTreeMs.toFixed(1)} ms warm (${inBaselines(r.randomTreeMs)}), ` +
      `${r.coldRandomTreeMs.toFixed(1)} ms cold (${inBaselines(r.coldRandomTreeMs)}); ${r.selected.randomTree} spans selected`,
  );
  console.log(
    `  deep chain:  ${r.deepChainMs.toFixed(1)} ms warm (${inBaselines(r.deepChainMs)}), ` +
      `${r.coldDeepChainMs.toFixed(1)} ms cold (${inBaselines(r.coldDeepChainMs)}); ${r.selected.deepChain} spans selected`,
  );
  console.log(`  deep/random: ${r.ratio.toFixed(2)} warm, ${r.coldRatio.toFixed(2)} cold (target <= 2)`);
  const perSelector = (ms: number) => (ms / r.selectors).toFixed(1);
  console.log(
    `  one selector over 100k spans, mean of the set: ${perSelector(r.randomTreeMs)} ms random tree, ${perSelector(r.deepChainMs)} ms deep chain (warm)`,
  );
  console.log(
    '  target: <= 50 ms per 100k-span evaluation; the whole set per shape is shown above against it',
  );
}
