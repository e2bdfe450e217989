import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
beforeAll(async () => {
  fixture = await startTestPbx();
});
afterAll(() => fixture.pbx.stop());

describe('a short WebSocket drop during a call', () => {
  it('keeps the call: after the phone reconnects and re-registers, the PBX reaches it on the new socket', async () => {
    const phone = await registerPhone(fixture.addresses, DEMO.protectedExtension);
    const call = phone.call('*98'); // voicemail: the PBX hangs up (BYE) after its prompt
    await call.established;
    await phone.ua.transport.disconnect();
    await phone.ua.reconnect();
    await phone.registerer.register();
    const outcome = await call.ended;
    expect(outcome.endedBy).toBe('remote');
    expect(outcome.reasonHeader).toContain('Call completed');
    await phone.stop();
  });

  it('holds what the PBX sends while the phone is away and delivers it when the phone registers again', async () => {
    const phone = await registerPhone(fixture.addresses, DEMO.addOnExtension);
    const call = phone.call('*98');
    await call.established;
    await phone.ua.transport.disconnect();
    // Longer than the voicemail prompt: the PBX's BYE is sent while the phone has no socket.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(call.session.state).toBe('Established');
    await phone.ua.reconnect();
    await phone.registerer.register();
    expect((await call.ended).endedBy).toBe('remote');
    await phone.stop();
  });
});
