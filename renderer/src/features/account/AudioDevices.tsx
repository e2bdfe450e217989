import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hostErrorMessageKey } from '../../app/error-message';
import { useHostState } from '../../app/host-context';

type Problem = 'denied' | 'missing' | null;

/** Microphone and speaker choice; says clearly when there is no microphone or no permission. */
export function AudioDevices() {
  const { t } = useTranslation();
  const { host, view, setView } = useHostState();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [problem, setProblem] = useState<Problem>(null);
  const micId = useId();
  const speakerId = useId();
  const mediaDevices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;

  const refresh = useCallback(() => {
    if (!mediaDevices?.enumerateDevices) return Promise.resolve();
    return mediaDevices.enumerateDevices().then((list) => {
      setDevices(list);
      if (!list.some((device) => device.kind === 'audioinput')) setProblem('missing');
    });
  }, [mediaDevices]);

  useEffect(() => {
    const onChange = () => void refresh();
    onChange();
    mediaDevices?.addEventListener?.('devicechange', onChange);
    return () => mediaDevices?.removeEventListener?.('devicechange', onChange);
  }, [mediaDevices, refresh]);

  const allow = async () => {
    try {
      const stream = await mediaDevices?.getUserMedia({ audio: true, video: false });
      stream?.getTracks().forEach((track) => track.stop());
      setProblem(null);
      await refresh();
    } catch (error) {
      setProblem(error instanceof Error && error.name === 'NotAllowedError' ? 'denied' : 'missing');
    }
  };

  const [saveError, setSaveError] = useState<string | null>(null);
  const choose = async (field: 'inputDeviceId' | 'outputDeviceId', value: string) => {
    const result = await host.updatePreferences({ audio: { [field]: value === '' ? null : value } });
    if (result.ok) setView(result.value);
    setSaveError(result.ok ? null : hostErrorMessageKey(result.error));
  };

  const inputs = devices.filter((device) => device.kind === 'audioinput');
  const outputs = devices.filter((device) => device.kind === 'audiooutput');
  const unlabelled = devices.length > 0 && devices.every((device) => device.label === '');

  return (
    <section aria-labelledby="audio-heading" className="audio-devices">
      <h3 id="audio-heading">{t('account.audioHeading')}</h3>
      <div className="field">
        <label htmlFor={micId}>{t('account.microphone')}</label>
        <select
          id={micId}
          value={view.settings.audio.inputDeviceId ?? ''}
          onChange={(event) => void choose('inputDeviceId', event.target.value)}
        >
          <option value="">{t('account.defaultDevice')}</option>
          {inputs.map((device, index) => (
            <option key={device.deviceId || index} value={device.deviceId}>
              {device.label || `${t('account.microphone')} ${index + 1}`}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={speakerId}>{t('account.speaker')}</label>
        <select
          id={speakerId}
          value={view.settings.audio.outputDeviceId ?? ''}
          onChange={(event) => void choose('outputDeviceId', event.target.value)}
        >
          <option value="">{t('account.defaultDevice')}</option>
          {outputs.map((device, index) => (
            <option key={device.deviceId || index} value={device.deviceId}>
              {device.label || `${t('account.speaker')} ${index + 1}`}
            </option>
          ))}
        </select>
      </div>
      {unlabelled ? (
        <button type="button" className="button" onClick={() => void allow()}>
          {t('account.allowMicrophone')}
        </button>
      ) : null}
      {saveError ? (
        <p role="alert" className="field__error">
          {t(saveError)}
        </p>
      ) : null}
      {problem ? (
        <p role="alert" className="notice notice--warning">
          {t(problem === 'denied' ? 'account.microphoneDenied' : 'account.microphoneMissing')}
        </p>
      ) : null}
    </section>
  );
}
