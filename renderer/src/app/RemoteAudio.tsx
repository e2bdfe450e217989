import { useEffect, useRef } from 'react';
import { usePhone } from '../phone/phone-context';
import { useHostState } from './host-context';

/** The playing <audio> element remote speech goes to, on the chosen speaker (setSinkId) at the chosen volume. */
export function RemoteAudio() {
  const { softphone } = usePhone();
  const { view } = useHostState();
  const element = useRef<HTMLAudioElement>(null);
  const outputDeviceId = view.settings.audio.outputDeviceId;
  const volume = view.settings.audio.outputVolume;

  useEffect(() => {
    softphone.attachRemoteAudio(element.current);
    return () => softphone.attachRemoteAudio(null);
  }, [softphone]);

  useEffect(() => {
    void softphone.setOutputDevice(outputDeviceId).catch(() => {});
  }, [softphone, outputDeviceId]);

  // The call's volume (Konto → Audio); the element keeps it when a call's stream is attached.
  useEffect(() => {
    if (element.current) element.current.volume = volume;
  }, [volume]);

  return <audio ref={element} autoPlay data-testid="remote-audio" hidden />;
}
