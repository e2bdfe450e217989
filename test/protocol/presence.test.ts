import { join } from 'node:path';
import { Subscriber, SubscriptionState, UserAgent, type Notification } from 'sip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryResponseSchema } from '../../renderer/src/features/directory/directory-client';
import { PbxApiClient } from '../support/pbx-api-client';
import { DEMO, registerPhone, startTestPbx } from '../support/pbx-fixture';
import { addSecondCompany, moveExtension, OTHER_COMPANY } from '../support/second-company';
import type { TestPhone } from '../support/test-phone';
import { SipPeer } from './sip-peer';

/**
 * Presence / BLF on the test PBX: SUBSCRIBE to the `dialog` event package (RFC 6665, RFC 4235) with
 * sip.js's own Subscriber, as the phone's directory does.
 */
let fixture: Awaited<ReturnType<typeof startTestPbx>>;
const phones: TestPhone[] = [];
const peers: SipPeer[] = [];

beforeAll(async () => {
  fixture = await startTestPbx();
  // A second company (301, 302): what isolation is tested against (the demo seed has one company).
  addSecondCompany(join(fixture.directory, 'pbx.sqlite'), fixture.addresses.realm, { overlap: true });
});
afterAll(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
  await Promise.all(phones.map((phone) => phone.stop()));
  await fixture.pbx.stop();
});

async function phone(extension: { number: string; password: string }, autoAnswer = false) {
  const registered = await registerPhone(
    fixture.addresses,
    extension,
    autoAnswer ? (invitation) => void invitation.accept() : undefined,
  );
  phones.push(registered);
  return registered;
}

interface Watch {
  subscriber: Subscriber;
  bodies: string[];
  states: string[];
  /** Resolves with the first document (from now on) that `match` accepts. */
  next(match: (body: string) => boolean): Promise<string>;
}

