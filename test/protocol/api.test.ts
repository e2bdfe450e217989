import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../shared/policy/policy';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, startTestPbx } from '../support/pbx-fixture';

let fixture: Awaited<ReturnType<typeof startTestPbx>>;
const api = () => fixture.addresses.apiUrl;

beforeAll(async () => {
  fixture = await startTestPbx();
});
afterAll(() => fixture.pbx.stop());

type PinProtectionBody = {
  pinProtection: { available: boolean; ivrAuthentication: boolean; lockedUntil: string | null };
};

describe('policy API', () => {
  it('serves the signed-in extension its policy with an ETag, and 304 when unchanged', async () => {
    const client = await PbxApiClient.signIn(api(), 'extension', '201', DEMO.protectedExtension.password);
    const first = await client.request('GET', '/policy');
    expect(first.status).toBe(200);
    const policy = PolicySchema.parse(first.body);
    expect(policy).toMatchObject({
      extension: '201',
      company: { name: 'Muster GmbH' },
      pinProtection: { available: true, ivrAuthentication: true, unlockCodeSet: true, lockedUntil: null },
      dialPlan: { country: 'DE', emergencyNumbers: ['110', '112', '116117'] },
    });
    expect(JSON.stringify(first.body)).not.toContain('471108');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toBe(`"${policy.version}"`);
    expect((await client.request('GET', '/policy', undefined, { 'If-None-Match': etag })).status).toBe(304);
  });

  it('refuses wrong credentials, missing tokens and bad input with stable codes', async () => {
    const anonymous = new PbxApiClient(api());
    expect(await anonymous.request('POST', '/token', { extension: '201', password: 'nope' })).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid-credentials' } },
    });
    expect(await anonymous.request('GET', '/policy')).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated' } },
    });
    expect(await anonymous.request('POST', '/token', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-json' } },
    });
    expect(
      await anonymous.request('POST', '/token', { extension: '201', password: 'x', admin: true }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-input' } },
    });
    const extension = await PbxApiClient.signIn(api(), 'extension', '202', DEMO.availableExtension.password);
    expect(await extension.request('GET', '/admin/extensions')).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
  });

  it('answers CORS preflights for the browser host', async () => {
    const response = await fetch(`${api()}/policy`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:4173', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173');
    expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
  });
});

describe('admin API (Anrufeinstellungen)', () => {
  it('lists the company extensions with their call settings, never a code', async () => {
    const admin = await PbxApiClient.signIn(api(), 'admin', DEMO.admin.username, DEMO.admin.password);
    const list = await admin.request('GET', '/admin/extensions');
    expect(list.status).toBe(200);
    expect((list.body as unknown as { extension: string }[]).map((entry) => entry.extension)).toEqual([
      '201',
      '202',
      '203',
      '204',
    ]);
    expect(JSON.stringify(list.body)).not.toMatch(/471108|258025|hash/);
  });

  it('switching IVR authentication off reaches the extension through the push channel', async () => {
    const extension = await PbxApiClient.signIn(api(), 'extension', '204', DEMO.addOnExtension.password);
    const admin = await PbxApiClient.signIn(api(), 'admin', DEMO.admin.username, DEMO.admin.password);
    const pushed = extension.waitForPolicy(
      (policy) => !(policy as unknown as PinProtectionBody).pinProtection.ivrAuthentication,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      await admin.request('PATCH', '/admin/extensions/204/call-settings', { ivrAuthentication: false }),
    ).toMatchObject({
      status: 200,
      body: { ivrAuthentication: false, unlockCodeSet: true },
    });
    await pushed;
    await admin.request('PATCH', '/admin/extensions/204/call-settings', { ivrAuthentication: true });
  });

  it('refuses IVR authentication where the product is not entitled, with the provider hint', async () => {
    const admin = await PbxApiClient.signIn(api(), 'admin', DEMO.admin.username, DEMO.admin.password);
    const refused = await admin.request('PATCH', '/admin/extensions/203/call-settings', {
      ivrAuthentication: true,
      unlockCode: '1234',
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'pin-protection-not-available' } } });
    expect(JSON.stringify(refused.body)).toContain('service provider');
  });

  it('needs an unlock code before switching on, validates it, and never returns it', async () => {
    const admin = await PbxApiClient.signIn(api(), 'admin', DEMO.admin.username, DEMO.admin.password);
    expect(
      await admin.request('PATCH', '/admin/extensions/202/call-settings', { ivrAuthentication: true }),
    ).toMatchObject({
      status: 422,
      body: { error: { code: 'unlock-code-required' } },
    });
    for (const unlockCode of ['123', '12345678901234567', '12a4']) {
      expect(
        (await admin.request('PATCH', '/admin/extensions/202/call-settings', { unlockCode })).status,
      ).toBe(400);
    }
    const set = await admin.request('PATCH', '/admin/extensions/202/call-settings', {
      ivrAuthentication: true,
      unlockCode: '13579',
    });
    expect(set).toMatchObject({ status: 200, body: { ivrAuthentication: true, unlockCodeSet: true } });
    expect(JSON.stringify(set.body)).not.toContain('13579');
    expect(await fixture.pbx.db.verifyUnlockCode('202', '13579')).toBe(true);
    await admin.request('PATCH', '/admin/extensions/202/call-settings', { ivrAuthentication: false });
  });

  it('reports another company’s or a missing extension as not found', async () => {
    const admin = await PbxApiClient.signIn(api(), 'admin', DEMO.admin.username, DEMO.admin.password);
    expect(await admin.request('GET', '/admin/extensions/999/call-settings')).toMatchObject({
      status: 404,
      body: { error: { code: 'extension-not-found' } },
    });
  });
});

