import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, createApiHarness, SCOPE } from '../api/api-test-harness';
import { createAccessControl, type PrincipalResolver } from './access-control';
import type { EnvironmentRole, OrganizationRole, TokenKind, TokenRole } from './identity-store';
import {
  type Action,
  type Grants,
  grantsOfMember,
  grantsOfTokenRole,
  isAllowed,
  type Permission,
  scopeOfAction,
} from './permissions';
import { generateToken } from './tokens';

/**
 * The whole API with identity on, over PGlite: every registered route × every kind of principal is
 * allowed or refused exactly as the permission table says; ids of other organizations and
 * environments are 404. People are signed in through a PrincipalResolver (the interface the sign-in
 * layer implements) that reads a test header.
 */
const testSessions: PrincipalResolver = async (request) => {
  const userId = request.headers['x-test-user'];
  return typeof userId === 'string' ? { type: 'session', userId } : undefined;
};

interface TestPrincipal {
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly grants: Grants;
  readonly isUser: boolean;
}

let harness: ApiHarness;
const principals: TestPrincipal[] = [];

async function addUser(label: string, role: OrganizationRole, environmentRole?: EnvironmentRole) {
  const { user } = await harness.store.identity.findOrCreateUser({
    provider: 'test',
    subject: label,
    email: `${label}@example.com`,
    name: label,
  });
  await harness.store.identity.setMemberRole(SCOPE.organizationId, user.id, role);
  if (environmentRole) await harness.store.identity.setEnvironmentRole(SCOPE, user.id, environmentRole);
  principals.push({
    label: `user ${label}`,
    headers: { 'x-test-user': user.id },
    grants: grantsOfMember(role, environmentRole ? { [SCOPE.environmentId]: environmentRole } : {}),
    isUser: true,
  });
  return user;
}

async function addToken(kind: TokenKind, role: TokenRole) {
  const generated = generateToken(kind);
  await harness.store.identity.createToken({
    kind,
    organizationId: SCOPE.organizationId,
    environmentId: kind === 'org' ? null : SCOPE.environmentId,
    role,
    name: `${kind}-${role}`,
    displayPrefix: generated.displayPrefix,
    hash: generated.hash,
    createdBy: null,
    expiresAt: null,
  });
  const grants =
    kind === 'org'
      ? grantsOfTokenRole({ kind, role: role as 'admin' | 'agent' })
      : kind === 'env'
        ? grantsOfTokenRole({ kind, role: role as EnvironmentRole, environmentId: SCOPE.environmentId })
        : grantsOfTokenRole({ kind, environmentId: SCOPE.environmentId });
  principals.push({
    label: `${kind} token ${role}`,
    headers: { authorization: `Bearer ${generated.plaintext}` },
    grants,
    isUser: false,
  });
}

/** What the table says: allowed, 403, or 404 (an environment the principal can do nothing in). */
function expectedStatus(principal: TestPrincipal, permission: Permission): 'allowed' | 403 | 404 {
  if (permission === 'public') return 'allowed';
  const scope = scopeOfAction(permission);
  if (scope === 'user') return principal.isUser ? 'allowed' : 403;
  if (scope === 'organization') return isAllowed(principal.grants, permission) ? 'allowed' : 403;
  const reach =
    principal.grants.everyEnvironment.size > 0 ||
    (principal.grants.environments.get(SCOPE.environmentId)?.size ?? 0) > 0;
  if (!reach) return 404;
  return isAllowed(principal.grants, permission, SCOPE.environmentId) ? 'allowed' : 403;
}

interface RouteEntry {
  readonly method: string;
  readonly path: string;
  readonly permission: Permission;
}

async function listRoutes(): Promise<RouteEntry[]> {
  const response = await harness.app.inject({ method: 'GET', url: '/api/openapi.json' });
  const document = response.json() as {
    paths: Record<string, Record<string, { 'x-permission': Permission; deprecated?: boolean }>>;
  };
  const routes: RouteEntry[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation.deprecated) continue;
      routes.push({ method: method.toUpperCase(), path, permission: operation['x-permission'] });
    }
  }
  return routes;
}

/** Fills the path: the scope's ids, `x1` for the rest (nothing by that id: handlers answer 4xx). */
function urlOf(
  path: string,
  organizationId = SCOPE.organizationId,
  environmentId = SCOPE.environmentId,
): string {
  const url = path
    .replaceAll('{organizationId}', organizationId)
    .replaceAll('{environmentId}', environmentId)
    .replace(/\{[^}]+\}/g, 'x1');
  // The event stream would stay open: ask for a run that does not exist (404 after authorization).
  return url === '/api/events/stream' ? `${url}?runId=999999` : url;
}

