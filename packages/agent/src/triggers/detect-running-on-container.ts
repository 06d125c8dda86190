import { readFileSync } from 'node:fs';

/** Reads a file's text, or undefined when it cannot be read. */
export type ReadTextFile = (path: string) => string | undefined;

function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether this process runs in a container (Docker, Podman, Kubernetes, containerd, LXC), so connection
 * hints can say that `localhost` is the container itself. Call once at start-up and pass the answer in
 * `TriggerContext.runningOnContainer`.
 */
export function detectRunningOnContainer(read: ReadTextFile = readTextFile): boolean {
  if (read('/.dockerenv') !== undefined || read('/run/.containerenv') !== undefined) return true;
  const cgroup = read('/proc/1/cgroup') ?? '';
  return /docker|kubepods|containerd|libpod|lxc/.test(cgroup);
}