function watch(watcher: TestPhone, extension: string, expires = 600): Watch {
  const uri = UserAgent.makeURI(`sip:${extension}@${fixture.addresses.realm}`);
  if (!uri) throw new Error('bad uri');
  const subscriber = new Subscriber(watcher.ua, uri, 'dialog', { expires });
  const bodies: string[] = [];
  const states: string[] = [];
  let waiters: { match: (body: string) => boolean; resolve: (body: string) => void }[] = [];
  subscriber.delegate = {
    onNotify: (notification: Notification) => {
      void notification.accept();
      const body = notification.request.body;
      bodies.push(body);
      states.push(notification.request.getHeader('subscription-state') ?? '');
      const ready = waiters.filter((waiter) => waiter.match(body));
      waiters = waiters.filter((waiter) => !ready.includes(waiter));
      ready.forEach((waiter) => waiter.resolve(body));
    },
  };
  void subscriber.subscribe();
  return {
    subscriber,
    bodies,
    states,
    next: (match) => {
      const seen = bodies.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching NOTIFY; saw ${bodies.join('\n')}`)),
          20_000,
        );
        waiters.push({
          match,
          resolve: (body) => {
            clearTimeout(timer);
            resolve(body);
          },
        });
      });
    },
  };
}

const stateOf = (body: string) => [...body.matchAll(/<state>(\w+)<\/state>/g)].map((match) => match[1]);
const versionOf = (body: string) => Number(/version="(\d+)"/.exec(body)?.[1] ?? -1);

describe('SUBSCRIBE to the dialog event package', () => {
  it("a watcher sees a colleague's call go trying/early → confirmed → terminated, full state with rising versions", async () => {
    const watcher = await phone(DEMO.availableExtension); // 202
    const caller = await phone(DEMO.notEntitledExtension); // 203
    await phone(DEMO.addOnExtension, true); // 204 answers
    const seen = watch(watcher, '203');
    const idle = await seen.next(() => true);
    // Breaks if the PBX sends no initial NOTIFY, or a partial document.
    expect(idle).toContain('state="full"');
    expect(idle).toContain('entity="sip:203@');
    expect(stateOf(idle)).toEqual([]);

    const call = caller.call('204');
    await seen.next((body) => stateOf(body).includes('confirmed'));
    await call.established;
    // Nothing about the far side or the dialog's identifiers reaches the watcher.
    expect(seen.bodies.join('')).not.toMatch(/204|call-id|local-tag|remote-tag/);
    await call.hangUp();
    await seen.next((body) => stateOf(body).includes('terminated'));

    const states = seen.bodies.flatMap(stateOf);
    expect(states[0]).toBe('trying');
    expect(states).toContain('confirmed');
    const versions = seen.bodies.map(versionOf);
    expect(versions).toEqual(versions.map((_, index) => index)); // 0, 1, 2, …: one per NOTIFY
    expect(seen.states.every((state) => state.startsWith('active'))).toBe(true);

    // The callee's side is watched just the same (recipient).
    const calleeSeen = watch(watcher, '204');
    await calleeSeen.next(() => true);
    const second = caller.call('204');
    const ringing = await calleeSeen.next((body) => stateOf(body).includes('confirmed'));
    expect(ringing).toContain('direction="recipient"');
    await second.established;
    await second.hangUp();
    await calleeSeen.next((body) => stateOf(body).includes('terminated'));

    // Unsubscribe (Expires: 0): a last NOTIFY with Subscription-State terminated, and it is gone.
    await seen.subscriber.unsubscribe();
    await calleeSeen.subscriber.unsubscribe();
    // Breaks if an in-dialog SUBSCRIBE with Expires 0 does not end the subscription.
    await expect.poll(() => fixture.pbx.sipService.stats().subscriptions, { timeout: 20_000 }).toBe(0);
    expect(seen.subscriber.state).toBe(SubscriptionState.Terminated);
  }, 90_000);

  it('answers 489 for another event package, 404 for an extension of no company of yours, and needs credentials', async () => {
    const peer = await SipPeer.connect(
      fixture.addresses.sipWebSocketUrl,
      fixture.addresses.realm,
      '202',
      'demo-pass-202',
    );
    peers.push(peer);
    const realm = fixture.addresses.realm;
    const subscribe = (target: string, event: string, cseq: number, callId: string, auth?: string) =>
      [
        `SUBSCRIBE sip:${target}@${realm} SIP/2.0`,
        `Via: SIP/2.0/WS x.invalid;branch=z9hG4bK${callId}${cseq}`,
        'Max-Forwards: 70',
        `From: <sip:202@${realm}>;tag=t${callId}`,
        `To: <sip:${target}@${realm}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} SUBSCRIBE`,
        `Contact: <${peer.contact}>`,
        `Event: ${event}`,
        'Expires: 600',
        ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    peer.send(subscribe('203', 'presence', 1, 'ev1'));
    const badEvent = await peer.response('ev1', 'SUBSCRIBE');
    // Breaks if the PBX accepts (or challenges) an event package it does not serve.
    expect(badEvent.statusCode).toBe(489);
    expect(badEvent.getHeader('allow-events')).toBe('dialog');

    peer.send(subscribe('203', 'dialog', 1, 'ev2'));
    const challenge = await peer.response('ev2', 'SUBSCRIBE');
    expect(challenge.statusCode).toBe(407);
    const md5 = challenge.getHeaders('proxy-authenticate').find((value) => value.includes('MD5')) ?? '';

    const uri = `sip:299@${realm}`;
    peer.send(subscribe('299', 'dialog', 2, 'ev2', peer.authorization(md5, 'SUBSCRIBE', uri, 1)));
    expect((await peer.response('ev2', 'SUBSCRIBE')).statusCode).toBe(404);

    // An extension that exists, in another company (even one the own dial plan's range covers).
    // Breaks if canWatch (routing/invite-router.ts) does not compare companies: with
    // `return own !== null && other !== null;` this SUBSCRIBE gets 200 and a NOTIFY about 301.
    const other = `sip:${OTHER_COMPANY.first.number}@${realm}`;
    peer.send(
      subscribe(
        OTHER_COMPANY.first.number,
        'dialog',
        3,
        'ev2',
        peer.authorization(md5, 'SUBSCRIBE', other, 2),
      ),
    );
    expect((await peer.response('ev2', 'SUBSCRIBE')).statusCode).toBe(404);
  });

  it('bounds subscriptions per connection and ends them all when the socket closes', async () => {
    const peer = await SipPeer.connect(
      fixture.addresses.sipWebSocketUrl,
      fixture.addresses.realm,
      '202',
      'demo-pass-202',
    );
    const realm = fixture.addresses.realm;
    const uri = `sip:203@${realm}`;
    peer.onUnclaimed = (message) => {
      // Accept every NOTIFY like a phone would.
      if ('method' in message && message.method === 'NOTIFY' && 'ruri' in message)
        peer.respond(message as Parameters<SipPeer['respond']>[0], 200, 'OK');
    };
    const before = fixture.pbx.sipService.stats().subscriptions;
    const statuses: number[] = [];
    let nonceHeader = '';
    let nc = 1;
    for (let index = 0; index < 66; index++) {
      const callId = `bound${index}`;
      const text = (auth?: string) =>
        [
          `SUBSCRIBE ${uri} SIP/2.0`,
          `Via: SIP/2.0/WS x.invalid;branch=z9hG4bK${callId}${auth ? 'a' : ''}`,
          'Max-Forwards: 70',
          `From: <sip:202@${realm}>;tag=t${index}`,
          `To: <${uri}>`,
          `Call-ID: ${callId}`,
          `CSeq: ${auth ? 2 : 1} SUBSCRIBE`,
          `Contact: <${peer.contact}>`,
          'Event: dialog',
          'Expires: 600',
          ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
      if (!nonceHeader) {
        peer.send(text());
        const challenge = await peer.response(callId, 'SUBSCRIBE');
        nonceHeader = challenge.getHeaders('proxy-authenticate').find((value) => value.includes('MD5')) ?? '';
      }
      peer.send(text(peer.authorization(nonceHeader, 'SUBSCRIBE', uri, nc++)));
      statuses.push(
        (await peer.response(callId, 'SUBSCRIBE', (status) => status >= 200 && status !== 407)).statusCode ??
          0,
      );
    }
    // Breaks if the limit (DEFAULT_SUBSCRIPTION_RULES.perConnection, 64) is not enforced.
    expect(statuses.filter((status) => status === 200)).toHaveLength(64);
    expect(statuses.slice(64)).toEqual([403, 403]);
    expect(fixture.pbx.sipService.stats().subscriptions).toBe(before + 64);
    await peer.close();
    // Breaks if subscriptions outlive their WebSocket.
    await expect.poll(() => fixture.pbx.sipService.stats().subscriptions, { timeout: 20_000 }).toBe(before);
  }, 90_000);

  it('a watcher moved to another company stops watching at the next change (terminated;reason=rejected)', async () => {
    const databasePath = join(fixture.directory, 'pbx.sqlite');
    const before = fixture.pbx.sipService.stats().subscriptions;
    const watcher = await phone(DEMO.availableExtension); // 202
    const caller = await phone(DEMO.notEntitledExtension); // 203
    const seen = watch(watcher, '203');
    await seen.next(() => true);
    const count = seen.bodies.length;
    moveExtension(databasePath, '202', OTHER_COMPANY.id);
    try {
      const call = caller.call('204');
      // Breaks if the permission is not checked again (stillAllowed in sip/subscriptions.ts): 202,
      // now in another company, would see 203's call go trying → confirmed until its subscription
      // expires (up to an hour).
      await expect.poll(() => seen.states.at(-1), { timeout: 20_000 }).toBe('terminated;reason=rejected');
      expect(seen.bodies.slice(count).flatMap(stateOf)).toEqual([]);
      await expect.poll(() => fixture.pbx.sipService.stats().subscriptions, { timeout: 20_000 }).toBe(before);
      await call.established.catch(() => {});
      await call.hangUp();
    } finally {
      moveExtension(databasePath, '202', 'muster-gmbh');
    }
  }, 90_000);
});

describe('GET /policy/directory (contract 2)', () => {
  it("lists the company's extensions with their names and says presence is offered; needs the extension's token", async () => {
    const anonymous = await new PbxApiClient(fixture.addresses.apiUrl).request('GET', '/policy/directory');
    // Breaks if the directory is served without a token.
    expect(anonymous.status).toBe(401);
    const client = await PbxApiClient.signIn(fixture.addresses.apiUrl, 'extension', '202', 'demo-pass-202');
    const response = await client.request('GET', '/policy/directory');
    expect(response.status).toBe(200);
    // The phone's own schema reads it (renderer/src/features/directory/directory-client.ts).
    const directory = DirectoryResponseSchema.parse(response.body);
    expect(directory.presence).toBe(true);
    expect(directory.entries.map((entry) => entry.extension)).toEqual(['201', '202', '203', '204']);
    expect(directory.entries[0]).toEqual({ extension: '201', name: 'Empfang' });
    // Breaks if directoryFor (api/directory-view.ts) lists another company's extensions (301, 302).
    expect(JSON.stringify(response.body)).not.toMatch(/30[12]|Andere/);
    const otherClient = await PbxApiClient.signIn(
      fixture.addresses.apiUrl,
      'extension',
      OTHER_COMPANY.first.number,
      OTHER_COMPANY.first.password,
    );
    const otherView = DirectoryResponseSchema.parse(
      (await otherClient.request('GET', '/policy/directory')).body,
    );
    expect(otherView.entries.map((entry) => entry.extension)).toEqual(['301', '302']);
    // Names and numbers only: no PIN state, lock or product of a colleague.
    expect(Object.keys(response.body as object).sort()).toEqual(['entries', 'presence']);
    expect(JSON.stringify(response.body)).not.toMatch(/unlock|locked|pin|product/i);
  });
});
