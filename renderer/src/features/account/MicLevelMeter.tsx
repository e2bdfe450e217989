import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { levelOf } from './mic-level';

type MeterProblem = 'denied' | 'missing' | 'no-audio';

/**
 * "Test microphone": opens the chosen microphone and shows its level (Web Audio AnalyserNode). It
 * stops by itself when the Konto tab is left (the panel is hidden, not unmounted) and on "Stop".
 */
export function MicLevelMeter({ inputDeviceId }: { inputDeviceId: string | null }) {
  const { t } = useTranslation();
  const id = useId();
  const [running, setRunning] = useState(false);
  const [level, setLevel] = useState(0);
  const [problem, setProblem] = useState<MeterProblem | null>(null);
  const container = useRef<HTMLDivElement>(null);

  // The Konto tab stays mounted when another tab is chosen: its panel gets `hidden`.
  useEffect(() => {
    const panel = container.current?.closest('[role="tabpanel"]');
    if (!running || !panel) return;
    const observer = new MutationObserver(() => {
      if (panel.hasAttribute('hidden')) setRunning(false);
    });
    observer.observe(panel, { attributes: true, attributeFilter: ['hidden'] });
    return () => observer.disconnect();
  }, [running]);

  useEffect(() => {
    if (!running) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let context: AudioContext | null = null;
    let frame = 0;
    const start = async () => {
      if (typeof AudioContext === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
        setProblem('no-audio');
        setRunning(false);
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: inputDeviceId ? { deviceId: { exact: inputDeviceId } } : true,
          video: false,
        });
      } catch (error) {
        if (stopped) return;
        setProblem(error instanceof Error && error.name === 'NotAllowedError' ? 'denied' : 'missing');
        setRunning(false);
        return;
      }
      if (stopped) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      setProblem(null);
      context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      // Chromium pulls audio only through graphs that reach the destination: a silent gain does.
      const silent = context.createGain();
      silent.gain.value = 0;
      analyser.connect(silent).connect(context.destination);
      const samples = new Float32Array(analyser.fftSize);
      const tick = () => {
        analyser.getFloatTimeDomainData(samples);
        setLevel(levelOf(samples));
        frame = requestAnimationFrame(tick);
      };
      tick();
    };
    void start();
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
      void context?.close().catch(() => {});
      setLevel(0);
    };
  }, [running, inputDeviceId]);

  return (
    <div className="field mic-meter" ref={container}>
      <span className="mic-meter__row">
        <button
          type="button"
          className="button"
          aria-pressed={running}
          data-testid="mic-test"
          onClick={() => setRunning(!running)}
        >
          {running ? t('audio.micTestStop') : t('audio.micTest')}
        </button>
        <label htmlFor={id} className="visually-hidden">
          {t('audio.micLevel')}
        </label>
        <meter
          id={id}
          min={0}
          max={1}
          low={0.25}
          high={0.9}
          optimum={0.6}
          value={level}
          data-testid="mic-level"
          data-running={running}
        />
      </span>
      {running ? <p className="field__hint">{t('audio.micTestHint')}</p> : null}
      {problem ? (
        <p role="alert" className="notice notice--warning">
          {t(
            problem === 'denied'
              ? 'account.microphoneDenied'
              : problem === 'missing'
                ? 'audio.micTestMissing'
                : 'audio.noAudio',
          )}
        </p>
      ) : null}
    </div>
  );
}
