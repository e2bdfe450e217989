import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RING_TONES, type RingTone } from '../../../../shared/settings/schema';
import { useHostState } from '../../app/host-context';
import { Tones, type RingerProblem } from '../../sip/tones';
import { useSavePreferences } from './use-preferences';

/** The ring tone choice with a preview on the ringer device (one round of the tone). */
export function RingerSettings() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { save, error } = useSavePreferences();
  const id = useId();
  const [tones] = useState(() => new Tones());
  const [problem, setProblem] = useState<RingerProblem | null>(null);
  const [played, setPlayed] = useState(false);
  const audio = view.settings.audio;
  useEffect(() => () => tones.stop(), [tones]);

  const preview = async (tone: RingTone) => {
    setPlayed(false);
    const result = await tones.preview({ tone, deviceId: audio.ringerDeviceId ?? audio.outputDeviceId });
    setProblem(result);
    setPlayed(true);
  };

  return (
    <div className="field">
      <label htmlFor={id}>{t('audio.ringTone')}</label>
      <span className="ring-tone">
        <select
          id={id}
          value={audio.ringTone}
          data-testid="ring-tone"
          onChange={(event) => void save({ audio: { ringTone: event.target.value as RingTone } })}
        >
          {RING_TONES.map((tone) => (
            <option key={tone} value={tone}>
              {t(`audio.ringTones.${tone}`)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button"
          data-testid="ring-preview"
          onClick={() => void preview(audio.ringTone)}
        >
          {t('audio.ringPreview')}
        </button>
      </span>
      <p role="status" className="field__hint" data-testid="ring-preview-result">
        {played && !problem ? t('audio.ringPreviewPlayed') : ''}
      </p>
      {problem ? (
        <p role="alert" className="notice notice--warning" data-testid="ring-preview-problem">
          {t(`audio.ringerProblems.${problem}`)}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="field__error">
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}
