import type { Resource } from '@tracecheck/core';
import { TracecheckError } from '@tracecheck/core';
import type { ServerClient } from '../server-client';
import { CLI_RESOURCES, type CliResource, field } from './cli-resources';

type Spec = Record<string, unknown>;

/**
 * An organization, environment, member, invite or token: served by the identity routes under
 * `/api/organizations/:org/…` (server README, "Identity and access"), not by the resource API.
 */
export interface IdentityResource extends CliResource {
  /** `user`: the signed-in user's own list; `organization`: inside the connection's organization. */
  readonly scope: 'user' | 'organization';
  /** The field holding an item's id (`userId` for members). */
  readonly idField: string;
  /** The past participle `delete` prints: deleted, removed, revoked. */
  readonly deleted: string;
}

const CREATED = field('CREATED', 'createdAt');

/** The identity resources, as `get/list/delete` (and `apply -f` for the creatable ones) address them. */
export const IDENTITY_RESOURCES: readonly IdentityResource[] = [
  {
    name: 'organization',
    aliases: ['organizations', 'org', 'orgs'],
    type: 'Organization',
    plural: 'organizations',
    scope: 'user',
    idField: 'id',
    deleted: 'deleted with its environments, resources, runs and tokens',
    readOnly: true,
    columns: [field('ID', 'id'), field('NAME', 'name'), field('PERSONAL', 'personal'), field('ROLE', 'role')],
  },
  {
    name: 'environment',
    aliases: ['environments', 'env', 'envs'],
    type: 'Environment',
    plural: 'environments',
    scope: 'organization',
    idField: 'id',
    deleted: 'deleted',
    columns: [field('ID', 'id'), field('NAME', 'name'), CREATED],
  },
  {
    name: 'member',
    aliases: ['members'],
    type: 'Member',
    plural: 'members',
    scope: 'organization',
    idField: 'userId',
    deleted: 'removed from the organization',
    readOnly: true,
    columns: [
      field('USER ID', 'userId'),
      field('EMAIL', 'email'),
      field('NAME', 'name'),
      field('ROLE', 'role'),
      {
        header: 'ENVIRONMENT ROLES',
        value: (spec) =>
          Object.entries((spec.environmentRoles ?? {}) as Record<string, string>)
            .map(([environment, role]) => `${environment}:${role}`)
            .join(', '),
      },
    ],
  },
  {
    name: 'invite',
    aliases: ['invites'],
    type: 'Invite',
    plural: 'invites',
    scope: 'organization',
    idField: 'id',
    deleted: 'revoked',
    columns: [
      field('ID', 'id'),
      field('KIND', 'kind'),
      field('EMAIL', 'email'),
      field('ROLE', 'role'),
      field('STATUS', 'status'),
      field('EXPIRES', 'expiresAt'),
    ],
  },
  {
    name: 'token',
    aliases: ['tokens', 'environmenttoken', 'environmenttokens'],
    type: 'EnvironmentToken',
    plural: 'tokens',
    scope: 'organization',
    idField: 'id',
    deleted: 'revoked',
    columns: [
      field('ID', 'id'),
      field('NAME', 'name'),
      field('KIND', 'kind'),
      field('ROLE', 'role'),
      field('ENVIRONMENT', 'environmentId'),
      field('PREFIX', 'displayPrefix'),
      field('EXPIRES', 'expiresAt'),
      field('REVOKED', 'revokedAt'),
      field('LAST USED', 'lastUsedAt'),
    ],
  },
];

/** Every resource the CLI's resource commands address: the definition kinds, then the identity ones. */
export const ALL_RESOURCES: readonly CliResource[] = [...CLI_RESOURCES, ...IDENTITY_RESOURCES];

export function isIdentityResource(resource: CliResource): resource is IdentityResource {
  return 'scope' in resource;
}

const HOW_TO_SCOPE =
  'TRACECHECK_ORGANIZATION, or save it with `tracecheck configure --organization ID` (list yours with `tracecheck list organizations`)';

/**
 * The organization the identity commands act in: the connection's (`--organization` of `configure`,
 * TRACECHECK_ORGANIZATION), else the token's when the CLI knows it (`tracecheck start`'s admin token),
 * else the signed-in person's (`GET /api/me`) when they are in one only.
 */
export async function organizationOf(client: ServerClient): Promise<string> {
  const known = client.scope.organizationId ?? client.scope.tokenOrganizationId;
  if (known) return known;
  const me = await client
    .json<{ organizations: { id: string; name: string }[] }>('GET', '/me')
    .catch((error: unknown) => {
      if (error instanceof TracecheckError && error.code === 'AUTH_FORBIDDEN') {
        // API tokens cannot read /api/me (it is for signed-in people): the organization must be said.
        throw new TracecheckError(
          'REQUEST_INVALID',
          `the server does not tell a token's organization: say which with ${HOW_TO_SCOPE}`,
        );
      }
      throw error;
    });
  const [only, ...others] = me.organizations;
  if (!only) {
    throw new TracecheckError(
      'NOT_FOUND',
      'you belong to no organization: accept an invite, or create one in the dashboard',
    );
  }
  if (others.length > 0) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `you belong to ${me.organizations.length} organizations (${me.organizations.map((o) => o.id).join(', ')}): say which with ${HOW_TO_SCOPE}`,
    );
  }
  return only.id;
}

