import { describe, expect, it } from 'vitest';
import { resolveTheme } from './use-theme';

describe('resolveTheme', () => {
  it.each([
    { stored: null, systemDark: false, theme: 'light' },
    { stored: null, systemDark: true, theme: 'dark' },
    { stored: 'light', systemDark: true, theme: 'light' },
    { stored: 'dark', systemDark: false, theme: 'dark' },
    { stored: 'purple', systemDark: true, theme: 'dark' },
  ])('with $stored stored and a dark system $systemDark is $theme', ({ stored, systemDark, theme }) => {
    expect(resolveTheme(stored, systemDark)).toBe(theme);
  });
});
