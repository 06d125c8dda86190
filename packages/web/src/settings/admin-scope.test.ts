import { describe, expect, it } from 'vitest';
import type { EnvironmentView, MeView } from '../api/api-types';
import {
  type AdminScope,
  assignableRoles,
  canOpenSection,
  chooseEnvironment,
  chooseOrganization,
  environmentsManagedBy,
} from './admin-scope';

const me: MeView = {
  id: 'u1',
  email: 'ann@example.com',
  name: 'Ann',
  organizations: [
    { id: 'local', name: 'Local', personal: false, role: 'owner' },
    { id: 'acme', name: 'Acme', personal: false, role: 'member' },
  ],
};

const environment = (id: string): EnvironmentView => ({ id, organizationId: 'acme', name: id.toUpperCase() });

function scopeWith(change: Partial<AdminScope>): AdminScope {
  return {
    userId: 'u1',
    organizationId: 'acme',
    organizationName: 'Acme',
    role: 'member',
    environmentId: 'default',
    environments: [environment('default'), environment('staging')],
    environmentRoles: {},
    ...change,
  };
}

describe('chooseOrganization', () => {
  it('keeps the stored organization while the user belongs to it', () => {
    expect(chooseOrganization(me, { organizationId: 'acme' })).toEqual({
      id: 'acme',
      name: 'Acme',
      role: 'member',
    });
  });

  it('falls back to the first organization, as the user menu shows', () => {
    expect(chooseOrganization(me, { organizationId: 'gone' })?.id).toBe('local');
    expect(chooseOrganization(me, {})?.id).toBe('local');
  });

  it('gives nothing without organizations, and no role for an unknown one', () => {
    expect(chooseOrganization({ ...me, organizations: [] }, {})).toBeUndefined();
    expect(
      chooseOrganization(
        { ...me, organizations: [{ id: 'x', name: 'X', personal: true, role: 'emperor' }] },
        {},
      )?.role,
    ).toBeUndefined();
  });
});

describe('chooseEnvironment', () => {
  it('follows the server: stored, the only one, default, then the first', () => {
    const many = [environment('b'), environment('default'), environment('a')];
    expect(chooseEnvironment(many, { environmentId: 'a' })).toBe('a');
    expect(chooseEnvironment(many, { environmentId: 'gone' })).toBe('default');
    expect(chooseEnvironment([environment('only')], {})).toBe('only');
    expect(chooseEnvironment([environment('b'), environment('c')], {})).toBe('b');
    expect(chooseEnvironment([], {})).toBeUndefined();
  });
});

describe('canOpenSection', () => {
  it.each([
    ['owner', { members: true, invites: true, tokens: true, audit: true }],
    ['admin', { members: true, invites: true, tokens: true, audit: true }],
    ['member', { members: true, invites: false, tokens: false, audit: false }],
    ['biller', { members: false, invites: false, tokens: false, audit: false }],
  ] as const)('opens what the permission table gives %s', (role, expected) => {
    const scope = scopeWith({ role });
    expect({
      members: canOpenSection(scope, 'members'),
      invites: canOpenSection(scope, 'invites'),
      tokens: canOpenSection(scope, 'tokens'),
      audit: canOpenSection(scope, 'audit'),
    }).toEqual(expected);
  });

  it('opens tokens to a member who is admin of an environment, for that environment only', () => {
    const scope = scopeWith({ environmentRoles: { staging: 'admin', default: 'engineer' } });
    expect(canOpenSection(scope, 'tokens')).toBe(true);
    expect(environmentsManagedBy(scope).map((entry) => entry.id)).toEqual(['staging']);
  });

  it('shows every section when the role is unknown: the server decides', () => {
    expect(canOpenSection(scopeWith({ role: undefined }), 'audit')).toBe(true);
  });
});

describe('assignableRoles', () => {
  it('lets only owners make owners', () => {
    expect(assignableRoles({ role: 'owner' })).toContain('owner');
    expect(assignableRoles({ role: 'admin' })).toEqual(['admin', 'member', 'biller']);
  });
});
