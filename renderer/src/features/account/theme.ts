import { useEffect, useSyncExternalStore } from 'react';
import type { ThemePreference } from '../../../../shared/settings/schema';

export type Theme = 'light' | 'dark';

/** The theme shown: the setting, or the system's (`prefers-color-scheme`) for `system`. */
export function resolveTheme(preference: ThemePreference, systemDark: boolean): Theme {
  if (preference === 'system') return systemDark ? 'dark' : 'light';
  return preference;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribe(listener: () => void): () => void {
  const query = window.matchMedia?.(DARK_QUERY);
  query?.addEventListener('change', listener);
  return () => query?.removeEventListener('change', listener);
}

/** Follows the system's colour scheme as it changes (false where matchMedia is missing, e.g. jsdom). */
export function useSystemDark(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia?.(DARK_QUERY).matches ?? false,
    () => false,
  );
}

/** Sets `data-theme` on <html>; styles.css picks the colours from it. */
export function useAppliedTheme(preference: ThemePreference): Theme {
  const theme = resolveTheme(preference, useSystemDark());
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}

/** The theme choices in the order the Konto tab lists them. */
export const THEMES_IN_ORDER: readonly ThemePreference[] = ['system', 'light', 'dark'];
