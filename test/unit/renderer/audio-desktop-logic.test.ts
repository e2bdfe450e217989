import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { echoServiceNumber, isMissingDevice } from '../../../renderer/src/features/account/audio-devices';
import {
  desktopStateOf,
  desktopStatusOf,
  hangUpActionOf,
  ringingCallOf,
} from '../../../renderer/src/features/account/desktop-status';
import { levelOf } from '../../../renderer/src/features/account/mic-level';
import { resolveTheme } from '../../../renderer/src/features/account/theme';
import { initialCall } from '../../../renderer/src/sip/call-machine';
import type { CallView } from '../../../renderer/src/sip/softphone';
import { RING_TONE_PATTERNS, routeToDevice } from '../../../renderer/src/sip/tones';
import { samplePolicy } from '../../support/sample-policy';

describe('microphone level', () => {
  it('maps RMS on a -60…0 dB scale', () => {
    expect(levelOf(new Float32Array(256))).toBe(0);
    expect(levelOf(new Float32Array(256).fill(1))).toBe(1);
    expect(levelOf(new Float32Array(256).fill(0.0005))).toBe(0);
    expect(levelOf(new Float32Array(256).fill(10 ** (-30 / 20)))).toBeCloseTo(0.5, 5);
    // A sine of amplitude 1 has an RMS of 1/√2: -3 dB.
    const sine = Float32Array.from({ length: 1000 }, (_, i) => Math.sin((2 * Math.PI * i) / 100));
    expect(levelOf(sine)).toBeCloseTo(1 - 3.0103 / 60, 3);
    expect(levelOf(new Float32Array(0))).toBe(0);
  });
});

describe('theme', () => {
  it('follows the system only when set to system', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('desktop status for the tray', () => {
  const call = (phase: 'incoming' | 'active'): CallView => ({
    id: 'c',
    number: '202',
    name: null,
    direction: 'incoming',
    startedAt: 0,
    state: { ...initialCall('incoming'), phase },
    callClass: null,
    protectedPaid: false,
  });
  const t = ((key: string, options?: { extension?: string }) =>
    options?.extension ? `${key}:${options.extension}` : key) as unknown as TFunction;

  const phone = (calls: CallView[]) => ({ call: calls[0] ?? null, calls });

  it('puts a call over the registration', () => {
    expect(desktopStateOf({ registration: { kind: 'registered' }, ...phone([]) })).toBe('registered');
    expect(desktopStateOf({ registration: { kind: 'connecting' }, ...phone([]) })).toBe('offline');
    expect(desktopStateOf({ registration: { kind: 'registered' }, ...phone([call('incoming')]) })).toBe(
      'ringing',
    );
    expect(
      desktopStateOf({
        registration: { kind: 'offline', retryInMs: 1, retryAt: 1 },
        ...phone([call('active')]),
      }),
    ).toBe('in-call');
  });

  // Breaks when only the call in front counts: a waiting call would leave the tray at "in a call".
  it('rings for a waiting call behind the call in front', () => {
    const waiting = { ...call('incoming'), id: 'w' };
    const snapshot = { registration: { kind: 'registered' as const }, ...phone([call('active'), waiting]) };
    expect(desktopStateOf(snapshot)).toBe('ringing');
    expect(ringingCallOf(snapshot)?.id).toBe('w');
    expect(hangUpActionOf(snapshot)).toEqual({ kind: 'hang-up', id: 'c' });
    expect(hangUpActionOf(phone([call('incoming')]))).toEqual({ kind: 'decline', id: 'c' });
    expect(hangUpActionOf(phone([]))).toBeNull();
  });

  it('says DND beside the state, in the user’s words', () => {
    expect(desktopStatusOf({ registration: { kind: 'registered' }, ...phone([]) }, true, '201', t)).toEqual({
      state: 'registered',
      doNotDisturb: true,
      text: {
        status: 'desktop.trayRegistered:201 – desktop.dndOn',
        doNotDisturb: 'desktop.dnd',
        show: 'desktop.trayShow',
        quit: 'desktop.trayQuit',
      },
    });
  });
});

describe('ring tones', () => {
  it('are three different patterns that each make sound', () => {
    const shapes = Object.values(RING_TONE_PATTERNS).map((pattern) => JSON.stringify(pattern));
    expect(new Set(shapes).size).toBe(3);
    for (const pattern of Object.values(RING_TONE_PATTERNS)) {
      const sounding = pattern.parts.filter(([frequency]) => frequency > 0);
      expect(sounding.length).toBeGreaterThan(0);
      const length = pattern.parts.reduce((sum, [, seconds]) => sum + seconds, 0);
      expect(length).toBeLessThan(pattern.periodS);
      expect(pattern.volume).toBeLessThanOrEqual(0.15);
    }
  });

  it('go to the chosen device, or say why not', async () => {
    const sinks: string[] = [];
    const element = (setSinkId?: (id: string) => Promise<void>) =>
      ({ setSinkId }) as unknown as HTMLAudioElement;
    expect(
      await routeToDevice(
        element(async (id) => void sinks.push(id)),
        'spk-2',
      ),
    ).toBeNull();
    expect(
      await routeToDevice(
        element(async (id) => void sinks.push(id)),
        null,
      ),
    ).toBeNull();
    expect(sinks).toEqual(['spk-2', '']);
    expect(await routeToDevice(element(), 'spk-2')).toBe('sink-unsupported');
    expect(await routeToDevice(element(), null)).toBeNull();
    const gone = Object.assign(new Error('gone'), { name: 'NotFoundError' });
    expect(
      await routeToDevice(
        element(() => Promise.reject(gone)),
        'spk-2',
      ),
    ).toBe('device-missing');
    expect(
      await routeToDevice(
        element(() => Promise.reject(new Error('x'))),
        'spk-2',
      ),
    ).toBe('device-failed');
  });
});

describe('audio devices', () => {
  it('finds the echo service in the dial plan, else *43', () => {
    expect(echoServiceNumber(null)).toBe('*43');
    const policy = samplePolicy();
    const withEcho = {
      ...policy,
      dialPlan: { ...policy.dialPlan, ivrApps: [{ code: '*97', app: 'echo-test' as const }] },
    };
    expect(echoServiceNumber(withEcho)).toBe('*97');
    const withoutEcho = { ...policy, dialPlan: { ...policy.dialPlan, ivrApps: [] } };
    expect(echoServiceNumber(withoutEcho)).toBe('*43');
  });

  it('calls a saved device missing only when the list is known and lacks it', () => {
    expect(isMissingDevice(null, [])).toBe(false);
    expect(isMissingDevice('a', [])).toBe(false);
    expect(isMissingDevice('a', [{ deviceId: 'a' }])).toBe(false);
    expect(isMissingDevice('a', [{ deviceId: 'b' }])).toBe(true);
  });
});