/** The environment an environment token is created in: the connection's, else the only one, else `default`. */
async function environmentOf(client: ServerClient, organization: string): Promise<string> {
  const configured = client.scope.environmentId;
  if (configured) return configured;
  const environments = await client.json<{ id: string }[]>(
    'GET',
    `/organizations/${encodeURIComponent(organization)}/environments`,
  );
  const ids = environments.map((e) => e.id);
  if (ids.length === 1) return ids[0]!;
  if (ids.includes('default')) return 'default';
  throw new TracecheckError(
    'REQUEST_INVALID',
    `organization "${organization}" has ${ids.length} environments (${ids.join(', ')}): say which with TRACECHECK_ENVIRONMENT, or save it with \`tracecheck configure --environment ID\``,
  );
}

/** `/organizations`, `/organizations/ORG/members`, or (tokens, with a configured environment) `/organizations/ORG/environments/ENV/tokens`. */
async function collectionPath(client: ServerClient, resource: IdentityResource): Promise<string> {
  if (resource.scope === 'user') return `/${resource.plural}`;
  const organization = `/organizations/${encodeURIComponent(await organizationOf(client))}`;
  const environment = client.scope.environmentId;
  // Environment admins may manage the tokens of their environment without the organization's permission.
  if (resource.name === 'token' && environment) {
    return `${organization}/environments/${encodeURIComponent(environment)}/tokens`;
  }
  return `${organization}/${resource.plural}`;
}

/** Every item of an identity resource, as the server lists it (tokens and invites without secrets). */
export async function listIdentity(client: ServerClient, resource: IdentityResource): Promise<Spec[]> {
  if (resource.scope === 'user') {
    return client.json<Spec[]>('GET', '/organizations').catch(async (error: unknown) => {
      // A token (not a person) sees only its own organization.
      if (!(error instanceof TracecheckError && error.code === 'AUTH_FORBIDDEN')) throw error;
      const organization = await organizationOf(client);
      return [await client.json<Spec>('GET', `/organizations/${encodeURIComponent(organization)}`)];
    });
  }
  return client.json<Spec[]>('GET', await collectionPath(client, resource));
}

/** One item, or `undefined` when there is none with that id. */
export async function getIdentity(
  client: ServerClient,
  resource: IdentityResource,
  id: string,
): Promise<Spec | undefined> {
  const items = await listIdentity(client, resource);
  return items.find((item) => item[resource.idField] === id);
}

/** Deletes (organizations, environments), removes (members) or revokes (invites, tokens) one item. */
export async function deleteIdentity(client: ServerClient, resource: IdentityResource, id: string) {
  await client.json('DELETE', `${await collectionPath(client, resource)}/${encodeURIComponent(id)}`);
}

export interface CreatedIdentity {
  readonly spec: Spec;
  /** A token's plaintext or an invite's code: the server shows it this once. */
  readonly secret?: Secret;
}

/** What the server shows once: `label` for people, `field` its key in the `-o json|yaml` answer. */
export interface Secret {
  readonly label: string;
  readonly field: string;
  readonly value: string;
}

/**
 * Creates an environment, environment token or invite from its definition (the server reads the
 * `{type, spec}` document itself).
 */
export async function createIdentity(
  client: ServerClient,
  resource: IdentityResource,
  definition: Resource,
): Promise<CreatedIdentity> {
  const organization = await organizationOf(client);
  const base = `/organizations/${encodeURIComponent(organization)}`;
  const body = { type: definition.type, spec: definition.spec };
  if (resource.name === 'environment') {
    return { spec: await client.json<Spec>('POST', `${base}/environments`, body) };
  }
  if (resource.name === 'token') {
    const environment = await environmentOf(client, organization);
    const created = await client.json<{ token: Spec; plaintext: string }>(
      'POST',
      `${base}/environments/${encodeURIComponent(environment)}/tokens`,
      body,
    );
    return { spec: created.token, secret: { label: 'token', field: 'plaintext', value: created.plaintext } };
  }
  if (resource.name === 'invite') {
    const created = await client.json<{ invite: Spec; code: string }>('POST', `${base}/invites`, body);
    return { spec: created.invite, secret: { label: 'invite code', field: 'code', value: created.code } };
  }
  throw new TracecheckError('DEFINITION_INVALID', `a ${resource.type} cannot be created from a file`);
}
