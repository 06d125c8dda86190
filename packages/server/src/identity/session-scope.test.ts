import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, SCOPE } from '../api/api-test-harness';
import { createAccessControl, type PrincipalResolver } from './access-control';
import { resolveSignInUser } from './sso/resolve-sign-in-user';

/**
 * The scope of a signed-in person's request that names none: a first SSO sign-in gets a personal
 * organization with a `default` environment, so env routes work with no header; an organization
 * with several environments and no `default` answers 400 naming the header and the choices.
 */
const testSessions: PrincipalResolver = async (request) => {
  const userId = request.headers['x-test-user'];
  return typeof userId === 'string' ? { type: 'session', userId } : undefined;
};

const TEST = `type: Test
spec:
  id: mine
  name: mine
  trigger:
    type: http
    httpRequest:
      method: GET
      url: http://shop.local/health
`;

let harness: ApiHarness;

beforeAll(async () => {
  harness = await createApiHarness({
    access: (store, now) =>
      createAccessControl({ store, defaultScope: SCOPE, now, principalResolvers: [testSessions] }),
  });
});
afterAll(async () => {
  await harness?.close();
});

async function signUp(subject: string): Promise<string> {
  const { userId, created } = await resolveSignInUser(
    harness.store.identity,
    { policy: 'domains', domains: ['example.com'] },
    { provider: 'https://issuer.example.com', subject, email: `${subject}@example.com`, name: subject },
    { inviteCode: null, now: harness.clock.now() },
  );
  expect(created).toBe(true);
  return userId;
}

describe('a first SSO sign-in', () => {
  it('gets a personal organization with a default environment where the user is admin', async () => {
    const userId = await signUp('newcomer');
    const [personal, ...others] = await harness.store.identity.listOrganizationsOfUser(userId);
    expect(others).toEqual([]);
    expect(personal?.personalUserId).toBe(userId);
    const organizationId = personal?.id ?? '';
    expect(
      (await harness.store.listEnvironments(organizationId)).map((environment) => environment.id),
    ).toEqual(['default']);
    expect(await harness.store.identity.getAccess(organizationId, userId)).toEqual({
      organizationRole: 'owner',
      environmentRoles: { default: 'admin' },
    });

    // No x-organization-id / x-environment-id: the request acts in the personal default environment.
    const saved = await harness.app.inject({
      method: 'PUT',
      url: '/api/tests',
      headers: { 'content-type': 'text/yaml', 'x-test-user': userId },
      payload: TEST,
    });
    expect(saved.statusCode, saved.body).toBeLessThan(300);
    const listed = await harness.app.inject({
      method: 'GET',
      url: '/api/tests',
      headers: { 'x-test-user': userId },
    });
    expect(listed.statusCode, listed.body).toBe(200);
    const stored = await harness.store.listResources({ organizationId, environmentId: 'default' }, 'Test');
    expect(stored.items.map((resource) => resource.id)).toEqual(['mine']);
  });

  it('answers 400 naming the header and the environments when the organization has several and no default', async () => {
    const userId = await signUp('shop-owner');
    await harness.store.identity.createOrganization({ id: 'shop', name: 'Shop', ownerUserId: userId });
    await harness.store.identity.createEnvironment({ organizationId: 'shop', environmentId: 'prod' }, 'Prod');
    await harness.store.identity.createEnvironment(
      { organizationId: 'shop', environmentId: 'staging' },
      'Staging',
    );
    const response = await harness.app.inject({
      method: 'GET',
      url: '/api/tests',
      headers: { 'x-test-user': userId, 'x-organization-id': 'shop' },
    });
    expect(response.statusCode, response.body).toBe(400);
    const detail = (response.json() as { detail: string }).detail;
    expect(detail).toContain('x-environment-id');
    expect(detail).toMatch(/prod, staging|staging, prod/);
  });
});
