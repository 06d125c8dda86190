import { describe, expect, it } from 'vitest';
import type { AuditEntryView, TokenView } from '../api/api-types';
import {
  appendAuditPage,
  checkAuditAction,
  checkAuditRange,
  describeAuditDetails,
  describeAuditResult,
  describeMember,
  inviteLinkOf,
  readInviteCode,
  sortTokens,
  toAuditQuery,
  tokenStatusOf,
} from './admin-lists';

const NOW = new Date('2026-03-10T12:00:00Z');

function token(id: string, change: Partial<TokenView> = {}): TokenView {
  return {
    id,
    kind: 'env',
    name: id,
    role: 'runner',
    environmentId: 'default',
    displayPrefix: 'tce_abcd',
    createdBy: 'u1',
    createdAt: '2026-03-01T00:00:00Z',
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...change,
  };
}

function entry(id: number): AuditEntryView {
  return {
    id,
    environmentId: null,
    actor: { type: 'user', id: 'u1', display: 'Ann' },
    action: 'token.created',
    resourceType: 'token',
    resourceId: `t${id}`,
    ip: null,
    userAgent: null,
    at: '2026-03-01T00:00:00Z',
    details: {},
  };
}

describe('invite links', () => {
  it('open the members settings with the code, and the code reads back', () => {
    const link = inviteLinkOf('https://tc.example.com/', 'tci_a+b/c');
    expect(link).toBe('https://tc.example.com/settings/members?invite=tci_a%2Bb%2Fc');
    expect(readInviteCode(new URL(link).search)).toBe('tci_a+b/c');
    expect(readInviteCode('?other=1')).toBe('');
  });
});

describe('describeMember', () => {
  it('reads name and email, else what is known', () => {
    expect(describeMember({ userId: 'u1', name: 'Ann', email: 'ann@example.com' })).toBe(
      'Ann <ann@example.com>',
    );
    expect(describeMember({ userId: 'u1', name: null, email: 'ann@example.com' })).toBe('ann@example.com');
    expect(describeMember({ userId: 'u1', name: null, email: null })).toBe('u1');
  });
});

describe('tokens', () => {
  it('are active, expired or revoked', () => {
    expect(tokenStatusOf(token('a'), NOW)).toBe('active');
    expect(tokenStatusOf(token('a', { expiresAt: '2026-03-10T12:00:00Z' }), NOW)).toBe('expired');
    expect(tokenStatusOf(token('a', { expiresAt: '2027-01-01T00:00:00Z' }), NOW)).toBe('active');
    expect(tokenStatusOf(token('a', { revokedAt: '2026-03-02T00:00:00Z' }), NOW)).toBe('revoked');
  });

  it('sort working ones first, newest first', () => {
    const sorted = sortTokens(
      [
        token('old', { createdAt: '2026-01-01T00:00:00Z' }),
        token('revoked', { createdAt: '2026-03-05T00:00:00Z', revokedAt: '2026-03-06T00:00:00Z' }),
        token('new', { createdAt: '2026-03-04T00:00:00Z' }),
      ],
      NOW,
    );
    expect(sorted.map((item) => item.id)).toEqual(['new', 'old', 'revoked']);
  });
});

describe('audit log', () => {
  it('appends a page once per entry', () => {
    expect(appendAuditPage([entry(3), entry(2)], [entry(2), entry(1)]).map((item) => item.id)).toEqual([
      3, 2, 1,
    ]);
  });

  it('reads details on one line, leaving empty values out', () => {
    expect(
      describeAuditDetails({
        kind: 'env',
        role: 'runner',
        expiresAt: null,
        environments: [],
        grants: [{ a: 1 }],
      }),
    ).toBe('kind: env, role: runner, grants: [{"a":1}]');
    expect(
      describeAuditDetails({
        environments: [
          { environmentId: 'default', role: 'runner' },
          { environmentId: 'staging', role: 'admin' },
        ],
      }),
    ).toBe('environments: default: runner; staging: admin');
  });

  it('gives the status of an audited call, else ok', () => {
    expect(describeAuditResult({ details: { status: 204 } })).toBe('204');
    expect(describeAuditResult({ details: {} })).toBe('ok');
  });

  it.each([
    ['', undefined],
    ['token.created', undefined],
    ['token.', undefined],
    ['access_request.approved', undefined],
    ['Token created', /"Token created" is not an action/],
    ['token..x', /is not an action/],
  ])('checks the action filter %j', (text, expected) => {
    const problem = checkAuditAction(text);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ['', '', undefined],
    ['2026-03-01T09:00', '', undefined],
    ['', '2026-03-01T09:00', undefined],
    ['2026-03-01T09:00', '2026-03-01T09:01', undefined],
    [
      '2026-03-01T10:00',
      '2026-03-01T09:00',
      /^“From” is after “To”, .*pick an earlier “From” or a later “To”/,
    ],
    ['2026-03-01T09:00', '2026-03-01T09:00', /^“From” and “To” are the same minute, .*pick a later “To”/],
    ['2026-03-01', '', /^“From” \(“2026-03-01”\) is not a date and time: pick one in the From box/],
    ['', 'soon', /^“To” \(“soon”\) is not a date and time/],
  ])('checks the time range from %j to %j', (from, to, expected) => {
    const problem = checkAuditRange(from, to);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('builds the query of the applied filters, leaving empty ones out', () => {
    const page = { take: 50, skip: 100 };
    expect(toAuditQuery({ resourceType: '', action: '', from: '', to: '' }, page)).toEqual({
      take: 50,
      skip: 100,
    });
    expect(
      toAuditQuery(
        { resourceType: 'token', action: ' token. ', from: '2026-03-01T09:00', to: '2026-03-02T18:30' },
        page,
      ),
    ).toEqual({
      take: 50,
      skip: 100,
      resourceType: 'token',
      action: 'token.',
      // The boxes read in the reader's time zone; the API takes instants.
      after: new Date(2026, 2, 1, 9, 0).toISOString(),
      before: new Date(2026, 2, 2, 18, 30).toISOString(),
    });
    expect(toAuditQuery({ resourceType: '', action: '', from: '', to: '2026-03-02T18:30' }, page)).toEqual({
      take: 50,
      skip: 100,
      before: new Date(2026, 2, 2, 18, 30).toISOString(),
    });
  });
});
