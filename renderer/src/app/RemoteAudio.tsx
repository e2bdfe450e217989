import { useEffect, useRef } from 'react';
import { usePhone } from '../phone/phone-context';
import { useHostState } from './host-context';

/** The playing <audio> element remote speech goes to, on the chosen speaker (setSinkId). */
export function RemoteAudio() {
  const { softphone } = usePhone();
  const { view } = useHostState();
  const element = useRef<HTMLAudioElement>(null);
  const outputDeviceId = view.settings.audio.outputDeviceId;

  useEffect(() => {
    softphone.attachRemoteAudio(element.current);
    return () => softphone.attachRemoteAudio(null);
  }, [softphone]);

  useEffect(() => {
    void softphone.setOutputDevice(outputDeviceId).catch(() => {});
  }, [softphone, outputDeviceId]);

  return <audio ref={element} autoPlay data-testid="remote-audio" hidden />;
}
