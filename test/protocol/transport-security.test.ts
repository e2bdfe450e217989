import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO, startTestPbx } from '../support/pbx-fixture';
import { TestPhone } from '../support/test-phone';

const stops: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(stops.map((stop) => stop())));

describe('wss and https with a given certificate', () => {
  it('serves SIP over wss and the API over https', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-tls-'));
    const certFile = join(directory, 'cert.pem');
    const keyFile = join(directory, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
      ],
      {
        stdio: 'ignore',
      },
    );
    const { pbx, addresses } = await startTestPbx({ tls: { certFile, keyFile } });
    stops.push(() => pbx.stop());
    expect(addresses.sipWebSocketUrl).toMatch(/^wss:\/\//);

    const socket = new WebSocket(addresses.sipWebSocketUrl, 'sip', { rejectUnauthorized: false });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const pong = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    socket.send('\r\n\r\n');
    expect(await pong).toBe('\r\n');
    socket.close();

    const status = await new Promise<number>((resolve, reject) => {
      request(`${addresses.apiUrl}/health`, { rejectUnauthorized: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
  });
});

describe('brute force', () => {
  it('throttles a source after repeated failed registrations', async () => {
    const { pbx, addresses } = await startTestPbx();
    stops.push(() => pbx.stop());
    const attempt = () =>
      TestPhone.register(addresses.sipWebSocketUrl, addresses.realm, '201', 'guess').catch(
        (error: Error) => error.message,
      );
    for (let i = 0; i < 10; i++) expect(await attempt()).toBe('REGISTER rejected: 403 Forbidden');
    expect(await attempt()).toBe('REGISTER rejected: 403 Too Many Failed Attempts');
    // Even the right password is refused while the source is throttled.
    await expect(
      TestPhone.register(addresses.sipWebSocketUrl, addresses.realm, '201', DEMO.protectedExtension.password),
    ).rejects.toThrow(/Too Many Failed Attempts/);
  });
});
