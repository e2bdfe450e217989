import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { useSavePreferences } from './use-preferences';

/**
 * Do not disturb, one press away (the header; in Electron the tray has it too). The phone refuses
 * incoming calls while it is on (softphone.ts) and Verlauf lists them.
 */
export function DndToggle() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { save, error } = useSavePreferences();
  const on = view.settings.calls.doNotDisturb;
  return (
    <>
      <button
        type="button"
        className={`button dnd-toggle${on ? ' dnd-toggle--on' : ''}`}
        aria-pressed={on}
        data-testid="dnd-toggle"
        onClick={() => void save({ calls: { doNotDisturb: !on } })}
      >
        {t('desktop.dnd')}
      </button>
      {error ? (
        <span role="alert" className="field__error">
          {t(error)}
        </span>
      ) : null}
    </>
  );
}
