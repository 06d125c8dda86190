/**
 * Who administers what: the organization and environment the settings act in, and which admin
 * sections the signed-in user's roles open. This mirrors the server's permission table
 * (`packages/server/src/identity/permissions.ts`) only to hide what would be refused: the server
 * still decides every call.
 */
import type {
  EnvironmentRoleView,
  EnvironmentView,
  MeView,
  OrganizationRoleView,
  ScopeChoice,
} from '../api/api-types';

/** The administration sections of the settings page. */
export const ADMIN_SECTIONS = ['members', 'invites', 'tokens', 'audit'] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

const ORGANIZATION_ROLES: readonly OrganizationRoleView[] = ['owner', 'admin', 'member', 'biller'];

/** What the settings act on: the organization and environment, and the user's roles there. */
export interface AdminScope {
  readonly userId: string;
  readonly organizationId: string;
  readonly organizationName: string;
  /** Undefined when the server did not say (an older server): every section is shown. */
  readonly role: OrganizationRoleView | undefined;
  /** The environment the dashboard works in; undefined when the organization has none. */
  readonly environmentId: string | undefined;
  readonly environments: readonly EnvironmentView[];
  /** The user's own roles in environments (granted one by one; owners and admins have all). */
  readonly environmentRoles: Readonly<Record<string, EnvironmentRoleView>>;
}

function isOrganizationRole(text: string | undefined): text is OrganizationRoleView {
  return text !== undefined && (ORGANIZATION_ROLES as readonly string[]).includes(text);
}

/**
 * The organization the dashboard works in: the stored choice when the user still belongs to it,
 * else the first one (as the user menu shows). Undefined when the user belongs to none.
 * @example chooseOrganization(me, { organizationId: 'acme' }) // { id: 'acme', name: 'Acme', role: 'admin' }
 */
export function chooseOrganization(
  me: MeView,
  stored: ScopeChoice,
):
  | { readonly id: string; readonly name: string; readonly role: OrganizationRoleView | undefined }
  | undefined {
  const found =
    me.organizations.find((organization) => organization.id === stored.organizationId) ?? me.organizations[0];
  if (found === undefined) return undefined;
  return { id: found.id, name: found.name, role: isOrganizationRole(found.role) ? found.role : undefined };
}

/**
 * The environment the server acts in when the dashboard names none: the stored choice, else the only
 * one, else `default`, else the first.
 */
export function chooseEnvironment(
  environments: readonly EnvironmentView[],
  stored: ScopeChoice,
): string | undefined {
  const storedOne = environments.find((environment) => environment.id === stored.environmentId);
  if (storedOne) return storedOne.id;
  if (environments.length === 1) return environments[0]?.id;
  return environments.find((environment) => environment.id === 'default')?.id ?? environments[0]?.id;
}

/** Whether the user administers the whole organization (owners and admins). */
export function isOrganizationAdmin(scope: Pick<AdminScope, 'role'>): boolean {
  return scope.role === 'owner' || scope.role === 'admin';
}

/** The environments whose tokens the user may manage: all for organization admins, else where admin. */
export function environmentsManagedBy(scope: AdminScope): readonly EnvironmentView[] {
  if (isOrganizationAdmin(scope)) return scope.environments;
  return scope.environments.filter((environment) => scope.environmentRoles[environment.id] === 'admin');
}

/**
 * Whether the user's roles open an admin section (`org.members.read` for members,
 * `org.members.manage` for invites, `org.tokens.manage` or `env.tokens.manage` for tokens,
 * `org.audit.read` for the audit log). An unknown role shows the section: the server decides.
 */
export function canOpenSection(scope: AdminScope, section: AdminSection): boolean {
  if (scope.role === undefined) return true;
  switch (section) {
    case 'members':
      return scope.role !== 'biller';
    case 'invites':
    case 'audit':
      return isOrganizationAdmin(scope);
    case 'tokens':
      return environmentsManagedBy(scope).length > 0;
  }
}

/** The organization roles the user may give: only owners make owners. */
export function assignableRoles(scope: Pick<AdminScope, 'role'>): readonly OrganizationRoleView[] {
  return scope.role === 'owner' ? ORGANIZATION_ROLES : ORGANIZATION_ROLES.filter((role) => role !== 'owner');
}
