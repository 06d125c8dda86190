import { describe, expect, it } from 'vitest';
import { createPgliteStore } from '../store/pglite-store';
import { describeIdentityStore } from './identity-store-contract';

describeIdentityStore('PGlite in memory', ({ now }) => createPgliteStore({ now }));

describe('bootstrap on PGlite', () => {
  it('runs once on an empty database', async () => {
    const store = await createPgliteStore();
    try {
      expect(
        await store.identity.bootstrapIfEmpty(async (identity) => {
          const organization = await identity.createOrganization({
            id: 'first',
            name: 'First',
            ownerUserId: null,
          });
          await identity.createToken({
            kind: 'org',
            organizationId: organization.id,
            environmentId: null,
            role: 'admin',
            name: 'bootstrap',
            displayPrefix: 'tc_org_x',
            hash: 'h',
            createdBy: null,
            expiresAt: null,
          });
          return 'ran';
        }),
      ).toBe('ran');
      expect(await store.identity.bootstrapIfEmpty(async () => 'again')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
