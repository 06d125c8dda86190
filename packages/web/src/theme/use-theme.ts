/**
 * Light and dark themes. The system's preference (`prefers-color-scheme`) decides until the person
 * picks one with the toggle; the pick is remembered in this browser.
 */
import { useCallback, useEffect, useState } from 'react';

export type ThemeName = 'light' | 'dark';

const STORAGE_KEY = 'tracecheck.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The theme to show: the stored pick when there is a valid one, else the system's preference. */
export function resolveTheme(stored: string | null, systemPrefersDark: boolean): ThemeName {
  if (stored === 'light' || stored === 'dark') return stored;
  return systemPrefersDark ? 'dark' : 'light';
}

function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private modes, policies): the system preference decides then.
    return null;
  }
}

/** Sets the theme on the document before the first render, so the page never flashes the other one. */
export function applyInitialTheme(): void {
  document.documentElement.dataset.theme = resolveTheme(readStored(), window.matchMedia(DARK_QUERY).matches);
}

/** The current theme and a setter that remembers the pick. */
export function useTheme(): readonly [ThemeName, (theme: ThemeName) => void] {
  const [theme, setThemeState] = useState<ThemeName>(() =>
    resolveTheme(readStored(), window.matchMedia(DARK_QUERY).matches),
  );
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    // Follow the system while the person has not picked a theme.
    const media = window.matchMedia(DARK_QUERY);
    const onChange = () => {
      if (readStored() === null) setThemeState(media.matches ? 'dark' : 'light');
    };
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  const setTheme = useCallback((next: ThemeName) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; the theme still changes for this page.
    }
    setThemeState(next);
  }, []);
  return [theme, setTheme] as const;
}
