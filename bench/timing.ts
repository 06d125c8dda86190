/**
 * Timing helpers the benchmarks share: a run's wall-clock and CPU time, and medians of several runs.
 * Both times are kept because on a machine shared with other work wall time includes waiting for a
 * core, which CPU time does not.
 */

/** Wall-clock and CPU time of one measurement, in milliseconds. */
export interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `run` once and returns its wall-clock and CPU (user + system) time. */
export function measureTime(run: () => void): Timing {
  const cpu = process.cpuUsage();
  const start = performance.now();
  run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export function medianTiming(timings: readonly Timing[]): Timing {
  return {
    wallMs: median(timings.map((t) => t.wallMs)),
    cpuMs: median(timings.map((t) => t.cpuMs)),
  };
}
