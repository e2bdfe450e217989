import { useCallback, useState } from 'react';
import type { PreferencesPatch } from '../../../../shared/settings/schema';
import { hostErrorMessageKey } from '../../app/error-message';
import { useHostState } from '../../app/host-context';

/** Saves a settings patch through the host; the error (an i18n key) says why it was not saved. */
export function useSavePreferences(): {
  save(patch: PreferencesPatch): Promise<boolean>;
  error: string | null;
} {
  const { host, setView } = useHostState();
  const [error, setError] = useState<string | null>(null);
  const save = useCallback(
    async (patch: PreferencesPatch) => {
      const result = await host.updatePreferences(patch);
      if (result.ok) setView(result.value);
      setError(result.ok ? null : hostErrorMessageKey(result.error));
      return result.ok;
    },
    [host, setView],
  );
  return { save, error };
}
