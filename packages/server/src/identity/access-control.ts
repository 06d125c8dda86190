import { TracecheckError } from '@tracecheck/core';
import type { FastifyRequest } from 'fastify';
import type { AuthenticateAgent } from '../agent-link/register-agent-link-route';
import type { Scope, Store } from '../store/store';
import type { IdentityStore, NewAuditEntry, TokenRecord, UserRecord } from './identity-store';
import {
  type Action,
  type Grants,
  grantsOfMember,
  grantsOfTokenRole,
  intersectGrants,
  isAllowed,
  type Permission,
  scopeOfAction,
  USER_ACTIONS,
} from './permissions';
import { hashSecret, parseTokenKind } from './tokens';

/** A person signed in (a session cookie or a CLI session, resolved by the sign-in layer). */
export interface UserPrincipal {
  readonly type: 'session';
  readonly userId: string;
}

/** An organization token, environment token or agent key presented as `Authorization: Bearer`. */
export interface TokenPrincipal {
  readonly type: 'token';
  readonly token: TokenRecord;
}

export type Principal = UserPrincipal | TokenPrincipal;

/**
 * Finds the principal of a request from something other than a Tracecheck token (the sign-in
 * layer's session cookie or CLI session). Undefined: not this resolver's business. It may throw a
 * `TracecheckError` (an expired session, a failed CSRF check).
 */
export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | undefined>;

/** What a request was allowed to do, once `authorize` passed. */
export interface RequestAccess {
  readonly principal: Principal;
  /** The signed-in user, or the token's creator; null for bootstrap tokens. */
  readonly user: UserRecord | null;
  readonly organizationId: string | undefined;
  readonly environmentId: string | undefined;
  readonly grants: Grants;
}

export interface AccessControlOptions {
  readonly store: Store;
  /**
   * The organization and environment a request without scope headers acts in when the principal
   * may (embedded mode's `local`/`default`).
   */
  readonly defaultScope: Scope;
  /** Tried in order after the bearer token (the sign-in layer adds the session resolver). */
  readonly principalResolvers?: readonly PrincipalResolver[];
  readonly now?: () => Date;
}

/**
 * Authentication and authorization of API requests: one object per API server. `authorize` runs
 * before each route (a Fastify `onRequest` hook) with the route's declared permission.
 */
export interface AccessControl {
  /**
   * Resolves the principal and the scope of the request and checks the permission table. Rejects
   * with `AUTH_REQUIRED`/`AUTH_INVALID_TOKEN` (401), `NOT_FOUND` (404: an organization or
   * environment outside the principal's reach) or `AUTH_FORBIDDEN` (403, naming the action).
   */
  authorize(request: FastifyRequest, permission: Permission): Promise<void>;
  /** The environment scope `authorize` resolved: the `resolveScope` of the environment routes. */
  resolveScope(request: FastifyRequest): Promise<Scope>;
  /** What `authorize` resolved for this request; undefined for public routes. */
  accessOf(request: FastifyRequest): RequestAccess | undefined;
  /** Adds a principal resolver (the sign-in layer's sessions), tried after bearer tokens. */
  addPrincipalResolver(resolver: PrincipalResolver): void;
  /** The current grants of a principal in an organization (undefined: outside its reach). */
  grantsIn(principal: Principal, organizationId: string): Promise<Grants | undefined>;
  /** The agent link's check: agent keys, and organization tokens of role agent or admin. */
  readonly authenticateAgent: AuthenticateAgent;
  /** Appends an audit entry for a change made by this request (actor, IP and user agent from it). */
  audit(request: FastifyRequest, entry: Omit<NewAuditEntry, 'actor' | 'ip' | 'userAgent'>): Promise<void>;
}

const HOW_TO_GET_A_TOKEN =
  'send a token as "Authorization: Bearer <token>": `tracecheck start` writes one to .tracecheck/admin-token, ' +
  '`tracecheck server` writes one to --bootstrap-token-file on its first start, and organization admins create ' +
  'more with POST /api/organizations/{organizationId}/tokens; or sign in to the dashboard';

