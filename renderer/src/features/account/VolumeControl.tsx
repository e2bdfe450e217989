import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { useSavePreferences } from './use-preferences';

/** The call audio's volume (0–100 %), applied to the remote audio element (RemoteAudio.tsx). */
export function VolumeControl() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { save, error } = useSavePreferences();
  const id = useId();
  const saved = Math.round(view.settings.audio.outputVolume * 100);
  // The slider moves at once; the setting is saved when it is let go (or by each arrow key).
  const [draft, setDraft] = useState<number | null>(null);
  const percent = draft ?? saved;
  const commit = () => {
    if (draft === null) return;
    setDraft(null);
    if (draft !== saved) void save({ audio: { outputVolume: draft / 100 } });
  };
  return (
    <div className="field">
      <label htmlFor={id}>{t('audio.volume')}</label>
      <div className="volume">
        <input
          id={id}
          type="range"
          min={0}
          max={100}
          step={5}
          value={percent}
          aria-valuetext={`${percent} %`}
          onChange={(event) => setDraft(Number(event.target.value))}
          onPointerUp={commit}
          onKeyUp={commit}
          onBlur={commit}
        />
        <output htmlFor={id}>{percent} %</output>
      </div>
      {error ? (
        <p role="alert" className="field__error">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}
