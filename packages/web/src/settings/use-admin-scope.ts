/** Loads what the admin sections act on: the user, their organization and role, its environments. */

import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { EnvironmentRoleView } from '../api/api-types';
import { type LoadState, useLoad } from '../api/use-load';
import { readStoredScope } from '../auth/auth-scope';
import { type AdminScope, chooseEnvironment, chooseOrganization } from './admin-scope';

/**
 * The admin scope of the signed-in user (`GET /api/me`, the organization's environments and, for
 * plain members, their own environment roles); an error when nobody is signed in or the user
 * belongs to no organization.
 */
export function useAdminScope(): LoadState<AdminScope> & { readonly reload: () => void } {
  const api = useApi();
  return useLoad(async (): Promise<AdminScope> => {
    const stored = readStoredScope();
    const me = await api.getMe();
    const organization = chooseOrganization(me, stored);
    if (organization === undefined) {
      throw new ApiError(
        404,
        'NOT_FOUND',
        'you belong to no organization yet: join one with an invite code in Settings → Members',
      );
    }
    const environments = await api.listEnvironments(organization.id);
    let environmentRoles: Readonly<Record<string, EnvironmentRoleView>> = {};
    // Owners and admins act as admin everywhere; a member's own grants decide their token access.
    if (organization.role === 'member') {
      const members = await api.listMembers(organization.id).catch(() => []);
      environmentRoles = members.find((member) => member.userId === me.id)?.environmentRoles ?? {};
    }
    return {
      userId: me.id,
      organizationId: organization.id,
      organizationName: organization.name,
      role: organization.role,
      environmentId: chooseEnvironment(environments, stored),
      environments,
      environmentRoles,
    };
  }, 'admin-scope');
}