/** Don't write `lastUsedAt` more often than this per token. */
const TOUCH_INTERVAL_MS = 60_000;

function readBearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new TracecheckError(
      'AUTH_INVALID_TOKEN',
      'the Authorization header is not "Bearer <token>": send the token as "Authorization: Bearer <token>"',
    );
  }
  return match[1];
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function paramOf(request: FastifyRequest, name: string): string | undefined {
  const params = request.params as Record<string, unknown> | undefined;
  const value = params?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function notFound(what: string): TracecheckError {
  return new TracecheckError(
    'NOT_FOUND',
    `${what} does not exist or is not visible to this token or user: check the id (list yours with GET /api/organizations)`,
  );
}

function describePrincipal(access: RequestAccess): string {
  if (access.principal.type === 'token') {
    const token = access.principal.token;
    return `the ${token.kind === 'agent' ? 'agent key' : `${token.kind} token`} "${token.name}" (role ${token.role})`;
  }
  return `user ${access.user?.email ?? access.principal.userId}`;
}

/**
 * The access control of one API server.
 * @example const access = createAccessControl({ store, defaultScope: { organizationId: 'local', environmentId: 'default' } });
 */
export function createAccessControl(options: AccessControlOptions): AccessControl {
  const identity: IdentityStore = options.store.identity;
  const now = options.now ?? (() => new Date());
  const resolvers: PrincipalResolver[] = [...(options.principalResolvers ?? [])];
  const accesses = new WeakMap<FastifyRequest, RequestAccess>();
  const touched = new Map<string, number>();

  /** The token of a plaintext, if it is well-formed, known, not revoked and not expired. */
  async function findUsableToken(plaintext: string): Promise<TokenRecord | undefined> {
    if (parseTokenKind(plaintext) === undefined) return undefined;
    const token = await identity.findTokenByHash(hashSecret(plaintext));
    if (!token || token.revokedAt !== null) return undefined;
    if (token.expiresAt !== null && token.expiresAt.getTime() <= now().getTime()) return undefined;
    const last = touched.get(token.id) ?? token.lastUsedAt?.getTime() ?? 0;
    const at = now().getTime();
    if (at - last >= TOUCH_INTERVAL_MS) {
      touched.set(token.id, at);
      await identity.touchToken(token.id);
    }
    return token;
  }

  async function resolvePrincipal(request: FastifyRequest): Promise<Principal | undefined> {
    const bearer = readBearer(request);
    if (bearer !== undefined && parseTokenKind(bearer) !== undefined) {
      const token = await findUsableToken(bearer);
      if (!token) {
        throw new TracecheckError(
          'AUTH_INVALID_TOKEN',
          `the token ${bearer.slice(0, 11)}… is unknown, revoked or expired: ${HOW_TO_GET_A_TOKEN}`,
        );
      }
      return { type: 'token', token };
    }
    for (const resolve of resolvers) {
      const principal = await resolve(request);
      if (principal) return principal;
    }
    if (bearer !== undefined) {
      throw new TracecheckError(
        'AUTH_INVALID_TOKEN',
        `the bearer token is not a Tracecheck token (tc_org_…, tc_env_…, tc_agent_…) nor a valid session: ${HOW_TO_GET_A_TOKEN}`,
      );
    }
    return undefined;
  }

  async function grantsIn(principal: Principal, organizationId: string): Promise<Grants | undefined> {
    if (principal.type === 'session') {
      const access = await identity.getAccess(organizationId, principal.userId);
      return access && grantsOfMember(access.organizationRole, access.environmentRoles);
    }
    const token = principal.token;
    if (token.organizationId !== organizationId) return undefined;
    const own =
      token.kind === 'org'
        ? grantsOfTokenRole({ kind: 'org', role: token.role === 'agent' ? 'agent' : 'admin' })
        : token.kind === 'env'
          ? grantsOfTokenRole({
              kind: 'env',
              role: token.role === 'admin' || token.role === 'engineer' ? token.role : 'runner',
              environmentId: token.environmentId ?? '',
            })
          : grantsOfTokenRole({ kind: 'agent', environmentId: token.environmentId ?? '' });
    if (token.createdBy === null) return own;
    // A token never carries more than its creator holds now.
    const creator = await identity.getAccess(organizationId, token.createdBy);
    if (!creator) return undefined;
    return intersectGrants(own, grantsOfMember(creator.organizationRole, creator.environmentRoles));
  }

  /** The organization a request acts in: route, header, token, then the default/personal one. */
  async function chooseOrganization(
    request: FastifyRequest,
    principal: Principal,
  ): Promise<string | undefined> {
    const explicit = paramOf(request, 'organizationId') ?? headerOf(request, 'x-organization-id');
    if (explicit !== undefined) return explicit;
    if (principal.type === 'token') return principal.token.organizationId;
    const organizations = await identity.listOrganizationsOfUser(principal.userId);
    const preferred =
      organizations.find((organization) => organization.id === options.defaultScope.organizationId) ??
      organizations.find((organization) => organization.personalUserId === principal.userId) ??
      organizations[0];
    return preferred?.id;
  }

  async function chooseEnvironment(
    request: FastifyRequest,
    principal: Principal,
    organizationId: string,
  ): Promise<string> {
    const explicit = paramOf(request, 'environmentId') ?? headerOf(request, 'x-environment-id');
    if (explicit !== undefined) return explicit;
    if (principal.type === 'token' && principal.token.environmentId !== null)
      return principal.token.environmentId;
    if (organizationId === options.defaultScope.organizationId) return options.defaultScope.environmentId;
    const environments = await options.store.listEnvironments(organizationId);
    const only = environments.length === 1 ? environments[0] : undefined;
    if (only) return only.id;
    // A personal organization's first environment is `default`.
    if (environments.some((environment) => environment.id === 'default')) return 'default';
    if (environments.length === 0) {
      throw new TracecheckError(
        'REQUEST_INVALID',
        `organization "${organizationId}" has no environment yet: create one with ` +
          `POST /api/organizations/${organizationId}/environments, then send its id in the x-environment-id header`,
      );
    }
    throw new TracecheckError(
      'REQUEST_INVALID',
      `organization "${organizationId}" has ${environments.length} environments ` +
        `(${environments.map((environment) => environment.id).join(', ')}): say which one with the ` +
        'x-environment-id header (or pick another organization with x-organization-id)',
    );
  }

  async function userOf(principal: Principal): Promise<UserRecord | null> {
    const userId = principal.type === 'session' ? principal.userId : principal.token.createdBy;
    return userId === null ? null : ((await identity.getUser(userId)) ?? null);
  }

  function forbidden(access: RequestAccess, action: Action, where: string): TracecheckError {
    return new TracecheckError(
      'AUTH_FORBIDDEN',
      `${describePrincipal(access)} lacks the permission "${action}" ${where}: ask an admin of the organization ` +
        'for a role that grants it, or use a token that has it',
      { permission: action },
    );
  }

  const control: AccessControl = {
    async authorize(request, permission) {
      if (permission === 'public') return;
      const principal = await resolvePrincipal(request);
      if (!principal) {
        throw new TracecheckError(
          'AUTH_REQUIRED',
          `${request.method} ${request.url.split('?')[0]} needs authentication: ${HOW_TO_GET_A_TOKEN}`,
        );
      }
      const user = await userOf(principal);
      const kind = scopeOfAction(permission);
      if (kind === 'user') {
        const access: RequestAccess = {
          principal,
          user,
          organizationId: undefined,
          environmentId: undefined,
          grants: {
            organization: new Set(USER_ACTIONS),
            everyEnvironment: new Set(),
            environments: new Map(),
          },
        };
        if (
          principal.type !== 'session' ||
          !USER_ACTIONS.includes(permission as (typeof USER_ACTIONS)[number])
        ) {
          throw new TracecheckError(
            'AUTH_FORBIDDEN',
            `${describePrincipal({ ...access })} cannot use "${permission}": it needs a signed-in person, not a token; sign in to the dashboard or with \`tracecheck login\``,
            { permission },
          );
        }
        accesses.set(request, access);
        return;
      }
      const organizationId = await chooseOrganization(request, principal);
      if (organizationId === undefined) throw notFound('no organization');
      const grants = await grantsIn(principal, organizationId);
      if (!grants) throw notFound(`organization "${organizationId}"`);
      if (kind === 'organization') {
        const access: RequestAccess = { principal, user, organizationId, environmentId: undefined, grants };
        if (!isAllowed(grants, permission))
          throw forbidden(access, permission, `in organization "${organizationId}"`);
        accesses.set(request, access);
        return;
      }
      const environmentId = await chooseEnvironment(request, principal, organizationId);
      const reachable =
        grants.everyEnvironment.size > 0 || (grants.environments.get(environmentId)?.size ?? 0) > 0;
      const environment = reachable
        ? await options.store.getEnvironment({ organizationId, environmentId })
        : undefined;
      if (!environment) throw notFound(`environment "${environmentId}" of organization "${organizationId}"`);
      const access: RequestAccess = { principal, user, organizationId, environmentId, grants };
      if (!isAllowed(grants, permission, environmentId)) {
        throw forbidden(
          access,
          permission,
          `in environment "${environmentId}" of organization "${organizationId}"`,
        );
      }
      accesses.set(request, access);
    },

    async resolveScope(request) {
      const access = accesses.get(request);
      if (access?.organizationId === undefined || access.environmentId === undefined) {
        throw new TracecheckError(
          'INTERNAL',
          `${request.method} ${request.url.split('?')[0]} asked for an environment scope but its route declares no environment permission`,
        );
      }
      return { organizationId: access.organizationId, environmentId: access.environmentId };
    },

    accessOf(request) {
      return accesses.get(request);
    },

    addPrincipalResolver(resolver) {
      resolvers.push(resolver);
    },

    grantsIn,

    async authenticateAgent(plaintext) {
      const token = await findUsableToken(plaintext);
      if (!token) return undefined;
      if (token.kind === 'agent' && token.environmentId !== null) {
        const grants = await grantsIn({ type: 'token', token }, token.organizationId);
        return grants && isAllowed(grants, 'agent.connect', token.environmentId)
          ? { organizationId: token.organizationId, environmentId: token.environmentId }
          : undefined;
      }
      if (token.kind === 'org') {
        // Organization tokens (agent/admin) connect to the default environment of their organization.
        const environments = await options.store.listEnvironments(token.organizationId);
        const environmentId =
          token.organizationId === options.defaultScope.organizationId
            ? options.defaultScope.environmentId
            : environments[0]?.id;
        if (environmentId === undefined) return undefined;
        const grants = await grantsIn({ type: 'token', token }, token.organizationId);
        return grants && isAllowed(grants, 'agent.connect', environmentId)
          ? { organizationId: token.organizationId, environmentId }
          : undefined;
      }
      return undefined;
    },

    async audit(request, entry) {
      const access = accesses.get(request);
      const principal = access?.principal;
      const actor =
        principal === undefined
          ? { type: 'system' as const, id: 'system', display: 'system' }
          : principal.type === 'session'
            ? {
                type: 'user' as const,
                id: principal.userId,
                display: access?.user?.email ?? access?.user?.name ?? principal.userId,
              }
            : {
                type: 'token' as const,
                id: principal.token.id,
                display: `${principal.token.name} (${principal.token.displayPrefix}…)`,
              };
      const userAgent = request.headers['user-agent'];
      await identity.appendAudit({
        ...entry,
        actor,
        ip: request.ip ?? null,
        userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
      });
    },
  };
  return control;
}
