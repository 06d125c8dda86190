import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from './pglite-store';
import { describeStore } from './store-contract';
import { newRun } from './testing/new-run';

describeStore('PGlite in memory', ({ now }) => createPgliteStore({ now }));

describe('PGlite store in a data folder', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tracecheck-pglite-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps everything across a reopen, migrating only once', async () => {
    const scope = { organizationId: 'org', environmentId: 'env' };
    const first = await createPgliteStore({ dataDir });
    await first.upsertOrganization({ id: 'org', name: 'Org' });
    await first.upsertEnvironment(scope, 'Env');
    await first.upsertResource(scope, 'Test', 't', { name: 'v1' }, { versioned: true });
    await first.upsertResource(scope, 'Test', 't', { name: 'v2' }, { versioned: true });
    const run = await first.createRun(scope, newRun({ testId: 't', testVersion: 2 }));
    await first.saveRunTrace(scope, run.id, Uint8Array.of(1, 2, 3));
    await first.close();

    const reopened = await createPgliteStore({ dataDir });
    try {
      expect(
        (await reopened.listResourceVersions(scope, 'Test', 't')).map((version) => version.spec.name),
      ).toEqual(['v1', 'v2']);
      expect(await reopened.getRun(scope, run.id)).toEqual(run);
      expect(await reopened.readRunTrace(scope, run.id)).toEqual(Uint8Array.of(1, 2, 3));
      const next = await reopened.createRun(scope, { ...run, testVersion: 2 });
      expect(next.id).toBeGreaterThan(run.id);
    } finally {
      await reopened.close();
    }
  });
});
