import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  acceleratorFromKeyPress,
  normaliseAccelerator,
  sameAccelerator,
} from '../../../../shared/host/accelerator';
import type { HotkeyOutcome, HotkeyRegistration } from '../../../../shared/ipc/contract';
import { useHostState } from '../../app/host-context';
import { useSavePreferences } from './use-preferences';

type Field = 'answer' | 'hangUp';

/** How a combination is shown: `CommandOrControl` as the key this system has. */
export function displayAccelerator(accelerator: string, platform: string): string {
  return accelerator.replace('CommandOrControl', platform === 'darwin' ? 'Cmd' : 'Ctrl');
}

/**
 * The global hotkeys (answer, hang up): off by default; each combination is typed by pressing it in
 * its field. After saving, each says whether it works, or that another application holds it.
 */
export function HotkeysForm() {
  const { t } = useTranslation();
  const { host, view, appInfo } = useHostState();
  const { save, error } = useSavePreferences();
  const saved = view.settings.desktop.hotkeys;
  const [enabled, setEnabled] = useState(saved.enabled);
  const [keys, setKeys] = useState<Record<Field, string>>({ answer: saved.answer, hangUp: saved.hangUp });
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [registration, setRegistration] = useState<HotkeyRegistration | null>(null);
  const enabledId = useId();

  // What is registered now (the app registers them at start).
  useEffect(() => {
    let current = true;
    void host.applyHotkeys().then((result) => current && result.ok && setRegistration(result.value));
    return () => {
      current = false;
    };
  }, [host]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    for (const field of ['answer', 'hangUp'] as const)
      if (!normaliseAccelerator(keys[field])) found[field] = 'desktop.hotkeyInvalid';
    if (!found.hangUp && sameAccelerator(keys.answer, keys.hangUp)) found.hangUp = 'desktop.hotkeyDuplicate';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const ok = await save({
      desktop: {
        hotkeys: {
          enabled,
          answer: normaliseAccelerator(keys.answer) ?? keys.answer,
          hangUp: normaliseAccelerator(keys.hangUp) ?? keys.hangUp,
        },
      },
    });
    if (!ok) return;
    const result = await host.applyHotkeys();
    setRegistration(result.ok ? result.value : null);
  };

  const record = (field: Field) => (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Tab') return; // Tab still moves on.
    event.preventDefault();
    const accelerator = acceleratorFromKeyPress(event);
    if (accelerator) {
      setKeys((current) => ({ ...current, [field]: accelerator }));
      setProblems((current) => ({ ...current, [field]: undefined }));
    } else if (!['Control', 'Shift', 'Alt', 'Meta', 'AltGraph'].includes(event.key)) {
      setProblems((current) => ({ ...current, [field]: 'desktop.hotkeyInvalid' }));
    }
  };

  return (
    <form className="hotkeys" onSubmit={(event) => void submit(event)} noValidate data-testid="hotkeys-form">
      <h4>{t('desktop.hotkeysHeading')}</h4>
      <p className="field__hint">{t('desktop.hotkeysIntro')}</p>
      <div className="field field--check">
        <input
          id={enabledId}
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
        />
        <label htmlFor={enabledId}>{t('desktop.hotkeysEnabled')}</label>
      </div>
      {(['answer', 'hangUp'] as const).map((field) => (
        <HotkeyField
          key={field}
          label={t(field === 'answer' ? 'desktop.hotkeyAnswer' : 'desktop.hotkeyHangUp')}
          value={displayAccelerator(keys[field], appInfo.platform)}
          disabled={!enabled}
          onKeyDown={record(field)}
          problem={problems[field] ? t(problems[field]) : undefined}
          outcome={enabled && registration && saved.enabled ? registration[field] : null}
        />
      ))}
      <button type="submit" className="button">
        {t('desktop.hotkeysSave')}
      </button>
      {error ? (
        <p role="alert" className="field__error">
          {t(error)}
        </p>
      ) : null}
    </form>
  );
}

const OUTCOME_TEXT: Record<HotkeyOutcome, string> = {
  registered: 'desktop.hotkeyRegistered',
  taken: 'desktop.hotkeyTaken',
  invalid: 'desktop.hotkeyInvalid',
  duplicate: 'desktop.hotkeyDuplicate',
  off: 'desktop.hotkeyOff',
  unsupported: 'desktop.hotkeyUnsupported',
};

function HotkeyField(props: {
  label: string;
  value: string;
  disabled: boolean;
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
  problem: string | undefined;
  outcome: HotkeyOutcome | null;
}) {
  const { t } = useTranslation();
  const id = useId();
  const trouble = props.outcome !== null && props.outcome !== 'registered' && props.outcome !== 'off';
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        readOnly
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.problem !== undefined}
        aria-describedby={`${id}-hint`}
        onKeyDown={props.onKeyDown}
      />
      <p id={`${id}-hint`} className="field__hint">
        {t('desktop.hotkeyPressHint')}
      </p>
      {props.problem ? (
        <p role="alert" className="field__error">
          {props.problem}
        </p>
      ) : null}
      {props.outcome ? (
        <p
          role={trouble ? 'alert' : 'status'}
          className={trouble ? 'notice notice--warning' : 'field__hint'}
          data-testid="hotkey-outcome"
        >
          {t(OUTCOME_TEXT[props.outcome])}
        </p>
      ) : null}
    </div>
  );
}
