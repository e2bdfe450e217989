import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Invitation } from 'sip.js';
import { PbxServer, type PbxAddresses, type PbxOptions } from '../pbx/server';
import { TestPhone } from './test-phone';

/** A fresh test PBX on a free loopback port with its own database and log, for one test file. */
export async function startTestPbx(options: Partial<PbxOptions> = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-pbx-'));
  const pbx = new PbxServer({
    port: 0,
    databasePath: join(directory, 'pbx.sqlite'),
    logFile: join(directory, 'pbx.log'),
    farEndRingMs: 150,
    pinRules: { firstDigitTimeoutMs: 4_000, interDigitTimeoutMs: 2_000 },
    ...options,
  });
  const addresses: PbxAddresses = await pbx.start();
  return { pbx, addresses, directory };
}

export const DEMO = {
  protectedExtension: { number: '201', password: 'demo-pass-201', pin: '471108' },
  /** 201's second, personal code (issue #14); its "Standard" code is `protectedExtension.pin`. */
  personalCode: { extension: '201', label: 'Lena Vogel', code: '739104' },
  availableExtension: { number: '202', password: 'demo-pass-202' },
  notEntitledExtension: { number: '203', password: 'demo-pass-203' },
  addOnExtension: { number: '204', password: 'demo-pass-204', pin: '258025' },
  admin: { username: 'admin', password: 'admin-demo-pass' },
  provider: { username: 'provider', password: 'provider-demo-pass' },
} as const;

/** A sip.js test phone registered on the fixture PBX as one of the demo extensions. */
export function registerPhone(
  addresses: PbxAddresses,
  extension: { number: string; password: string },
  onInvite?: (invitation: Invitation) => void,
): Promise<TestPhone> {
  return TestPhone.register(
    addresses.sipWebSocketUrl,
    addresses.realm,
    extension.number,
    extension.password,
    onInvite,
  );
}
