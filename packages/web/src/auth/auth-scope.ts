/**
 * The organization and environment the dashboard works in, kept in the browser (localStorage) so a
 * reload keeps them; the API client sends them as `x-organization-id` / `x-environment-id`.
 */
import type { ScopeChoice } from '../api/api-types';

export const SCOPE_STORAGE_KEY = 'tracecheck.scope';

/** Reads the stored choice; an unreadable or foreign value gives no choice. */
export function parseStoredScope(text: string | null): ScopeChoice {
  if (text === null) return {};
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null) return {};
    return {
      ...(typeof value.organizationId === 'string' && value.organizationId !== ''
        ? { organizationId: value.organizationId }
        : {}),
      ...(typeof value.environmentId === 'string' && value.environmentId !== ''
        ? { environmentId: value.environmentId }
        : {}),
    };
  } catch {
    return {};
  }
}

export function readStoredScope(): ScopeChoice {
  try {
    return parseStoredScope(window.localStorage.getItem(SCOPE_STORAGE_KEY));
  } catch {
    return {};
  }
}

export function storeScope(scope: ScopeChoice): void {
  try {
    window.localStorage.setItem(SCOPE_STORAGE_KEY, JSON.stringify(scope));
  } catch {
    // Storage refused (private mode): the choice lasts until the page reloads.
  }
}

/** The sign-in URL of a provider that brings the user back to `returnTo` (a path of this dashboard). */
export function loginUrlReturningTo(loginUrl: string, returnTo: string): string {
  if (!returnTo.startsWith('/') || returnTo.startsWith('//')) return loginUrl;
  return `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}returnTo=${encodeURIComponent(returnTo)}`;
}