async function call(route: RouteEntry, headers: Readonly<Record<string, string>>, url = urlOf(route.path)) {
  const hasBody = route.method === 'POST' || route.method === 'PUT';
  const response = await harness.app.inject({
    method: route.method as 'GET',
    url,
    headers: {
      ...headers,
      'x-organization-id': SCOPE.organizationId,
      'x-environment-id': SCOPE.environmentId,
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    // An invalid body: an allowed request stops at validation (400) and changes nothing.
    ...(hasBody ? { payload: '{"__not_a_field__": true}' } : {}),
  });
  const body = response.body === '' ? {} : (JSON.parse(response.body) as { code?: string; detail?: string });
  return { status: response.statusCode, body };
}

/** The 404 of the access check (not a handler's "no such test"). */
function isScopeNotFound(result: { status: number; body: { detail?: string } }): boolean {
  return result.status === 404 && (result.body.detail ?? '').includes('not visible to this token or user');
}

beforeAll(async () => {
  harness = await createApiHarness({
    access: (store, now) =>
      createAccessControl({ store, defaultScope: SCOPE, now, principalResolvers: [testSessions] }),
  });
  await harness.store.upsertOrganization({ id: 'org2', name: 'Someone else' });
  await harness.store.upsertEnvironment({ organizationId: 'org2', environmentId: 'env-x' }, 'Theirs');
  await addUser('admin', 'admin');
  await addUser('member', 'member');
  await addUser('env-admin', 'member', 'admin');
  await addUser('engineer', 'member', 'engineer');
  await addUser('runner', 'member', 'runner');
  await addUser('biller', 'biller');
  await addToken('org', 'admin');
  await addToken('org', 'agent');
  await addToken('env', 'admin');
  await addToken('env', 'engineer');
  await addToken('env', 'runner');
  await addToken('agent', 'agent');
  // Last: the owner may delete the organization, which the matrix does last.
  await addUser('owner', 'owner');
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

/** A seeded generator (fake randomness): the same ids on every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomId(random: () => number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_';
  const length = 1 + Math.floor(random() * 20);
  let id = alphabet.charAt(Math.floor(random() * 36));
  for (let index = 1; index < length; index += 1)
    id += alphabet.charAt(Math.floor(random() * alphabet.length));
  return id;
}

describe('other organizations and environments', () => {
  it('answers 404 for any id outside the principal, on every scoped route (property over generated ids)', async () => {
    const routes = (await listRoutes()).filter(
      (route) => route.permission !== 'public' && scopeOfAction(route.permission as Action) !== 'user',
    );
    const random = createRandom(20250101);
    const failures: string[] = [];
    for (let run = 0; run < 120; run += 1) {
      const route = routes[Math.floor(random() * routes.length)]!;
      const principal = principals[Math.floor(random() * principals.length)]!;
      const otherOrganization = random() < 0.3 ? 'org2' : `o-${randomId(random)}`;
      const usesPath = route.path.includes('{organizationId}');
      // Another organization by path or header, or (environment routes) another environment of one's own.
      const otherEnvironment = random() < 0.5;
      const url = usesPath
        ? urlOf(
            route.path,
            otherEnvironment ? SCOPE.organizationId : otherOrganization,
            `e-${randomId(random)}`,
          )
        : urlOf(route.path);
      const envRoute = scopeOfAction(route.permission as Action) === 'environment';
      if (usesPath && otherEnvironment && !envRoute) continue;
      const response = await harness.app.inject({
        method: route.method as 'GET',
        url,
        headers: {
          ...principal.headers,
          'x-organization-id': usesPath || otherEnvironment ? SCOPE.organizationId : otherOrganization,
          'x-environment-id': otherEnvironment ? `e-${randomId(random)}` : SCOPE.environmentId,
        },
      });
      if (!usesPath && !otherEnvironment && principal.headers.authorization === undefined) {
        // People choose the organization with the header: someone else's is not found.
        if (response.statusCode !== 404)
          failures.push(`${route.method} ${url} as ${principal.label}: ${response.statusCode}`);
        continue;
      }
      if (!usesPath && !otherEnvironment) {
        // A token's organization is its own: another one in the header is not found.
        if (response.statusCode !== 404)
          failures.push(`${route.method} ${url} as ${principal.label}: ${response.statusCode}`);
        continue;
      }
      if (response.statusCode !== 404)
        failures.push(`${route.method} ${url} as ${principal.label}: ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('never shows another organization in lists', async () => {
    const owner = principals.find((principal) => principal.label === 'user owner')!;
    const response = await harness.app.inject({
      method: 'GET',
      url: '/api/organizations',
      headers: owner.headers,
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { id: string }[]).map((organization) => organization.id)).not.toContain(
      'org2',
    );
  });
});

describe('bad input', () => {
  const admin = () => principals.find((principal) => principal.label === 'user admin')!.headers;
  const environments = async () =>
    (
      await harness.app.inject({
        method: 'GET',
        url: '/api/organizations/org1/environments',
        headers: admin(),
      })
    ).json() as unknown[];
  const tokens = async () => harness.store.identity.listTokens('org1');

  it.each([
    ['an injection string in a name', { name: "x'); drop table tokens; --", role: 'admin' }],
    ['markup in a name', { name: '<script>alert(1)</script>', role: 'admin' }],
    ['a template in a name', { name: `\${jndi:ldap://x}`, role: 'admin' }],
    ['an unknown field', { name: 'ci', role: 'admin', scopes: ['all'] }],
    ['an unknown role', { name: 'ci', role: 'root' }],
    ['an empty name', { name: '   ', role: 'admin' }],
    ['an expiry in the past', { name: 'ci', role: 'admin', expiresAt: '2000-01-01T00:00:00Z' }],
  ])('refuses %s with a 400 saying what is wrong, and stores nothing', async (_, body) => {
    const before = (await tokens()).length;
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/organizations/org1/tokens',
      headers: admin(),
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((response.json() as { detail: string }).detail.length).toBeGreaterThan(20);
    expect((await tokens()).length).toBe(before);
  });

  it('refuses malformed JSON, malformed YAML, a wrong definition type and an oversized body', async () => {
    const before = (await environments()).length;
    const cases: [string, string, number][] = [
      ['application/json', '{"name": "x",', 400],
      ['text/yaml', 'type: Environment\nspec: [unclosed', 400],
      ['text/yaml', 'type: Test\nspec:\n  name: not an environment\n', 400],
      ['text/yaml', 'type: Environment\nspec:\n  name: "x; drop table environments; --"\n', 400],
      ['application/json', JSON.stringify({ name: 'x'.repeat(100_000) }), 413],
    ];
    for (const [type, payload, status] of cases) {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/api/organizations/org1/environments',
        headers: { ...admin(), 'content-type': type },
        payload,
      });
      expect(response.statusCode, payload.slice(0, 60)).toBe(status);
      expect((response.json() as { detail: string }).detail).toBeTruthy();
    }
    expect((await environments()).length).toBe(before);
  });

  it('accepts a type: Environment definition as YAML', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/organizations/org1/environments',
      headers: { ...admin(), 'content-type': 'text/yaml' },
      payload:
        'type: Environment\nspec:\n  id: from-yaml\n  name: From YAML\n  description: made by a definition\n',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ id: 'from-yaml', name: 'From YAML', organizationId: 'org1' });
  });
});

describe('the permission matrix', () => {
  it('allows or refuses every role on every registered route exactly as the table says', async () => {
    const routes = await listRoutes();
    expect(routes.length).toBeGreaterThan(40);
    // Deleting the organization goes last (the owner's request removes it).
    routes.sort(
      (a, b) =>
        Number(a.method === 'DELETE' && a.path === '/api/organizations/{organizationId}') -
        Number(b.method === 'DELETE' && b.path === '/api/organizations/{organizationId}'),
    );
    const mismatches: string[] = [];
    for (const route of routes) {
      for (const principal of principals) {
        const expected = expectedStatus(principal, route.permission);
        // Organization routes act on environments by id: a missing one, so none is changed or deleted.
        const environmentId = route.permission.startsWith('org.') ? 'x1' : SCOPE.environmentId;
        const result = await call(
          route,
          principal.headers,
          urlOf(route.path, SCOPE.organizationId, environmentId),
        );
        const actual =
          result.status === 401
            ? 401
            : result.status === 403
              ? 403
              : isScopeNotFound(result)
                ? 404
                : 'allowed';
        if (actual !== expected) {
          mismatches.push(
            `${route.method} ${route.path} (${route.permission}) as ${principal.label}: expected ${expected}, got ${result.status} ${result.body.detail ?? ''}`,
          );
        }
        if (actual === 403) expect(result.body.detail).toContain(`"${route.permission}"`);
      }
    }
    expect(mismatches).toEqual([]);
    // Unauthenticated: 401 with how to get a token, on every non-public route.
    for (const route of routes.filter((entry) => entry.permission !== 'public')) {
      const result = await call(route, {});
      expect(result.status, `${route.method} ${route.path}`).toBe(401);
      expect(result.body.detail).toContain('Authorization: Bearer');
    }
  }, 600_000);
});
