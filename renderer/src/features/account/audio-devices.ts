import type { Policy } from '../../../../shared/policy/policy';

/** The echo service when the policy does not name one (Asterisk's and the test PBX's code). */
export const DEFAULT_ECHO_NUMBER = '*43';

/** The PBX's echo test from the policy's dial plan, else the common `*43`. */
export function echoServiceNumber(policy: Policy | null): string {
  return policy?.dialPlan.ivrApps.find((app) => app.app === 'echo-test')?.code ?? DEFAULT_ECHO_NUMBER;
}

/** A saved device that is not connected now (null: none saved, or the list is not known yet). */
export function isMissingDevice(
  saved: string | null,
  devices: readonly Pick<MediaDeviceInfo, 'deviceId'>[],
): boolean {
  return saved !== null && devices.length > 0 && !devices.some((device) => device.deviceId === saved);
}

/** Whether this browser can choose the speaker of an audio element (Chromium and Electron can). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
