import { describe, expect, it } from 'vitest';
import { loginUrlReturningTo, parseStoredScope } from './auth-scope';

describe('parseStoredScope', () => {
  it('keeps the organization and environment ids', () => {
    expect(parseStoredScope('{"organizationId":"o1","environmentId":"e1"}')).toEqual({
      organizationId: 'o1',
      environmentId: 'e1',
    });
  });

  it('ignores missing, foreign and broken values', () => {
    expect(parseStoredScope(null)).toEqual({});
    expect(parseStoredScope('{"organizationId":3,"environmentId":""}')).toEqual({});
    expect(parseStoredScope('not json')).toEqual({});
    expect(parseStoredScope('null')).toEqual({});
  });
});

describe('loginUrlReturningTo', () => {
  it('adds the page to come back to', () => {
    expect(loginUrlReturningTo('http://ui/api/auth/login/github', '/test/a/run/1/test?x=1')).toBe(
      'http://ui/api/auth/login/github?returnTo=%2Ftest%2Fa%2Frun%2F1%2Ftest%3Fx%3D1',
    );
  });

  it('never sends the user to another site', () => {
    expect(loginUrlReturningTo('http://ui/login', '//evil.example/')).toBe('http://ui/login');
    expect(loginUrlReturningTo('http://ui/login', 'https://evil.example/')).toBe('http://ui/login');
  });
});
