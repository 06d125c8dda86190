/**
 * The invite and token forms as plain values: checked field by field (each problem says what to
 * fix), then turned into the API's request bodies. No DOM, so the rules are unit-tested.
 */
import type { EnvironmentRoleView, NewInviteInput, OrganizationRoleView } from '../api/api-types';

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a token or invite stops working: a number of days, never, or the end of a chosen day. */
export const EXPIRY_PRESETS = ['1d', '7d', '30d', '90d', '365d', 'never', 'date'] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];

export const EXPIRY_LABELS: Readonly<Record<ExpiryPreset, string>> = {
  '1d': 'In 1 day',
  '7d': 'In 7 days',
  '30d': 'In 30 days',
  '90d': 'In 90 days',
  '365d': 'In 1 year',
  never: 'Never',
  date: 'On a date…',
};

export interface ExpiryChoice {
  readonly preset: ExpiryPreset;
  /** `YYYY-MM-DD` (the value of a date input), read when `preset` is `date`. */
  readonly date: string;
}

/** A field's problem, as the form shows it under the field. */
export interface DraftProblem {
  readonly message: string;
  readonly severity: 'error';
}

const problem = (message: string): DraftProblem => ({ message, severity: 'error' });

/**
 * The instant an expiry choice means (ISO 8601), `null` for never, or the problem of a bad date.
 * A chosen date lasts until the end of that day, in the reader's time zone.
 * @example resolveExpiry({ preset: '7d', date: '' }, new Date('2026-01-01T00:00:00Z')) // { expiresAt: '2026-01-08T00:00:00.000Z' }
 */
