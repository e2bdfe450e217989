import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { hostErrorMessageKey } from '../../app/error-message';
import { useHostState } from '../../app/host-context';
import { usePhone } from '../../phone/phone-context';

type Problem = 'denied' | 'missing' | null;

/** Microphone and speaker choice; says clearly when there is no microphone or no permission. */
export function AudioDevices() {
  const { t } = useTranslation();
  const { host, view, setView } = useHostState();
  const { microphoneSwitchFailed } = usePhone();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [problem, setProblem] = useState<Problem>(null);
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
      <DeviceSelect
        label={t('account.microphone')}
        devices={inputs}
        value={view.settings.audio.inputDeviceId}
        onChoose={(value) => void choose('inputDeviceId', value)}
      />
      <DeviceSelect
        label={t('account.speaker')}
        devices={outputs}
        value={view.settings.audio.outputDeviceId}
        onChoose={(value) => void choose('outputDeviceId', value)}
      />
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
      {microphoneSwitchFailed ? (
        <p role="alert" className="notice notice--warning" data-testid="microphone-switch-failed">
          {t('account.microphoneSwitchFailed')}
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

/** One labelled device list; "" stands for the system default. Unlabelled devices get a numbered name. */
function DeviceSelect(props: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string | null;
  onChoose: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value ?? ''} onChange={(event) => props.onChoose(event.target.value)}>
        <option value="">{t('account.defaultDevice')}</option>
        {props.devices.map((device, index) => (
          <option key={device.deviceId || index} value={device.deviceId}>
            {device.label || `${props.label} ${index + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}
