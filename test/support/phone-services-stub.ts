import { CallHistory } from '../../renderer/src/history/call-history';
import type { PhoneServices } from '../../renderer/src/phone/phone-context';
import { PolicyClient } from '../../renderer/src/policy/policy-client';
import { Softphone } from '../../renderer/src/sip/softphone';
import { memoryStorage } from './browser-host-fixture';

/**
 * Phone services for component tests: the real classes, but a Softphone whose start() does not dial
 * out to a PBX and a policy client whose fetch always fails (tests that need calls use Playwright).
 */
export function offlinePhoneServices(): PhoneServices {
  const storage = memoryStorage();
  const history = new CallHistory(storage);
  const softphone = new Softphone({
    now: Date.now,
    backoffMs: () => 60_000,
    onCallEnded: () => {},
    onNetworkOnline: () => () => {},
  });
  softphone.start = async () => {};
  return {
    softphone,
    history,
    createPolicyClient: (apiUrl, extension, password) =>
      new PolicyClient(apiUrl, extension, password, {
        fetch: () => Promise.reject(new Error('offline')),
        storage,
        now: Date.now,
        backoffMs: () => 60_000,
      }),
  };
}
