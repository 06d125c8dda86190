/** Counts requests per key in fixed windows; `take` says whether one more is allowed. */
export interface RateLimiter {
  /** Counts a request of `key`; when over the limit, how long until the window resets. */
  take(key: string): { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };
}

export interface RateLimiterOptions {
  readonly maxRequests: number;
  readonly windowMs: number;
  readonly nowMs?: () => number;
  /** Windows kept before the expired ones are swept; default 10 000. */
  readonly maxKeys?: number;
}

/**
 * An in-process fixed-window limiter. Each API replica counts on its own, so the effective limit of
 * a client is `maxRequests × replicas` per window: enough to stop guessing and floods of sign-in
 * attempts without a shared counter.
 * @example const limiter = createRateLimiter({ maxRequests: 30, windowMs: 60_000 }); limiter.take(ip)
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const nowMs = options.nowMs ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const windows = new Map<string, { startMs: number; count: number }>();

  function sweep(now: number): void {
    for (const [key, window] of windows) {
      if (now - window.startMs >= options.windowMs) windows.delete(key);
    }
  }

  return {
    take(key) {
      const now = nowMs();
      let window = windows.get(key);
      if (window === undefined || now - window.startMs >= options.windowMs) {
        if (windows.size >= maxKeys) sweep(now);
        window = { startMs: now, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count <= options.maxRequests) return { allowed: true };
      return { allowed: false, retryAfterMs: window.startMs + options.windowMs - now };
    },
  };
}
