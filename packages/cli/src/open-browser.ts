import { spawn } from 'node:child_process';
import type { CliIo } from './io';

/**
 * Opens a URL in the user's browser: the command in `BROWSER` when set (as git and Python do; tests set
 * it to a script), else the platform's opener. Resolves to false when no browser could be started, so
 * the caller prints the URL instead.
 * @example if (!(await openBrowser(io, url))) io.stdout.write(`open ${url}\n`)
 */
export function openBrowser(io: CliIo, url: string): Promise<boolean> {
  const custom = io.env.BROWSER;
  const [command, args]: [string, string[]] = custom
    ? [custom, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, {
        stdio: 'ignore',
        detached: !custom,
        env: { ...io.env } as NodeJS.ProcessEnv,
      });
      child.once('error', () => resolve(false));
      if (custom) {
        // A BROWSER command is waited for: its exit code says whether it worked.
        child.once('exit', (code) => resolve(code === 0));
      } else {
        child.once('spawn', () => {
          child.unref();
          resolve(true);
        });
      }
    } catch {
      resolve(false);
    }
  });
}
