import { describe, expect, it } from 'vitest';
import {
  checkInviteDraft,
  checkName,
  describeTokenAccess,
  type InviteDraft,
  resolveExpiry,
  tokenAccessChoicesFor,
} from './admin-drafts';

const NOW = new Date('2026-03-10T12:00:00Z');

const draft: InviteDraft = {
  by: 'email',
  email: ' ann@example.com ',
  role: 'member',
  environmentRoles: { default: 'runner', staging: '' },
  expiry: { preset: '7d', date: '' },
  maxUses: '',
};

describe('resolveExpiry', () => {
  it('adds the days of a preset to now', () => {
    expect(resolveExpiry({ preset: '7d', date: '' }, NOW)).toEqual({ expiresAt: '2026-03-17T12:00:00.000Z' });
    expect(resolveExpiry({ preset: '365d', date: '' }, NOW)).toEqual({
      expiresAt: '2027-03-10T12:00:00.000Z',
    });
  });

  it('gives null for never', () => {
    expect(resolveExpiry({ preset: 'never', date: '' }, NOW)).toEqual({ expiresAt: null });
  });

  it('lasts until the end of a chosen day, in the local time zone', () => {
    const result = resolveExpiry({ preset: 'date', date: '2026-12-31' }, NOW);
    expect(result).toEqual({ expiresAt: new Date(2026, 11, 31, 23, 59, 59).toISOString() });
  });

  it.each([
    ['', /pick the day it expires/],
    ['31/12/2026', /pick the day it expires/],
    ['2026-02-30', /"2026-02-30" is not a date of the calendar/],
    ['2020-01-01', /2020-01-01 is in the past: pick a day from today on, or "Never"/],
  ])('refuses the date %j, saying what to do', (date, message) => {
    const result = resolveExpiry({ preset: 'date', date }, NOW);
    expect('problem' in result && result.problem.message).toMatch(message);
  });
});

describe('checkName', () => {
  it('takes a readable name', () => {
    expect(checkName('  CI pipeline ', 'token')).toBeUndefined();
  });

  it.each([
    ['', /give the token a name/],
    ['   ', /give the token a name/],
    ['x'.repeat(201), /200 characters at most \(it has 201\)/],
    ['rm -rf; echo', /remove ";"/],
    ['a<b>', /remove "<"/],
    ['tab\there', /remove a control character/],
  ])('refuses %j', (name, message) => {
    expect(checkName(name, 'token')?.message).toMatch(message);
  });
});

describe('checkInviteDraft', () => {
  it('builds an email invite with its environment roles and expiry', () => {
    expect(checkInviteDraft(draft, NOW)).toEqual({
      input: {
        email: 'ann@example.com',
        role: 'member',
        environments: [{ environmentId: 'default', role: 'runner' }],
        expiresAt: '2026-03-17T12:00:00.000Z',
      },
    });
  });

  it('builds a link invite with a use limit and no expiry', () => {
    expect(
      checkInviteDraft(
        { ...draft, by: 'link', email: 'ignored', maxUses: ' 5 ', expiry: { preset: 'never', date: '' } },
        NOW,
      ),
    ).toEqual({
      input: { role: 'member', environments: [{ environmentId: 'default', role: 'runner' }], maxUses: 5 },
    });
  });

  it('reports every bad field at once', () => {
    const result = checkInviteDraft(
      { ...draft, email: 'ann@', expiry: { preset: 'date', date: '2020-01-01' } },
      NOW,
    );
    expect(result).toEqual({
      problems: {
        email: { message: '"ann@" is not an email address: write it as name@example.com', severity: 'error' },
        expiry: expect.objectContaining({ message: expect.stringMatching(/in the past/) }),
      },
    });
  });

  it('asks for an email address, and a whole use limit', () => {
    expect(checkInviteDraft({ ...draft, email: '' }, NOW)).toMatchObject({
      problems: { email: { message: 'type the email address of the person to invite' } },
    });
    for (const maxUses of ['0', '2.5', 'ten', '1000001']) {
      expect(checkInviteDraft({ ...draft, by: 'link', maxUses }, NOW)).toMatchObject({
        problems: { maxUses: { message: expect.stringMatching(/whole number from 1 to 1000000/) } },
      });
    }
  });
});

describe('token access', () => {
  it('offers organization tokens to organization admins only', () => {
    expect(tokenAccessChoicesFor(true).some((choice) => choice.access.kind === 'org')).toBe(true);
    expect(tokenAccessChoicesFor(false).map((choice) => choice.value)).toEqual([
      'env:runner',
      'env:engineer',
      'env:admin',
      'agent',
    ]);
  });

  it('reads a token kind and role as people say them', () => {
    expect(describeTokenAccess({ kind: 'org', role: 'admin' })).toBe('Organization admin');
    expect(describeTokenAccess({ kind: 'env', role: 'runner' })).toBe('Environment runner');
    expect(describeTokenAccess({ kind: 'agent', role: 'agent' })).toBe('Agent key');
  });
});