describe('provider API', () => {
  it('grants and revokes PIN protection per product; revoking switches IVR authentication off', async () => {
    const provider = await PbxApiClient.signIn(
      api(),
      'provider',
      DEMO.provider.username,
      DEMO.provider.password,
    );
    const extension = await PbxApiClient.signIn(
      api(),
      'extension',
      '203',
      DEMO.notEntitledExtension.password,
    );
    const granted = extension.waitForPolicy(
      (policy) => (policy as unknown as PinProtectionBody).pinProtection.available,
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      await provider.request('PUT', '/provider/products/cloudpbx-basic', { pinProtection: true }),
    ).toMatchObject({
      status: 200,
      body: { id: 'cloudpbx-basic', pinProtection: true },
    });
    await granted;
    await provider.request('PUT', '/provider/products/cloudpbx-basic', { pinProtection: false });
    expect((await extension.request('GET', '/policy')).body).toMatchObject({
      pinProtection: { available: false },
    });
    expect(await provider.request('PUT', '/provider/products/nope', { pinProtection: true })).toMatchObject({
      status: 404,
    });
  });
});

describe('admin API: why an extension is closed, and the audited unlock', () => {
  // Breaks when the admin view or the policy ignores quarantine (lockedUntil alone is null then),
  // or when unlock does not lift the quarantine.
  it('shows lock, quarantine and source blocks with the reason, tells the phone, and records who unlocked', async () => {
    const HOUR = 3_600_000;
    const clock = { now: Date.now() };
    const own = await startTestPbx({
      now: () => clock.now,
      lockoutRules: {
        wrongCodesToLock: 2,
        lockoutsToQuarantine: 2,
        lockMs: HOUR,
        wrongCodesPerSourceToBlock: 4,
      },
    });
    try {
      const url = own.addresses.apiUrl;
      let call = 0;
      const typeWrongCodes = async () => {
        const session = own.pbx.pinGate.open('201', '127.0.0.9', `api-test-${++call}`);
        if (!('verify' in session)) throw new Error(`gate closed: ${session.kind}`);
        for (let i = 0; i < 2; i++) await session.verify('000000');
        session.close();
      };
      const admin = await PbxApiClient.signIn(url, 'admin', DEMO.admin.username, DEMO.admin.password);
      const phone = await PbxApiClient.signIn(url, 'extension', '201', DEMO.protectedExtension.password);
      const settings = async () => (await admin.request('GET', '/admin/extensions/201/call-settings')).body;

      await typeWrongCodes();
      expect(await settings()).toMatchObject({
        lockedUntil: new Date(clock.now + HOUR).toISOString(),
        lock: {
          kind: 'locked',
          until: new Date(clock.now + HOUR).toISOString(),
          reason: 'wrong-codes',
          lockoutsInWindow: 1,
        },
      });

      clock.now += HOUR;
      const quarantined = new Promise((resolve) => own.pbx.events.once('extension-quarantined', resolve));
      await typeWrongCodes();
      expect(await quarantined).toEqual({ extension: '201' });
      const since = new Date(clock.now).toISOString();
      expect(await settings()).toMatchObject({
        lockedUntil: null,
        lock: { kind: 'quarantined', until: null, since, reason: 'repeated-lockouts', lockoutsInWindow: 2 },
      });
      expect((await phone.request('GET', '/policy')).body).toMatchObject({
        pinProtection: { lockedUntil: null, quarantinedSince: since },
      });

      const unlocked = new Promise((resolve) => own.pbx.events.once('extension-unlocked', resolve));
      expect(await admin.request('POST', '/admin/extensions/201/unlock')).toMatchObject({
        status: 200,
        body: { lock: { kind: 'none', wrongCodesInWindow: 0 } },
      });
      expect(await unlocked).toEqual({ extension: '201', by: DEMO.admin.username });
      // The source that typed all four is blocked (the per-source throttle), another source is not.
      expect((await admin.request('GET', '/admin/security/pin-sources')).body).toEqual([
        { source: '127.0.0.9', blockedUntil: new Date(clock.now + 24 * HOUR).toISOString(), wrongCodes: 4 },
      ]);
      expect(own.pbx.pinGate.open('201', '127.0.0.9', 'api-test-blocked')).toMatchObject({
        kind: 'source-blocked',
      });
      expect(own.pbx.db.listAudit()).toEqual([
        {
          at: clock.now,
          admin: DEMO.admin.username,
          action: 'unlock',
          extension: '201',
          detail: 'quarantined',
        },
      ]);
      expect('verify' in own.pbx.pinGate.open('201', '127.0.0.10', 'api-test-after')).toBe(true);
    } finally {
      await own.pbx.stop();
    }
  });
});
