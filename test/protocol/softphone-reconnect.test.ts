import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { REFUSED_RETRY_MIN_MS, Softphone, type RegistrationState } from '../../renderer/src/sip/softphone';
import { PbxServer } from '../pbx/server';
import { DEMO } from '../support/pbx-fixture';

// The softphone's sip.js transport uses the global WebSocket, which Node 20 does not have.
(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

const directory = mkdtempSync(join(tmpdir(), 'tollgate-reconnect-'));
const servers: PbxServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

async function startPbx(port = 0) {
  const server = new PbxServer({ port, databasePath: join(directory, 'pbx.sqlite') });
  servers.push(server);
  return { server, addresses: await server.start() };
}

function config(addresses: { sipWebSocketUrl: string; realm: string }, extension: string, password: string) {
  return {
    account: {
      sipWebSocketUrl: addresses.sipWebSocketUrl,
      sipDomain: addresses.realm,
      policyApiUrl: '',
      extension,
      authUsername: '',
      displayName: '',
    },
    password,
    iceServers: [],
    inputDeviceId: null,
  };
}

function until(softphone: Softphone, accept: (state: RegistrationState) => boolean, timeoutMs = 10_000) {
  return new Promise<RegistrationState>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Timed out in ${softphone.getSnapshot().registration.kind}`)),
      timeoutMs,
    );
    const check = () => {
      const state = softphone.getSnapshot().registration;
      if (accept(state)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(state);
      }
    };
    const unsubscribe = softphone.subscribe(check);
    check();
  });
}

describe('softphone registration (the app’s sip.js engine, in Node)', () => {
  it('registers, goes offline when the PBX goes away, and re-registers by itself when it is back', async () => {
    const first = await startPbx();
    const port = Number(new URL(first.addresses.sipWebSocketUrl).port);
    const softphone = new Softphone({
      now: Date.now,
      backoffMs: () => 300,
      onCallEnded: () => {},
      onNetworkOnline: () => () => {},
    });
    await softphone.start(
      config(first.addresses, DEMO.protectedExtension.number, DEMO.protectedExtension.password),
    );
    await until(softphone, (state) => state.kind === 'registered');

    await first.server.stop();
    await until(softphone, (state) => state.kind === 'offline');

    await startPbx(port);
    await until(softphone, (state) => state.kind === 'registered');
    await softphone.stop();
    expect(softphone.getSnapshot().registration.kind).toBe('idle');
  });

  it('reports wrong credentials as such, without retrying in a loop', async () => {
    const { addresses } = await startPbx();
    const softphone = new Softphone({
      now: Date.now,
      backoffMs: () => 300,
      onCallEnded: () => {},
      onNetworkOnline: () => () => {},
    });
    await softphone.start(config(addresses, '202', 'not-the-password'));
    const refusedAt = Date.now();
    const state = await until(softphone, (candidate) => candidate.kind === 'failed');
    expect(state).toMatchObject({ kind: 'failed', problem: 'credentials' });
    // Retried by itself, but never at the network back-off (300 ms here): a wrong password must not
    // run into the PBX's sign-in throttle. Breaks if a refusal is retried like a lost connection.
    expect(state.kind === 'failed' && state.retryAt - refusedAt).toBeGreaterThanOrEqual(
      REFUSED_RETRY_MIN_MS - 1_000,
    );
    await softphone.stop();
  });
});
