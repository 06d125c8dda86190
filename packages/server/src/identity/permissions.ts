import type { EnvironmentRole, OrganizationRole, OrganizationTokenRole } from './identity-store';

/**
 * Every action a request can need, by the scope it acts in:
 * - `env.*` act in one environment (the request's environment scope);
 * - `org.*` act on one organization;
 * - `user.*` need a signed-in user (a person, not a token) and no scope;
 * - `agent.connect` opens the agent link of an environment.
 * Unknown or absent actions are denied (default deny).
 */
export const ACTIONS = [
  'env.resources.read',
  'env.resources.write',
  'env.runs.start',
  'env.runs.manage',
  'env.settings.write',
  'env.secrets.write',
  'env.members.manage',
  'env.tokens.manage',
  'org.read',
  'org.settings.write',
  'org.delete',
  'org.environments.manage',
  'org.members.read',
  'org.members.manage',
  'org.tokens.manage',
  'org.audit.read',
  'org.billing.read',
  'org.access.request',
  'user.read',
  'user.organizations.create',
  'user.invites.accept',
  'agent.connect',
] as const;

export type Action = (typeof ACTIONS)[number];
export type EnvironmentAction = Extract<Action, `env.${string}` | 'agent.connect'>;
export type OrganizationAction = Extract<Action, `org.${string}`>;
export type UserAction = Extract<Action, `user.${string}`>;

/** What a route declares: the action it needs, or `public` (health, version, the OpenAPI document). */
export type Permission = Action | 'public';

/** The scope an action acts in. */
export function scopeOfAction(action: Action): 'environment' | 'organization' | 'user' {
  if (action.startsWith('env.') || action === 'agent.connect') return 'environment';
  if (action.startsWith('org.')) return 'organization';
  return 'user';
}

/**
 * The one permission table: role → allowed actions. Organization owners and admins act as
 * environment admin in every environment (`effectiveEnvironmentRole`).
 */
export const ORGANIZATION_ROLE_ACTIONS: Readonly<Record<OrganizationRole, readonly OrganizationAction[]>> = {
  owner: [
    'org.read',
    'org.settings.write',
    'org.delete',
    'org.environments.manage',
    'org.members.read',
    'org.members.manage',
    'org.tokens.manage',
    'org.audit.read',
    'org.billing.read',
    'org.access.request',
  ],
  admin: [
    'org.read',
    'org.settings.write',
    'org.environments.manage',
    'org.members.read',
    'org.members.manage',
    'org.tokens.manage',
    'org.audit.read',
    'org.billing.read',
    'org.access.request',
  ],
  member: ['org.read', 'org.members.read', 'org.access.request'],
  biller: ['org.read', 'org.billing.read'],
};

export const ENVIRONMENT_ROLE_ACTIONS: Readonly<Record<EnvironmentRole, readonly EnvironmentAction[]>> = {
  admin: [
    'env.resources.read',
    'env.resources.write',
    'env.runs.start',
    'env.runs.manage',
    'env.settings.write',
    'env.secrets.write',
    'env.members.manage',
    'env.tokens.manage',
    'agent.connect',
  ],
  engineer: [
    'env.resources.read',
    'env.resources.write',
    'env.runs.start',
    'env.runs.manage',
    'env.secrets.write',
  ],
  runner: ['env.resources.read', 'env.runs.start'],
};

/** Organization tokens: `admin` acts as an organization admin; `agent` only connects agents. */
export const ORGANIZATION_TOKEN_ROLE_ACTIONS: Readonly<Record<OrganizationTokenRole, readonly Action[]>> = {
  admin: [...ORGANIZATION_ROLE_ACTIONS.admin, ...ENVIRONMENT_ROLE_ACTIONS.admin],
  agent: ['agent.connect'],
};

/** Agent keys of an environment. */
export const AGENT_KEY_ACTIONS: readonly Action[] = ['agent.connect'];

/** Actions of every signed-in user, in no organization in particular. */
export const USER_ACTIONS: readonly UserAction[] = [
  'user.read',
  'user.organizations.create',
  'user.invites.accept',
];

/** The environment role a member effectively has: owners and admins are admin everywhere. */
export function effectiveEnvironmentRole(
  organizationRole: OrganizationRole,
  granted: EnvironmentRole | undefined,
): EnvironmentRole | undefined {
  return organizationRole === 'owner' || organizationRole === 'admin' ? 'admin' : granted;
}

