import { expect, test } from 'vitest';
import { detectRunningOnContainer } from './detect-running-on-container';

test.each([
  { name: 'Docker leaves /.dockerenv', files: { '/.dockerenv': '' }, expected: true },
  {
    name: 'Podman leaves /run/.containerenv',
    files: { '/run/.containerenv': 'engine="podman"' },
    expected: true,
  },
  {
    name: 'Kubernetes cgroups',
    files: { '/proc/1/cgroup': '0::/kubepods/besteffort/pod1/abc' },
    expected: true,
  },
  { name: 'a host with systemd cgroups', files: { '/proc/1/cgroup': '0::/init.scope' }, expected: false },
  { name: 'nothing readable', files: {}, expected: false },
])('$name', ({ files, expected }) => {
  const read = (path: string): string | undefined => (files as Record<string, string>)[path];
  expect(detectRunningOnContainer(read)).toBe(expected);
});
