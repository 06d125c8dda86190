/** How members, tokens, invites and audit entries read in the admin lists. Pure, unit-tested. */
import type { AuditEntryView, AuditQuery, MemberView, TokenView } from '../api/api-types';
import { fromLocalInputValue } from '../runs/run-list-query';

/** The query parameter of a shareable invite link (`/settings/members?invite=<code>`). */
const INVITE_CODE_PARAMETER = 'invite';

/**
 * The link that opens this dashboard's "Join with an invite" form with the code filled in.
 * @example inviteLinkOf('https://tc.example.com', 'tci_abc') // 'https://tc.example.com/settings/members?invite=tci_abc'
 */
export function inviteLinkOf(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, '')}/settings/members?${INVITE_CODE_PARAMETER}=${encodeURIComponent(code)}`;
}

/** The invite code of a page's query (`?invite=`), or '' when there is none. */
export function readInviteCode(search: string): string {
  return (new URLSearchParams(search).get(INVITE_CODE_PARAMETER) ?? '').trim();
}

/** A member as people read them: name and email, else whichever is known, else the id. */
export function describeMember(member: Pick<MemberView, 'userId' | 'name' | 'email'>): string {
  if (member.name && member.email && member.name !== member.email) return `${member.name} <${member.email}>`;
  return member.name || member.email || member.userId;
}

type TokenStatus = 'active' | 'expired' | 'revoked';

/** Whether a token still works at `now`. */
export function tokenStatusOf(token: Pick<TokenView, 'revokedAt' | 'expiresAt'>, now: Date): TokenStatus {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** Working tokens first (newest first), then the others (newest first). */
export function sortTokens(tokens: readonly TokenView[], now: Date): TokenView[] {
  const rank = (token: TokenView) => (tokenStatusOf(token, now) === 'active' ? 0 : 1);
  return [...tokens].sort(
    (a, b) =>
      rank(a) - rank(b) || Date.parse(b.createdAt) - Date.parse(a.createdAt) || a.id.localeCompare(b.id),
  );
}

/** The entries of a page appended to those shown, once each (new entries may shift the pages). */
export function appendAuditPage(
  shown: readonly AuditEntryView[],
  page: readonly AuditEntryView[],
): AuditEntryView[] {
  const seen = new Set(shown.map((entry) => entry.id));
  return [...shown, ...page.filter((entry) => !seen.has(entry.id))];
}

function isEnvironmentGrant(value: unknown): value is { environmentId: string; role: string } {
  const grant = value as { environmentId?: unknown; role?: unknown } | null;
  return (
    typeof grant === 'object' &&
    grant !== null &&
    typeof grant.environmentId === 'string' &&
    typeof grant.role === 'string'
  );
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  // Environment grants of invites read as `default: runner`.
  if (Array.isArray(value) && value.every(isEnvironmentGrant)) {
    return value.map((grant) => `${grant.environmentId}: ${grant.role}`).join('; ');
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The details of an audit entry on one line, `key: value` separated by `, ` (empty values left out).
 * @example describeAuditDetails({ kind: 'env', role: 'runner' }) // 'kind: env, role: runner'
 */
export function describeAuditDetails(details: Readonly<Record<string, unknown>>): string {
  return Object.entries(details)
    .filter(
      ([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0),
    )
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join(', ');
}

/**
 * The result of an audited call: the HTTP status when the server noted one, else "ok" (the server
 * writes entries for changes that succeeded).
 */
export function describeAuditResult(entry: Pick<AuditEntryView, 'details'>): string {
  const status = entry.details.status;
  return typeof status === 'number' ? String(status) : 'ok';
}

/** Resource types of the audit log filter, as the server names them. */
export const AUDIT_RESOURCE_TYPES: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Any resource' },
  { value: 'member', label: 'Members' },
  { value: 'invite', label: 'Invites' },
  { value: 'token', label: 'Tokens' },
  { value: 'environment', label: 'Environments' },
  { value: 'organization', label: 'Organization' },
  { value: 'access_request', label: 'Access requests' },
];

/** The problem of an action filter, or undefined: an exact action (`token.created`) or a prefix (`token.`). */
export function checkAuditAction(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > 200) return 'shorten the action to 200 characters at most';
  if (!/^[a-z_]+(\.[a-z_]+)*\.?$/.test(trimmed)) {
    return `"${trimmed}" is not an action: write one such as token.created, or a prefix ending in a dot such as token.`;
  }
  return undefined;
}

/** The audit log filters as the form holds them: `from` and `to` are `datetime-local` values, '' when open. */
export interface AuditFilters {
  readonly resourceType: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The problem of the audit log's time range, or undefined: each end may be left open, and "From" must
 * come before "To".
 * @example checkAuditRange('2026-03-01T10:00', '2026-03-01T09:00') // '“From” is after “To”, …'
 */
export function checkAuditRange(from: string, to: string): string | undefined {
  const ends = [
    { name: 'From', value: from },
    { name: 'To', value: to },
  ].map((end) => ({ ...end, iso: fromLocalInputValue(end.value) }));
  const bad = ends.find((end) => end.value !== '' && end.iso === undefined);
  if (bad !== undefined) {
    return `“${bad.name}” (“${bad.value}”) is not a date and time: pick one in the ${bad.name} box, or clear it.`;
  }
  const [start, stop] = ends.map((end) => (end.iso === undefined ? undefined : Date.parse(end.iso)));
  if (start === undefined || stop === undefined || start < stop) return undefined;
  return start === stop
    ? '“From” and “To” are the same minute, so no entry can fall between them: pick a later “To”.'
    : '“From” is after “To”, so no entry can fall between them: pick an earlier “From” or a later “To”.';
}

/**
 * The query of the audit log for applied filters and a page: empty filters are left out, and the ends
 * of the time range are sent as the instants `after` and `before` (read in the reader's time zone).
 * Check the range with `checkAuditRange` first: an end that is not a date and time is left out.
 * @example toAuditQuery({ resourceType: 'token', action: '', from: '2026-03-01T09:00', to: '' }, { take: 50, skip: 0 })
 */
export function toAuditQuery(
  filters: AuditFilters,
  page: { readonly take: number; readonly skip: number },
): AuditQuery {
  const action = filters.action.trim();
  const after = fromLocalInputValue(filters.from);
  const before = fromLocalInputValue(filters.to);
  return {
    take: page.take,
    skip: page.skip,
    ...(filters.resourceType === '' ? {} : { resourceType: filters.resourceType }),
    ...(action === '' ? {} : { action }),
    ...(after === undefined ? {} : { after }),
    ...(before === undefined ? {} : { before }),
  };
}
