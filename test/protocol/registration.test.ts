import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO, startTestPbx } from '../support/pbx-fixture';
import { TestPhone } from '../support/test-phone';

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
beforeAll(async () => {
  fixture = await startTestPbx();
});
afterAll(() => fixture.pbx.stop());

describe('registrar over SIP WebSocket', () => {
  it('registers sip.js with digest authentication and binds its contact', async () => {
    const { number, password } = DEMO.protectedExtension;
    const phone = await TestPhone.register(
      fixture.addresses.sipWebSocketUrl,
      fixture.addresses.realm,
      number,
      password,
    );
    expect(phone.registerer.state).toBe('Registered');
    await phone.stop();
  });

  it('refuses a wrong password', async () => {
    await expect(
      TestPhone.register(fixture.addresses.sipWebSocketUrl, fixture.addresses.realm, '202', 'wrong-password'),
    ).rejects.toThrow(/REGISTER rejected: 403/);
  });

  it('answers a CRLF keep-alive and refuses a socket without the sip subprotocol', async () => {
    const socket = new WebSocket(fixture.addresses.sipWebSocketUrl, 'sip');
    await new Promise((resolve) => socket.once('open', resolve));
    const pong = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send('\r\n\r\n');
    expect(await pong).toBe('\r\n');
    socket.close();

    const bare = new WebSocket(fixture.addresses.sipWebSocketUrl);
    const failed = await new Promise<boolean>((resolve) => {
      bare.once('error', () => resolve(true));
      bare.once('open', () => resolve(false));
    });
    expect(failed).toBe(true);
  });
});