export function resolveExpiry(
  choice: ExpiryChoice,
  now: Date,
): { readonly expiresAt: string | null } | { readonly problem: DraftProblem } {
  if (choice.preset === 'never') return { expiresAt: null };
  if (choice.preset !== 'date') {
    const days = Number(choice.preset.slice(0, -1));
    return { expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString() };
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(choice.date.trim());
  if (!match) return { problem: problem('pick the day it expires (a date such as 2026-12-31)') };
  const [, year, month, day] = match;
  const end = new Date(Number(year), Number(month) - 1, Number(day), 23, 59, 59);
  if (Number.isNaN(end.getTime()) || end.getMonth() !== Number(month) - 1) {
    return {
      problem: problem(`"${choice.date}" is not a date of the calendar: pick one in the date picker`),
    };
  }
  if (end.getTime() <= now.getTime()) {
    return { problem: problem(`${choice.date} is in the past: pick a day from today on, or "Never"`) };
  }
  return { expiresAt: end.toISOString() };
}

// The server's rule for names (`NameSchema`): what people read, without markup or shell characters.
const FORBIDDEN_NAME_CHARACTERS = /[\u0000-\u001f\u007f<>"`\\;{}$]/;

/** The problem of a token name, or undefined when the server will take it. */
export function checkName(name: string, what: string): DraftProblem | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return problem(`give the ${what} a name, e.g. "CI pipeline"`);
  if (trimmed.length > 200)
    return problem(`shorten the name to 200 characters at most (it has ${trimmed.length})`);
  const bad = FORBIDDEN_NAME_CHARACTERS.exec(trimmed)?.[0];
  if (bad !== undefined) {
    const shown = /[\u0000-\u001f\u007f]/.test(bad) ? 'a control character' : `"${bad}"`;
    return problem(`remove ${shown}: names cannot hold control characters nor any of < > " \` \\ ; { } $`);
  }
  return undefined;
}

// The shape browsers accept as an email; the server checks it again.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An invite as the form holds it. */
export interface InviteDraft {
  readonly by: 'email' | 'link';
  readonly email: string;
  readonly role: OrganizationRoleView;
  /** Environment id → role given in it ('' for none). */
  readonly environmentRoles: Readonly<Record<string, EnvironmentRoleView | ''>>;
  readonly expiry: ExpiryChoice;
  /** How many people may join with a link ('' for no limit). */
  readonly maxUses: string;
}

export interface InviteDraftProblems {
  readonly email?: DraftProblem;
  readonly expiry?: DraftProblem;
  readonly maxUses?: DraftProblem;
}

/**
 * The invite's request body, or the problem of each bad field.
 * @example checkInviteDraft({ by: 'email', email: 'ann@example.com', role: 'member', … }, now)
 */
export function checkInviteDraft(
  draft: InviteDraft,
  now: Date,
): { readonly input: NewInviteInput } | { readonly problems: InviteDraftProblems } {
  const problems: { -readonly [K in keyof InviteDraftProblems]: InviteDraftProblems[K] } = {};
  const email = draft.email.trim();
  if (draft.by === 'email') {
    if (email === '') problems.email = problem('type the email address of the person to invite');
    else if (email.length > 320 || !EMAIL.test(email))
      problems.email = problem(`"${email}" is not an email address: write it as name@example.com`);
  }
  const expiry = resolveExpiry(draft.expiry, now);
  if ('problem' in expiry) problems.expiry = expiry.problem;
  const usesText = draft.maxUses.trim();
  let maxUses: number | undefined;
  if (draft.by === 'link' && usesText !== '') {
    if (!/^\d+$/.test(usesText) || Number(usesText) < 1 || Number(usesText) > 1_000_000) {
      problems.maxUses = problem(
        `"${usesText}" is not a use limit: give a whole number from 1 to 1000000, or leave it empty for no limit`,
      );
    } else {
      maxUses = Number(usesText);
    }
  }
  if (Object.keys(problems).length > 0 || 'problem' in expiry) return { problems };
  const environments = Object.entries(draft.environmentRoles).flatMap(([environmentId, role]) =>
    role === '' ? [] : [{ environmentId, role }],
  );
  return {
    input: {
      ...(draft.by === 'email' ? { email } : {}),
      role: draft.role,
      environments,
      ...(expiry.expiresAt === null ? {} : { expiresAt: expiry.expiresAt }),
      ...(maxUses === undefined ? {} : { maxUses }),
    },
  };
}

/** What a token can do, as the token form offers it (the server's token kinds and roles). */
type TokenAccess =
  | { readonly kind: 'org'; readonly role: 'admin' | 'agent' }
  | { readonly kind: 'env'; readonly role: EnvironmentRoleView }
  | { readonly kind: 'agent' };

/** The choices of an environment role select (invites, members); '' takes the access away. */
export const ENVIRONMENT_ROLE_OPTIONS: readonly {
  readonly value: EnvironmentRoleView | '';
  readonly label: string;
}[] = [
  { value: '', label: 'No access' },
  { value: 'runner', label: 'Runner' },
  { value: 'engineer', label: 'Engineer' },
  { value: 'admin', label: 'Admin' },
];

/** The choices of the token form's "Access" select, by the value the select carries. */
const TOKEN_ACCESS_CHOICES: readonly {
  readonly value: string;
  readonly label: string;
  readonly access: TokenAccess;
}[] = [
  {
    value: 'env:runner',
    label: 'Environment runner: read and run tests',
    access: { kind: 'env', role: 'runner' },
  },
  {
    value: 'env:engineer',
    label: 'Environment engineer: edit and run tests, set secrets',
    access: { kind: 'env', role: 'engineer' },
  },
  {
    value: 'env:admin',
    label: 'Environment admin: everything in the environment',
    access: { kind: 'env', role: 'admin' },
  },
  { value: 'agent', label: 'Agent key: connects an agent to the environment', access: { kind: 'agent' } },
  {
    value: 'org:admin',
    label: 'Organization admin: acts as an admin of the organization',
    access: { kind: 'org', role: 'admin' },
  },
  {
    value: 'org:agent',
    label: 'Organization agent: connects agents to any environment',
    access: { kind: 'org', role: 'agent' },
  },
];

/** The token access choices a user may give: organization tokens need an organization admin. */
export function tokenAccessChoicesFor(organizationAdmin: boolean): typeof TOKEN_ACCESS_CHOICES {
  return organizationAdmin
    ? TOKEN_ACCESS_CHOICES
    : TOKEN_ACCESS_CHOICES.filter((choice) => choice.access.kind !== 'org');
}

/** How a token reads in the list: "Environment runner", "Agent key", "Organization admin". */
export function describeTokenAccess(token: { readonly kind: string; readonly role: string }): string {
  if (token.kind === 'agent') return 'Agent key';
  const scope = token.kind === 'org' ? 'Organization' : 'Environment';
  return `${scope} ${token.role}`;
}
