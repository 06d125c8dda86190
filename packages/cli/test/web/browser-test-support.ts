/** What the browser tests of the real product share besides starting it: waiting on conditions, skipping loudly. */
import { expect } from 'vitest';
import { CHROMIUM, hasChromium } from './start-dashboard';

const EVENTUALLY_TIMEOUT_MS = 30_000;

/** Polls `read` until the matcher that follows holds (30 s by default): wait on conditions, never on time. */
export function eventually<T>(read: () => T | Promise<T>, timeout = EVENTUALLY_TIMEOUT_MS) {
  return expect.poll(read, { timeout, interval: 200 });
}

/** Says loudly that `what` is skipped when Debian's Chromium is missing. */
export function warnWhenChromiumMissing(what: string): void {
  if (hasChromium) return;
  console.warn(
    `\n⚠⚠⚠ SKIPPING ${what}: ${CHROMIUM} is missing. Install Debian's Chromium ` +
      '(apt-get install chromium); these tests never download a browser. ⚠⚠⚠\n',
  );
}
