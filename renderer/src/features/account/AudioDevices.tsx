import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from '../../app/host-context';
import { usePhone } from '../../phone/phone-context';
import { canChooseSpeaker, isMissingDevice } from './audio-devices';
import { EchoTest } from './EchoTest';
import { MicLevelMeter } from './MicLevelMeter';
import { RingerSettings } from './RingerSettings';
import { useSavePreferences } from './use-preferences';
import { VolumeControl } from './VolumeControl';

type Problem = 'denied' | 'missing' | null;

/**
 * Microphone, speaker and ringer choice, volume, level meter, ring tone and the echo test; says
 * clearly when there is no microphone, no permission, a chosen device is gone or the speaker cannot
 * be chosen here.
 */
export function AudioDevices() {
  const { t } = useTranslation();
  const { view } = useHostState();
  const { microphoneSwitchFailed } = usePhone();
  const { save, error: saveError } = useSavePreferences();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [problem, setProblem] = useState<Problem>(null);
  const mediaDevices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  const audio = view.settings.audio;

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

  const choose = (field: 'inputDeviceId' | 'outputDeviceId' | 'ringerDeviceId', value: string) =>
    void save({ audio: { [field]: value === '' ? null : value } });

  const inputs = devices.filter((device) => device.kind === 'audioinput');
  const outputs = devices.filter((device) => device.kind === 'audiooutput');
  const unlabelled = devices.length > 0 && devices.every((device) => device.label === '');
  const speakerChoice = canChooseSpeaker();

  return (
    <section aria-labelledby="audio-heading" className="audio-devices">
      <h3 id="audio-heading">{t('account.audioHeading')}</h3>
      <DeviceSelect
        label={t('account.microphone')}
        devices={inputs}
        value={audio.inputDeviceId}
        missing={isMissingDevice(audio.inputDeviceId, inputs)}
        onChoose={(value) => choose('inputDeviceId', value)}
      />
      <MicLevelMeter
        inputDeviceId={isMissingDevice(audio.inputDeviceId, inputs) ? null : audio.inputDeviceId}
      />
      <DeviceSelect
        label={t('account.speaker')}
        devices={outputs}
        value={audio.outputDeviceId}
        missing={isMissingDevice(audio.outputDeviceId, outputs)}
        onChoose={(value) => choose('outputDeviceId', value)}
      />
      <VolumeControl />
      <DeviceSelect
        label={t('audio.ringer')}
        defaultLabel={t('audio.ringerSameAsSpeaker')}
        devices={outputs}
        value={audio.ringerDeviceId}
        missing={isMissingDevice(audio.ringerDeviceId, outputs)}
        onChoose={(value) => choose('ringerDeviceId', value)}
      />
      {speakerChoice ? null : (
        <p className="notice notice--warning" data-testid="sink-unsupported">
          {t('audio.sinkUnsupported')}
        </p>
      )}
      <RingerSettings />
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
      <EchoTest />
    </section>
  );
}

/**
 * One labelled device list; "" stands for the default. Unlabelled devices get a numbered name. A
 * saved device that is not connected stays selected, marked as such, with a note under the list.
 */
function DeviceSelect(props: {
  label: string;
  defaultLabel?: string;
  devices: MediaDeviceInfo[];
  value: string | null;
  missing: boolean;
  disabled?: boolean;
  onChoose: (value: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value ?? ''}
        disabled={props.disabled}
        aria-describedby={props.missing ? `${id}-missing` : undefined}
        onChange={(event) => props.onChoose(event.target.value)}
      >
        <option value="">{props.defaultLabel ?? t('account.defaultDevice')}</option>
        {props.devices.map((device, index) => (
          <option key={device.deviceId || index} value={device.deviceId}>
            {device.label || `${props.label} ${index + 1}`}
          </option>
        ))}
        {props.missing && props.value ? (
          <option value={props.value}>{t('audio.deviceGoneOption')}</option>
        ) : null}
      </select>
      {props.missing ? (
        <p id={`${id}-missing`} role="alert" className="notice notice--warning" data-testid="device-missing">
          {t('audio.deviceGone', { device: props.label })}
        </p>
      ) : null}
    </div>
  );
}