/** A set of allowed actions, for one organization and (for `env.*`) per environment. */
export interface Grants {
  /** Actions on the organization (and `user.*` for people). */
  readonly organization: ReadonlySet<Action>;
  /** Actions in every environment of the organization (org admins, organization tokens). */
  readonly everyEnvironment: ReadonlySet<Action>;
  /** Actions in one environment (environment roles, environment tokens, agent keys). */
  readonly environments: ReadonlyMap<string, ReadonlySet<Action>>;
}

/** Whether `grants` allow `action` (in `environmentId` for environment actions). Default deny. */
export function isAllowed(grants: Grants, action: Action, environmentId?: string): boolean {
  if (scopeOfAction(action) !== 'environment') return grants.organization.has(action);
  if (grants.everyEnvironment.has(action)) return true;
  return environmentId !== undefined && (grants.environments.get(environmentId)?.has(action) ?? false);
}

/** The grants of a member of an organization. */
export function grantsOfMember(
  organizationRole: OrganizationRole,
  environmentRoles: Readonly<Record<string, EnvironmentRole>>,
): Grants {
  const organization = new Set<Action>([...ORGANIZATION_ROLE_ACTIONS[organizationRole], ...USER_ACTIONS]);
  const wide = effectiveEnvironmentRole(organizationRole, undefined);
  const everyEnvironment = new Set<Action>(wide === undefined ? [] : ENVIRONMENT_ROLE_ACTIONS[wide]);
  const environments = new Map<string, ReadonlySet<Action>>();
  for (const [environmentId, role] of Object.entries(environmentRoles)) {
    environments.set(environmentId, new Set(ENVIRONMENT_ROLE_ACTIONS[role]));
  }
  return { organization, everyEnvironment, environments };
}

/** The grants of a token's role, before capping by its creator. */
export function grantsOfTokenRole(
  token:
    | { readonly kind: 'org'; readonly role: OrganizationTokenRole }
    | { readonly kind: 'env'; readonly role: EnvironmentRole; readonly environmentId: string }
    | { readonly kind: 'agent'; readonly environmentId: string },
): Grants {
  switch (token.kind) {
    case 'org': {
      const actions = ORGANIZATION_TOKEN_ROLE_ACTIONS[token.role];
      return {
        organization: new Set(actions.filter((action) => scopeOfAction(action) === 'organization')),
        everyEnvironment: new Set(actions.filter((action) => scopeOfAction(action) === 'environment')),
        environments: new Map(),
      };
    }
    case 'env':
      return {
        organization: new Set(),
        everyEnvironment: new Set(),
        environments: new Map([[token.environmentId, new Set<Action>(ENVIRONMENT_ROLE_ACTIONS[token.role])]]),
      };
    case 'agent':
      return {
        organization: new Set(),
        everyEnvironment: new Set(),
        environments: new Map([[token.environmentId, new Set<Action>(AGENT_KEY_ACTIONS)]]),
      };
  }
}

/**
 * What both grant: a token never carries more than its creator holds, so a token's grants are
 * intersected with its creator's current ones on every request.
 */
export function intersectGrants(a: Grants, b: Grants): Grants {
  const both = (x: ReadonlySet<Action>, y: ReadonlySet<Action>) =>
    new Set([...x].filter((action) => y.has(action)));
  const organization = both(a.organization, b.organization);
  const everyEnvironment = both(a.everyEnvironment, b.everyEnvironment);
  const environments = new Map<string, ReadonlySet<Action>>();
  for (const id of new Set([...a.environments.keys(), ...b.environments.keys()])) {
    const inA = new Set([...a.everyEnvironment, ...(a.environments.get(id) ?? [])]);
    const inB = new Set([...b.everyEnvironment, ...(b.environments.get(id) ?? [])]);
    const allowed = both(inA, inB);
    if (allowed.size > 0) environments.set(id, allowed);
  }
  return { organization, everyEnvironment, environments };
}

/** Whether `inner` allows nothing `outer` does not (in the environments `inner` names). */
export function isWithin(inner: Grants, outer: Grants): boolean {
  for (const action of inner.organization) if (!outer.organization.has(action)) return false;
  for (const action of inner.everyEnvironment) if (!outer.everyEnvironment.has(action)) return false;
  for (const [id, actions] of inner.environments) {
    for (const action of actions) if (!isAllowed(outer, action, id)) return false;
  }
  return true;
}
