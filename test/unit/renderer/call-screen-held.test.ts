import { describe, expect, it } from 'vitest';
import { callScreen } from '../../../renderer/src/features/phone/call-screen';
import { initialPin } from '../../../renderer/src/features/phone/pin-phase';
import { callTransition, initialCall } from '../../../renderer/src/sip/call-machine';
import type { CallView } from '../../../renderer/src/sip/softphone';

describe('call screen headline when the far end holds', () => {
  // Breaks when a call not known to be free keeps "Connected to the PBX" while the far end holds it
  // (seen in second-line.neutral.spec on Kamailio: the caller swapped away never saw it was held).
  it('says "held by the other party" on a call with a possible PIN step too', () => {
    let state = callTransition(initialCall('outgoing'), { type: 'answered', at: 10 });
    state = callTransition(state, { type: 'remote-hold-changed', held: true });
    const call: CallView = {
      id: 'c',
      number: '202',
      name: null,
      direction: 'outgoing',
      startedAt: 0,
      state,
      callClass: null,
      protectedPaid: false,
      pin: initialPin('possible'),
    };
    expect(callScreen(call).headline.key).toBe('phone.phaseHeldByRemote');
    const resumed = { ...call, state: callTransition(state, { type: 'remote-hold-changed', held: false }) };
    expect(callScreen(resumed).headline.key).toBe('phone.pin.headlinePbx');
  });
});
