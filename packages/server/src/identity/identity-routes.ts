import { TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod/v4';
import { type ApiRoute, type DefinitionBody, defineRoute, type ResponseSpec } from '../api/api-route';
import { ApiErrorBodySchema } from '../api/api-schemas';
import { generateShortId } from '../api/generate-short-id';
import { readDefinitionBody } from '../api/read-definition-body';
import type { EnvironmentRecord, Store } from '../store/store';
import type { AccessControl, RequestAccess } from './access-control';
import {
  AcceptInviteSchema,
  AccessRequestParamsSchema,
  AccessRequestViewSchema,
  AuditPageSchema,
  AuditQuerySchema,
  CreateAccessRequestSchema,
  CreateAgentKeySchema,
  CreatedInviteSchema,
  CreatedTokenSchema,
  CreateEnvironmentSchema,
  CreateEnvironmentTokenSchema,
  CreateInviteSchema,
  CreateOrganizationSchema,
  CreateOrganizationTokenSchema,
  EnvironmentMemberParamsSchema,
  EnvironmentParamsSchema,
  EnvironmentRoleSchema,
  EnvironmentTokenParamsSchema,
  EnvironmentViewSchema,
  IdSchema,
  InviteParamsSchema,
  InviteViewSchema,
  MemberParamsSchema,
  MemberViewSchema,
  MeViewSchema,
  NameSchema,
  OrganizationParamsSchema,
  OrganizationRoleSchema,
  OrganizationViewSchema,
  RenameSchema,
  SetEnvironmentRoleSchema,
  SetOrganizationRoleSchema,
  TokenParamsSchema,
  TokenViewSchema,
} from './identity-schemas';
import type {
  AccessRequestRecord,
  AuditEntry,
  EnvironmentGrant,
  EnvironmentRole,
  IdentityStore,
  InviteRecord,
  MemberView,
  OrganizationRole,
  OrganizationView,
  TokenKind,
  TokenRecord,
  TokenRole,
} from './identity-store';
import { grantsOfTokenRole, isWithin } from './permissions';
import { generateInviteCode, generateToken, hashSecret } from './tokens';

export interface IdentityRoutesDeps {
  readonly store: Store;
  readonly access: AccessControl;
  readonly now?: () => Date;
  /** Random bytes of tokens and invite codes (tests fix them). */
  readonly randomBytes?: (size: number) => Uint8Array;
}

const TAGS = ['identity'];
const error = (description: string): ResponseSpec => ({ description, schema: ApiErrorBodySchema });
const json = (status: number, body: unknown) => ({ kind: 'json' as const, status, body });

function accessOf(access: AccessControl, request: FastifyRequest): RequestAccess {
  const found = access.accessOf(request);
  if (!found) throw new TracecheckError('INTERNAL', 'the request was not authorized before its handler ran');
  return found;
}

/** The user acting (a person, or the creator of the token); null for bootstrap tokens. */
function actingUserId(found: RequestAccess): string | null {
  return found.principal.type === 'session' ? found.principal.userId : found.principal.token.createdBy;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function organizationView(organization: OrganizationView, role?: OrganizationRole) {
  return {
    id: organization.id,
    name: organization.name,
    personal: organization.personalUserId !== null,
    createdAt: organization.createdAt.toISOString(),
    ...(role === undefined ? {} : { role }),
  };
}

function environmentView(environment: EnvironmentRecord) {
  return {
    id: environment.id,
    organizationId: environment.organizationId,
    name: environment.name,
    createdAt: environment.createdAt.toISOString(),
  };
}

function inviteStatus(invite: InviteRecord, now: Date): 'pending' | 'used' | 'expired' | 'revoked' {
  if (invite.revokedAt !== null) return 'revoked';
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used';
  if (invite.expiresAt !== null && invite.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

function inviteView(invite: InviteRecord, now: Date) {
  return {
    id: invite.id,
    kind: invite.kind,
    email: invite.email,
    role: invite.role,
    environments: invite.environmentGrants.map((grant) => ({
      environmentId: grant.environmentId,
      role: grant.role,
    })),
    status: inviteStatus(invite, now),
    createdAt: invite.createdAt.toISOString(),
    sentAt: invite.sentAt.toISOString(),
    expiresAt: iso(invite.expiresAt),
    maxUses: invite.maxUses,
    uses: invite.uses,
  };
}

/** A member as listed, with their organization role and environment roles. */
function memberView(member: MemberView) {
  return {
    userId: member.userId,
    email: member.email,
    name: member.name,
    role: member.role,
    createdAt: member.createdAt.toISOString(),
    environmentRoles: member.environmentRoles,
  };
}

/** A token as listed: never its secret nor its hash. */
function tokenView(token: TokenRecord) {
  return {
    id: token.id,
    kind: token.kind,
    name: token.name,
    role: token.role,
    environmentId: token.environmentId,
    displayPrefix: token.displayPrefix,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: iso(token.expiresAt),
    revokedAt: iso(token.revokedAt),
    lastUsedAt: iso(token.lastUsedAt),
  };
}

function accessRequestView(request: AccessRequestRecord) {
  return {
    id: request.id,
    environmentId: request.environmentId,
    userId: request.userId,
    role: request.role,
    message: request.message,
    status: request.status,
    createdAt: request.createdAt.toISOString(),
    decidedBy: request.decidedBy,
    decidedAt: iso(request.decidedAt),
  };
}

function auditView(entry: AuditEntry) {
  return {
    id: entry.id,
    environmentId: entry.environmentId,
    actor: entry.actor,
    action: entry.action,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    ip: entry.ip,
    userAgent: entry.userAgent,
    at: entry.at.toISOString(),
    details: entry.details,
  };
}

/** SPEC §1.13 role names (`owners`, `engineers`…) → ours. */
const PLURAL_ROLES: Readonly<Record<string, string>> = {
  owners: 'owner',
  admins: 'admin',
  members: 'member',
  billers: 'biller',
  engineers: 'engineer',
  runners: 'runner',
  agent: 'agent',
};

function singularRole(role: string | undefined): string | undefined {
  return role === undefined ? undefined : (PLURAL_ROLES[role] ?? role);
}

/** A `{type, spec}` definition body (YAML or JSON) of the expected type, read by core's reader. */
function readDefinition(body: DefinitionBody<unknown>, expected: string): Record<string, unknown> {
  const resource = readDefinitionBody(body);
  if (resource.type !== expected) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `this route takes a definition of type ${expected}, got type ${resource.type}: send \`type: ${expected}\``,
    );
  }
  return resource.spec as unknown as Record<string, unknown>;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || what}: ${issue.message}`,
    );
    throw new TracecheckError('REQUEST_INVALID', `invalid ${what}: ${problems.join('; ')}`);
  }
  return result.data;
}

function futureDate(text: string | undefined, now: Date): Date | null {
  if (text === undefined) return null;
  const date = new Date(text);
  if (date.getTime() <= now.getTime()) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `expiresAt "${text}" is in the past: give a future date-time, or leave it out`,
    );
  }
  return date;
}

/**
 * The identity API: the signed-in user, organizations, environments, members and roles, invites,
 * tokens and agent keys, access requests and the audit log. Every route declares its action of the
 * permission table; `AccessControl.authorize` has checked it before the handler runs.
 */
export function createIdentityRoutes(deps: IdentityRoutesDeps): ApiRoute[] {
  const { store, access } = deps;
  const identity: IdentityStore = store.identity;
  const now = deps.now ?? (() => new Date());
  const random = deps.randomBytes;

  async function requireEnvironment(
    organizationId: string,
    environmentId: string,
  ): Promise<EnvironmentRecord> {
    const environment = await store.getEnvironment({ organizationId, environmentId });
    if (!environment) {
      throw new TracecheckError(
        'NOT_FOUND',
        `environment "${environmentId}" does not exist in organization "${organizationId}": list them with GET /api/organizations/${organizationId}/environments`,
      );
    }
    return environment;
  }

  async function requireMember(organizationId: string, userId: string) {
    const found = await identity.getAccess(organizationId, userId);
    if (!found) {
      throw new TracecheckError(
        'NOT_FOUND',
        `user "${userId}" is not a member of organization "${organizationId}": list members with GET /api/organizations/${organizationId}/members`,
      );
    }
    return found;
  }

  /** Owners are made and unmade only by owners; the last owner stays. */
  async function checkOwnerChange(
    found: RequestAccess,
    organizationId: string,
    targetUserId: string,
    newRole: OrganizationRole | null,
  ): Promise<void> {
    const target = await requireMember(organizationId, targetUserId);
    const touchesOwner = target.organizationRole === 'owner' || newRole === 'owner';
    if (!touchesOwner) return;
    const actor = actingUserId(found);
    const actorAccess = actor === null ? undefined : await identity.getAccess(organizationId, actor);
    if (found.principal.type !== 'session' || actorAccess?.organizationRole !== 'owner') {
      throw new TracecheckError(
        'AUTH_FORBIDDEN',
        'only an owner of the organization, signed in, can make or unmake owners: ask an owner',
        { permission: 'org.members.manage' },
      );
    }
    if (target.organizationRole === 'owner' && newRole !== 'owner') {
      const owners = (await identity.listMembers(organizationId)).filter((member) => member.role === 'owner');
      if (owners.length <= 1) {
        throw new TracecheckError(
          'CONFLICT',
          `user "${targetUserId}" is the last owner of organization "${organizationId}": make another member owner first`,
        );
      }
    }
  }

  async function createTokenFor(
    request: FastifyRequest,
    found: RequestAccess,
    input: {
      kind: TokenKind;
      organizationId: string;
      environmentId: string | null;
      role: TokenRole;
      name: string;
      expiresAt: Date | null;
    },
  ) {
    const grants =
      input.kind === 'org'
        ? grantsOfTokenRole({ kind: 'org', role: input.role === 'agent' ? 'agent' : 'admin' })
        : input.kind === 'env'
          ? grantsOfTokenRole({
              kind: 'env',
              role: input.role as EnvironmentRole,
              environmentId: input.environmentId ?? '',
            })
          : grantsOfTokenRole({ kind: 'agent', environmentId: input.environmentId ?? '' });
    // A token never carries more than its creator holds.
    if (!isWithin(grants, found.grants)) {
      throw new TracecheckError(
        'AUTH_FORBIDDEN',
        `a ${input.kind} token with role "${input.role}" would carry permissions you do not hold: choose a smaller role`,
      );
    }
    const generated = generateToken(input.kind, random);
    const token = await identity.createToken({
      ...input,
      displayPrefix: generated.displayPrefix,
      hash: generated.hash,
      createdBy: actingUserId(found),
    });
    await access.audit(request, {
      organizationId: input.organizationId,
      environmentId: input.environmentId,
      action: 'token.created',
      resourceType: 'token',
      resourceId: token.id,
      details: { kind: token.kind, role: token.role, name: token.name, expiresAt: iso(token.expiresAt) },
    });
    return json(201, { token: tokenView(token), plaintext: generated.plaintext });
  }

  async function revokeTokenAt(
    request: FastifyRequest,
    organizationId: string,
    tokenId: string,
    environmentId: string | null,
  ) {
    const token = await identity.getToken(organizationId, tokenId);
    if (!token || (environmentId !== null && token.environmentId !== environmentId)) {
      throw new TracecheckError(
        'NOT_FOUND',
        `token "${tokenId}" does not exist here: list the tokens to find its id`,
      );
    }
    const revoked = (await identity.revokeToken(organizationId, tokenId)) ?? token;
    await access.audit(request, {
      organizationId,
      environmentId: token.environmentId,
      action: 'token.revoked',
      resourceType: 'token',
      resourceId: token.id,
      details: { kind: token.kind, name: token.name },
    });
    return json(200, tokenView(revoked));
  }

  const orgBase = '/api/organizations/:organizationId';
  const envBase = `${orgBase}/environments/:environmentId`;

  return [
    // The signed-in user.
    defineRoute({
      method: 'GET',
      url: '/api/me',
      operationId: 'getMe',
      permission: 'user.read',
      summary: 'The signed-in user with their organizations',
      tags: TAGS,
      responses: { 200: { description: 'The user', schema: MeViewSchema } },
      async handle({ request }) {
        const found = accessOf(access, request);
        const userId = actingUserId(found) ?? '';
        const user = await identity.getUser(userId);
        if (!user) throw new TracecheckError('NOT_FOUND', `user "${userId}" no longer exists: sign in again`);
        const organizations = await identity.listOrganizationsOfUser(user.id);
        return json(200, {
          id: user.id,
          email: user.email,
          name: user.name,
          organizations: organizations.map((organization) =>
            organizationView(organization, organization.role),
          ),
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/organizations',
      operationId: 'listMyOrganizations',
      permission: 'user.read',
      summary: 'The organizations of the signed-in user, with their role',
      tags: TAGS,
      responses: { 200: { description: 'Organizations', schema: OrganizationViewSchema.array() } },
      async handle({ request }) {
        const userId = actingUserId(accessOf(access, request)) ?? '';
        const organizations = await identity.listOrganizationsOfUser(userId);
        return json(
          200,
          organizations.map((organization) => organizationView(organization, organization.role)),
        );
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/organizations',
      operationId: 'createOrganization',
      permission: 'user.organizations.create',
      summary: 'Create an organization; the signed-in user becomes its owner',
      tags: TAGS,
      body: CreateOrganizationSchema,
      responses: {
        201: { description: 'Created', schema: OrganizationViewSchema },
        409: error('The id is taken'),
      },
      async handle({ body, request }) {
        const userId = actingUserId(accessOf(access, request)) ?? '';
        const organization = await identity.createOrganization({
          ...(body.id === undefined ? {} : { id: body.id }),
          name: body.name,
          ownerUserId: userId,
        });
        await access.audit(request, {
          organizationId: organization.id,
          environmentId: null,
          action: 'org.created',
          resourceType: 'organization',
          resourceId: organization.id,
          details: { name: organization.name },
        });
        return json(201, organizationView(organization, 'owner'));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/invites/accept',
      operationId: 'acceptInvite',
      permission: 'user.invites.accept',
      summary: 'Accept an invite with its code: join the organization with the invited roles',
      tags: TAGS,
      body: AcceptInviteSchema,
      responses: {
        200: { description: 'Joined', schema: OrganizationViewSchema },
        404: error('Unknown code'),
        409: error('Revoked, expired, used up, or for another email'),
      },
      async handle({ body, request }) {
        const userId = actingUserId(accessOf(access, request)) ?? '';
        const user = await identity.getUser(userId);
        const outcome = await identity.acceptInvite({
          codeHash: hashSecret(body.code),
          userId,
          email: user?.email ?? null,
        });
        if (!outcome.accepted) {
          const reasons = {
            not_found: 'no invite has this code: check the link, or ask for a new invite',
            revoked: 'this invite was revoked: ask an admin of the organization for a new one',
            expired: 'this invite has expired: ask an admin of the organization to resend it',
            used_up: 'this invite link has been used as many times as allowed: ask for a new one',
            email_mismatch: `this invite is for another email address than yours (${user?.email ?? 'none'}): sign in with the invited address`,
          } as const;
          throw new TracecheckError(
            outcome.reason === 'not_found' ? 'NOT_FOUND' : 'CONFLICT',
            reasons[outcome.reason],
          );
        }
        await access.audit(request, {
          organizationId: outcome.invite.organizationId,
          environmentId: null,
          action: 'invite.accepted',
          resourceType: 'invite',
          resourceId: outcome.invite.id,
          details: { userId, role: outcome.membership.role },
        });
        const organization = await identity.getOrganization(outcome.invite.organizationId);
        if (!organization)
          throw new TracecheckError('NOT_FOUND', 'the organization of this invite no longer exists');
        return json(200, organizationView(organization, outcome.membership.role));
      },
    }),

    // Organizations.
    defineRoute({
      method: 'GET',
      url: orgBase,
      operationId: 'getOrganization',
      permission: 'org.read',
      summary: 'One organization',
      tags: TAGS,
      params: OrganizationParamsSchema,
      responses: {
        200: { description: 'The organization', schema: OrganizationViewSchema },
        404: error('Not found'),
      },
      async handle({ params }) {
        const organization = await identity.getOrganization(params.organizationId);
        if (!organization)
          throw new TracecheckError('NOT_FOUND', `organization "${params.organizationId}" does not exist`);
        return json(200, organizationView(organization));
      },
    }),
    defineRoute({
      method: 'PUT',
      url: orgBase,
      operationId: 'updateOrganization',
      permission: 'org.settings.write',
      summary: 'Rename an organization',
      tags: TAGS,
      params: OrganizationParamsSchema,
      body: RenameSchema,
      responses: { 200: { description: 'Renamed', schema: OrganizationViewSchema }, 404: error('Not found') },
      async handle({ params, body, request }) {
        const organization = await identity.renameOrganization(params.organizationId, body.name);
        if (!organization)
          throw new TracecheckError('NOT_FOUND', `organization "${params.organizationId}" does not exist`);
        await access.audit(request, {
          organizationId: organization.id,
          environmentId: null,
          action: 'org.settings.write',
          resourceType: 'organization',
          resourceId: organization.id,
          details: { name: body.name },
        });
        return json(200, organizationView(organization));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: orgBase,
      operationId: 'deleteOrganization',
      permission: 'org.delete',
      summary: 'Delete an organization with its environments, resources, runs, tokens and audit log',
      tags: TAGS,
      params: OrganizationParamsSchema,
      responses: { 204: { description: 'Deleted' }, 404: error('Not found') },
      async handle({ params, request }) {
        if (!(await identity.deleteOrganization(params.organizationId))) {
          throw new TracecheckError('NOT_FOUND', `organization "${params.organizationId}" does not exist`);
        }
        request.log.info({ organizationId: params.organizationId }, 'organization deleted');
        return { kind: 'empty', status: 204 };
      },
    }),

    // Environments.
    defineRoute({
      method: 'GET',
      url: `${orgBase}/environments`,
      operationId: 'listEnvironments',
      permission: 'org.read',
      summary: 'The environments of an organization',
      tags: TAGS,
      params: OrganizationParamsSchema,
      responses: { 200: { description: 'Environments', schema: EnvironmentViewSchema.array() } },
      async handle({ params }) {
        return json(200, (await store.listEnvironments(params.organizationId)).map(environmentView));
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${orgBase}/environments`,
      operationId: 'createEnvironment',
      permission: 'org.environments.manage',
      summary:
        'Create an environment (JSON `{id?, name}`, or a `type: Environment` definition as YAML or JSON)',
      tags: TAGS,
      params: OrganizationParamsSchema,
      body: CreateEnvironmentSchema,
      yamlBody: true,
      bodyLimitBytes: 64 * 1024,
      responses: {
        201: { description: 'Created', schema: EnvironmentViewSchema },
        409: error('The id is taken'),
      },
      async handle({ params, body, request }) {
        let id: string | undefined;
        let name: string;
        if (body.format === 'yaml' || 'type' in body.value) {
          const spec = readDefinition(body, 'Environment');
          id = spec.id === undefined ? undefined : parseWith(IdSchema, spec.id, 'spec.id');
          name = parseWith(NameSchema, spec.name, 'spec.name');
        } else {
          id = body.value.id;
          name = body.value.name;
        }
        const environment = await identity.createEnvironment(
          {
            organizationId: params.organizationId,
            environmentId: id ?? `env-${generateShortId(random).replace(/^[^A-Za-z0-9]/, 'x')}`,
          },
          name,
        );
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: environment.id,
          action: 'org.environment.created',
          resourceType: 'environment',
          resourceId: environment.id,
          details: { name },
        });
        return json(201, environmentView(environment));
      },
    }),
    defineRoute({
      method: 'GET',
      url: envBase,
      operationId: 'getEnvironment',
      permission: 'org.read',
      summary: 'One environment',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      responses: {
        200: { description: 'The environment', schema: EnvironmentViewSchema },
        404: error('Not found'),
      },
      async handle({ params }) {
        return json(
          200,
          environmentView(await requireEnvironment(params.organizationId, params.environmentId)),
        );
      },
    }),
    defineRoute({
      method: 'PUT',
      url: envBase,
      operationId: 'updateEnvironment',
      permission: 'org.environments.manage',
      summary: 'Rename an environment',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      body: RenameSchema,
      responses: { 200: { description: 'Renamed', schema: EnvironmentViewSchema }, 404: error('Not found') },
      async handle({ params, body, request }) {
        const environment = await identity.renameEnvironment(params, body.name);
        if (!environment) await requireEnvironment(params.organizationId, params.environmentId);
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: params.environmentId,
          action: 'org.environment.renamed',
          resourceType: 'environment',
          resourceId: params.environmentId,
          details: { name: body.name },
        });
        return json(200, environmentView(environment as EnvironmentRecord));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: envBase,
      operationId: 'deleteEnvironment',
      permission: 'org.environments.manage',
      summary: 'Delete an environment with its resources, runs, tokens and roles',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      responses: { 204: { description: 'Deleted' }, 404: error('Not found') },
      async handle({ params, request }) {
        if (!(await identity.deleteEnvironment(params))) {
          await requireEnvironment(params.organizationId, params.environmentId);
        }
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: null,
          action: 'org.environment.deleted',
          resourceType: 'environment',
          resourceId: params.environmentId,
          details: {},
        });
        return { kind: 'empty', status: 204 };
      },
    }),

    // Members and roles.
    defineRoute({
      method: 'GET',
      url: `${orgBase}/members`,
      operationId: 'listMembers',
      permission: 'org.members.read',
      summary: 'The members of an organization with their roles',
      tags: TAGS,
      params: OrganizationParamsSchema,
      responses: { 200: { description: 'Members', schema: MemberViewSchema.array() } },
      async handle({ params }) {
        const members = await identity.listMembers(params.organizationId);
        return json(200, members.map(memberView));
      },
    }),
    defineRoute({
      method: 'PUT',
      url: `${orgBase}/members/:userId`,
      operationId: 'setMemberRole',
      permission: 'org.members.manage',
      summary: "Change a member's organization role",
      tags: TAGS,
      params: MemberParamsSchema,
      body: SetOrganizationRoleSchema,
      responses: {
        200: { description: 'Changed', schema: MemberViewSchema.pick({ userId: true, role: true }) },
        404: error('Not a member'),
        409: error('The last owner'),
      },
      async handle({ params, body, request }) {
        const found = accessOf(access, request);
        await checkOwnerChange(found, params.organizationId, params.userId, body.role);
        const membership = await identity.setMemberRole(params.organizationId, params.userId, body.role);
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: null,
          action: 'org.member.role_changed',
          resourceType: 'member',
          resourceId: params.userId,
          details: { role: body.role },
        });
        return json(200, { userId: membership.userId, role: membership.role });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${orgBase}/members/:userId`,
      operationId: 'removeMember',
      permission: 'org.members.manage',
      summary: 'Remove a member (their environment roles go, the tokens they created are revoked)',
      tags: TAGS,
      params: MemberParamsSchema,
      responses: {
        204: { description: 'Removed' },
        404: error('Not a member'),
        409: error('The last owner'),
      },
      async handle({ params, request }) {
        const found = accessOf(access, request);
        await checkOwnerChange(found, params.organizationId, params.userId, null);
        await identity.removeMember(params.organizationId, params.userId);
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: null,
          action: 'org.member.removed',
          resourceType: 'member',
          resourceId: params.userId,
          details: {},
        });
        return { kind: 'empty', status: 204 };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: `${envBase}/members/:userId`,
      operationId: 'setEnvironmentRole',
      permission: 'env.members.manage',
      summary: "Grant (`{role}`) or take away (`{role: null}`) a member's role in one environment",
      tags: TAGS,
      params: EnvironmentMemberParamsSchema,
      body: SetEnvironmentRoleSchema,
      responses: { 200: { description: 'Changed', schema: MemberViewSchema }, 404: error('Not a member') },
      async handle({ params, body, request }) {
        await requireMember(params.organizationId, params.userId);
        await identity.setEnvironmentRole(params, params.userId, body.role);
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: params.environmentId,
          action: 'env.member.role_changed',
          resourceType: 'member',
          resourceId: params.userId,
          details: { role: body.role },
        });
        const member = (await identity.listMembers(params.organizationId)).find(
          (m) => m.userId === params.userId,
        );
        if (!member) throw new TracecheckError('NOT_FOUND', `user "${params.userId}" is no longer a member`);
        return json(200, memberView(member));
      },
    }),

    // Invites.
    defineRoute({
      method: 'GET',
      url: `${orgBase}/invites`,
      operationId: 'listInvites',
      permission: 'org.members.manage',
      summary: 'The invites of an organization (codes are never shown again)',
      tags: TAGS,
      params: OrganizationParamsSchema,
      responses: { 200: { description: 'Invites', schema: InviteViewSchema.array() } },
      async handle({ params }) {
        const at = now();
        return json(
          200,
          (await identity.listInvites(params.organizationId)).map((invite) => inviteView(invite, at)),
        );
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${orgBase}/invites`,
      operationId: 'createInvite',
      permission: 'org.members.manage',
      summary: 'Invite by email (`email`) or by link (no email): the answer holds the code, shown once',
      description:
        'JSON `{email?, role, environments: [{environmentId, role}], expiresAt?, maxUses?}`, or a `type: Invite` ' +
        'definition (YAML or JSON; roles as `members`, `engineers`…).',
      tags: TAGS,
      params: OrganizationParamsSchema,
      body: CreateInviteSchema,
      yamlBody: true,
      bodyLimitBytes: 64 * 1024,
      responses: {
        201: { description: 'Created', schema: CreatedInviteSchema },
        404: error('Unknown environment'),
      },
      async handle({ params, body, request }) {
        const found = accessOf(access, request);
        const at = now();
        let email: string | null;
        let role: OrganizationRole;
        let grants: EnvironmentGrant[];
        let expiresAt: Date | null = null;
        let maxUses: number | null = null;
        if (body.format === 'yaml' || 'type' in body.value) {
          const spec = readDefinition(body, 'Invite');
          const to = typeof spec.to === 'string' && spec.to !== '' ? spec.to : undefined;
          email = spec.type === 'public' || to === undefined ? null : to;
          role = parseWith(
            OrganizationRoleSchema,
            singularRole(spec.role as string | undefined) ?? 'member',
            'spec.role',
          );
          const environments = Array.isArray(spec.environments) ? spec.environments : [];
          grants = environments.map((entry: { id?: unknown; role?: unknown }, index: number) => ({
            environmentId: parseWith(IdSchema, entry.id, `spec.environments.${index}.id`),
            role: parseWith(
              EnvironmentRoleSchema,
              singularRole(entry.role as string | undefined),
              `spec.environments.${index}.role`,
            ),
          }));
        } else {
          email = body.value.email ?? null;
          role = body.value.role;
          grants = body.value.environments;
          expiresAt = futureDate(body.value.expiresAt, at);
          maxUses = body.value.maxUses ?? null;
        }
        if (role === 'owner')
          await checkOwnerChange(found, params.organizationId, actingUserId(found) ?? '', 'owner');
        for (const grant of grants) await requireEnvironment(params.organizationId, grant.environmentId);
        const code = generateInviteCode(random);
        const invite = await identity.createInvite({
          organizationId: params.organizationId,
          kind: email === null ? 'link' : 'email',
          email,
          role,
          environmentGrants: grants,
          codeHash: hashSecret(code),
          createdBy: actingUserId(found),
          expiresAt,
          maxUses,
        });
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: null,
          action: 'invite.created',
          resourceType: 'invite',
          resourceId: invite.id,
          details: { kind: invite.kind, email: invite.email, role, environments: grants },
        });
        return json(201, { invite: inviteView(invite, at), code });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${orgBase}/invites/:inviteId`,
      operationId: 'revokeInvite',
      permission: 'org.members.manage',
      summary: 'Revoke an invite',
      tags: TAGS,
      params: InviteParamsSchema,
      responses: { 200: { description: 'Revoked', schema: InviteViewSchema }, 404: error('Not found') },
      async handle({ params, request }) {
        const invite =
          (await identity.revokeInvite(params.organizationId, params.inviteId)) ??
          (await identity.getInvite(params.organizationId, params.inviteId));
        if (!invite)
          throw new TracecheckError(
            'NOT_FOUND',
            `invite "${params.inviteId}" does not exist in this organization`,
          );
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: null,
          action: 'invite.revoked',
          resourceType: 'invite',
          resourceId: invite.id,
          details: {},
        });
        return json(200, inviteView(invite, now()));
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${orgBase}/invites/:inviteId/resend`,
      operationId: 'resendInvite',
      permission: 'org.members.manage',
      summary: 'Resend an invite: a new code replaces the old one (shown once)',
      tags: TAGS,
      params: InviteParamsSchema,
      responses: {
        200: { description: 'Resent', schema: CreatedInviteSchema },
        404: error('Not found or revoked'),
      },
      async handle({ params, request }) {
        const code = generateInviteCode(random);
        const invite = await identity.resendInvite(params.organizationId, params.inviteId, hashSecret(code));
        if (!invite) {
          throw new TracecheckError(
            'NOT_FOUND',
            `invite "${params.inviteId}" does not exist here or was revoked: create a new one`,
          );
        }
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: null,
          action: 'invite.resent',
          resourceType: 'invite',
          resourceId: invite.id,
          details: {},
        });
        return json(200, { invite: inviteView(invite, now()), code });
      },
    }),

    // Organization tokens.
    defineRoute({
      method: 'GET',
      url: `${orgBase}/tokens`,
      operationId: 'listTokens',
      permission: 'org.tokens.manage',
      summary:
        'Every token of the organization (organization and environment tokens, agent keys), without secrets',
      tags: TAGS,
      params: OrganizationParamsSchema,
      responses: { 200: { description: 'Tokens', schema: TokenViewSchema.array() } },
      async handle({ params }) {
        return json(200, (await identity.listTokens(params.organizationId)).map(tokenView));
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${orgBase}/tokens`,
      operationId: 'createOrganizationToken',
      permission: 'org.tokens.manage',
      summary: 'Create an organization token (role admin or agent); the plaintext is shown once',
      tags: TAGS,
      params: OrganizationParamsSchema,
      body: CreateOrganizationTokenSchema,
      responses: { 201: { description: 'Created', schema: CreatedTokenSchema } },
      async handle({ params, body, request }) {
        return createTokenFor(request, accessOf(access, request), {
          kind: 'org',
          organizationId: params.organizationId,
          environmentId: null,
          role: body.role,
          name: body.name,
          expiresAt: futureDate(body.expiresAt, now()),
        });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${orgBase}/tokens/:tokenId`,
      operationId: 'revokeToken',
      permission: 'org.tokens.manage',
      summary: 'Revoke any token of the organization; it is refused from the next request on',
      tags: TAGS,
      params: TokenParamsSchema,
      responses: { 200: { description: 'Revoked', schema: TokenViewSchema }, 404: error('Not found') },
      async handle({ params, request }) {
        return revokeTokenAt(request, params.organizationId, params.tokenId, null);
      },
    }),

    // Environment tokens and agent keys.
    defineRoute({
      method: 'GET',
      url: `${envBase}/tokens`,
      operationId: 'listEnvironmentTokens',
      permission: 'env.tokens.manage',
      summary: 'The tokens and agent keys of an environment, without secrets',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      responses: { 200: { description: 'Tokens', schema: TokenViewSchema.array() } },
      async handle({ params }) {
        const tokens = await identity.listTokens(params.organizationId, {
          environmentId: params.environmentId,
        });
        return json(200, tokens.map(tokenView));
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${envBase}/tokens`,
      operationId: 'createEnvironmentToken',
      permission: 'env.tokens.manage',
      summary: 'Create an environment token (JSON `{name, role}` or a `type: EnvironmentToken` definition)',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      body: CreateEnvironmentTokenSchema,
      yamlBody: true,
      bodyLimitBytes: 64 * 1024,
      responses: { 201: { description: 'Created', schema: CreatedTokenSchema } },
      async handle({ params, body, request }) {
        const at = now();
        let name: string;
        let role: EnvironmentRole;
        let expiresAt: Date | null;
        if (body.format === 'yaml' || 'type' in body.value) {
          const spec = readDefinition(body, 'EnvironmentToken');
          name = parseWith(NameSchema, spec.name, 'spec.name');
          role = parseWith(EnvironmentRoleSchema, singularRole(spec.role as string | undefined), 'spec.role');
          const minutes = typeof spec.duration === 'number' && spec.duration > 0 ? spec.duration : undefined;
          expiresAt = minutes === undefined ? null : new Date(at.getTime() + minutes * 60_000);
        } else {
          name = body.value.name;
          role = body.value.role;
          expiresAt = futureDate(body.value.expiresAt, at);
        }
        return createTokenFor(request, accessOf(access, request), {
          kind: 'env',
          organizationId: params.organizationId,
          environmentId: params.environmentId,
          role,
          name,
          expiresAt,
        });
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${envBase}/agent-keys`,
      operationId: 'createAgentKey',
      permission: 'env.tokens.manage',
      summary: 'Create an agent key of the environment (`tracecheck agent --api-key`); shown once',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      body: CreateAgentKeySchema,
      responses: { 201: { description: 'Created', schema: CreatedTokenSchema } },
      async handle({ params, body, request }) {
        return createTokenFor(request, accessOf(access, request), {
          kind: 'agent',
          organizationId: params.organizationId,
          environmentId: params.environmentId,
          role: 'agent',
          name: body.name,
          expiresAt: futureDate(body.expiresAt, now()),
        });
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${envBase}/tokens/:tokenId`,
      operationId: 'revokeEnvironmentToken',
      permission: 'env.tokens.manage',
      summary: 'Revoke a token or agent key of the environment',
      tags: TAGS,
      params: EnvironmentTokenParamsSchema,
      responses: { 200: { description: 'Revoked', schema: TokenViewSchema }, 404: error('Not found') },
      async handle({ params, request }) {
        return revokeTokenAt(request, params.organizationId, params.tokenId, params.environmentId);
      },
    }),

    // Access requests.
    defineRoute({
      method: 'POST',
      url: `${envBase}/access-requests`,
      operationId: 'requestEnvironmentAccess',
      permission: 'org.access.request',
      summary: 'Ask the admins of an environment for a role in it',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      body: CreateAccessRequestSchema,
      responses: { 201: { description: 'Requested', schema: AccessRequestViewSchema } },
      async handle({ params, body, request }) {
        const found = accessOf(access, request);
        if (found.principal.type !== 'session') {
          throw new TracecheckError(
            'AUTH_FORBIDDEN',
            'access requests are made by people, signed in, not by tokens',
            {
              permission: 'org.access.request',
            },
          );
        }
        await requireEnvironment(params.organizationId, params.environmentId);
        const created = await identity.createAccessRequest({
          scope: params,
          userId: found.principal.userId,
          role: body.role,
          message: body.message,
        });
        await access.audit(request, {
          organizationId: params.organizationId,
          environmentId: params.environmentId,
          action: 'access_request.created',
          resourceType: 'access_request',
          resourceId: created.id,
          details: { role: body.role },
        });
        return json(201, accessRequestView(created));
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${envBase}/access-requests`,
      operationId: 'listAccessRequests',
      permission: 'env.members.manage',
      summary: 'The access requests of an environment',
      tags: TAGS,
      params: EnvironmentParamsSchema,
      responses: { 200: { description: 'Requests', schema: AccessRequestViewSchema.array() } },
      async handle({ params }) {
        const requests = await identity.listAccessRequests(params.organizationId, {
          environmentId: params.environmentId,
        });
        return json(200, requests.map(accessRequestView));
      },
    }),
    ...(['approve', 'deny'] as const).map((decision) =>
      defineRoute({
        method: 'POST',
        url: `${envBase}/access-requests/:requestId/${decision}`,
        operationId: `${decision}AccessRequest`,
        permission: 'env.members.manage',
        summary:
          decision === 'approve' ? 'Approve an access request: grants the role' : 'Deny an access request',
        tags: TAGS,
        params: AccessRequestParamsSchema,
        responses: {
          200: { description: 'Decided', schema: AccessRequestViewSchema },
          404: error('Not pending'),
        },
        async handle({ params, request }) {
          const found = accessOf(access, request);
          const pending = (
            await identity.listAccessRequests(params.organizationId, { environmentId: params.environmentId })
          ).find((entry) => entry.id === params.requestId);
          if (!pending)
            throw new TracecheckError(
              'NOT_FOUND',
              `access request "${params.requestId}" does not exist here`,
            );
          const decided = await identity.decideAccessRequest(params.organizationId, params.requestId, {
            approve: decision === 'approve',
            deciderUserId: actingUserId(found),
          });
          if (!decided)
            throw new TracecheckError('CONFLICT', `access request "${params.requestId}" was already decided`);
          await access.audit(request, {
            organizationId: params.organizationId,
            environmentId: params.environmentId,
            action: decision === 'approve' ? 'access_request.approved' : 'access_request.denied',
            resourceType: 'access_request',
            resourceId: decided.id,
            details: { userId: decided.userId, role: decided.role },
          });
          return json(200, accessRequestView(decided));
        },
      }),
    ),

    // Audit log.
    defineRoute({
      method: 'GET',
      url: `${orgBase}/audit`,
      operationId: 'listAuditLog',
      permission: 'org.audit.read',
      summary: 'The audit log of an organization, newest first, with filters and paging',
      tags: TAGS,
      params: OrganizationParamsSchema,
      query: AuditQuerySchema,
      responses: { 200: { description: 'Entries', schema: AuditPageSchema } },
      async handle({ params, query }) {
        const page = await identity.listAudit(params.organizationId, {
          ...(query.environmentId === undefined ? {} : { environmentId: query.environmentId }),
          ...(query.actorId === undefined ? {} : { actorId: query.actorId }),
          ...(query.action === undefined ? {} : { action: query.action }),
          ...(query.resourceType === undefined ? {} : { resourceType: query.resourceType }),
          ...(query.after === undefined ? {} : { after: new Date(query.after) }),
          ...(query.before === undefined ? {} : { before: new Date(query.before) }),
          ...(query.take === undefined ? {} : { take: query.take }),
          ...(query.skip === undefined ? {} : { skip: query.skip }),
          ...(query.sortDirection === undefined ? {} : { sortDirection: query.sortDirection }),
        });
        return json(200, { items: page.items.map(auditView), count: page.count });
      },
    }),
  ];
}
