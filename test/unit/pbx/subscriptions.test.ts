import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Leg, SipOutlet } from '../../pbx/sip/legs';
import { parseSip, type SipRequest, type SipResponse } from '../../pbx/sip/message';
import { DialogSubscriptions } from '../../pbx/sip/subscriptions';
import type { TransactionHandlers } from '../../pbx/sip/transactions';
import type { SipConnection } from '../../pbx/transport/websocket';

/** DialogSubscriptions over a fake outlet: what it sends, which dialogs it registers. */
function setup(rules = {}, canWatch?: (subscriber: string, watched: string) => boolean) {
  const sent: string[] = [];
  const replies: string[] = [];
  const dialogs = new Map<string, Leg>();
  const pending = new Map<string, TransactionHandlers>();
  let now = 1_000_000;
  const outlet = {
    contact: '<sip:pbx@pbx.invalid;transport=ws>',
    send: (_connection: SipConnection, text: string) => void sent.push(text),
    reply: (_request: SipRequest, text: string) => void replies.push(text),
    expectResponses: (branch: string, _method: string, _c: SipConnection, handlers: TransactionHandlers) =>
      void pending.set(branch, handlers),
    inviteCancelled: () => {},
    registerDialog: (callId: string, tag: string, leg: Leg) => void dialogs.set(`${callId}|${tag}`, leg),
    unregisterDialog: (callId: string, tag: string) => void dialogs.delete(`${callId}|${tag}`),
  } satisfies SipOutlet;
  const subscriptions = new DialogSubscriptions({
    outlet,
    domain: 'tollgate.test',
    now: () => now,
    log: () => {},
    rules,
    ...(canWatch ? { canWatch } : {}),
  });
  const connection = (id: string) =>
    ({ id, remoteAddress: '127.0.0.1', send: () => {} }) as unknown as SipConnection;
  const subscribe = (callId: string, expires: number, connectionId = 'c1', subscriber = '202', toTag = '') =>
    subscriptions.subscribe(
      connection(connectionId),
      request(
        [
          `SUBSCRIBE sip:203@tollgate.test SIP/2.0`,
          'Via: SIP/2.0/WS x.invalid;branch=z9hG4bK1',
          `From: <sip:${subscriber}@tollgate.test>;tag=sub`,
          `To: <sip:203@tollgate.test>${toTag ? `;tag=${toTag}` : ''}`,
          `Call-ID: ${callId}`,
          'CSeq: 1 SUBSCRIBE',
          'Contact: <sip:x@y.invalid;transport=ws>',
          'Event: dialog',
          `Expires: ${expires}`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      ),
      subscriber,
      '203',
    );
  return {
    subscriptions,
    sent,
    replies,
    dialogs,
    pending,
    subscribe,
    advance: (ms: number) => {
      now += ms;
      vi.advanceTimersByTime(ms);
    },
  };
}

function request(text: string): SipRequest {
  return parseSip(text) as SipRequest;
}

const notifies = (sent: string[]) => sent.filter((text) => text.startsWith('NOTIFY'));
const stateOf = (text: string) => /Subscription-State: (.*)\r\n/.exec(text)?.[1];

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('dialog subscriptions', () => {
  // Breaks if a subscription outlives its Expires (no timer, or no final NOTIFY).
  it('ends on expiry with a NOTIFY terminated;reason=timeout', () => {
    const t = setup();
    t.subscribe('s1', 60);
    expect(t.replies[0]).toMatch(/^SIP\/2.0 200 OK/);
    expect(t.replies[0]).toContain('Expires: 60');
    expect(stateOf(notifies(t.sent)[0] ?? '')).toBe('active;expires=60');
    t.advance(60_000);
    expect(stateOf(notifies(t.sent).at(-1) ?? '')).toBe('terminated;reason=timeout');
    expect(t.subscriptions.size).toBe(0);
    expect(t.dialogs.size).toBe(0);
  });

  // Breaks if a refresh does not move the expiry, or Expires 0 in the dialog does not end it.
  it('a refresh in the dialog moves the expiry; Expires 0 unsubscribes', () => {
    const t = setup();
    t.subscribe('s2', 60);
    const [key, leg] = [...t.dialogs][0] ?? [];
    const tag = key?.split('|')[1] ?? '';
    const inDialog = (expires: number) =>
      request(
        [
          `SUBSCRIBE sip:pbx@pbx.invalid SIP/2.0`,
          'Via: SIP/2.0/WS x.invalid;branch=z9hG4bK2',
          'From: <sip:202@tollgate.test>;tag=sub',
          `To: <sip:203@tollgate.test>;tag=${tag}`,
          'Call-ID: s2',
          'CSeq: 2 SUBSCRIBE',
          'Event: dialog',
          `Expires: ${expires}`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    t.advance(50_000);
    leg?.onRequest(inDialog(120));
    t.advance(60_000); // past the first expiry
    expect(t.subscriptions.size).toBe(1);
    leg?.onRequest(inDialog(0));
    expect(t.subscriptions.size).toBe(0);
    expect(stateOf(notifies(t.sent).at(-1) ?? '')).toBe('terminated;reason=timeout');
  });

  // Breaks if the per-extension bound is not enforced, or a refused NOTIFY leaves the subscription.
  it('bounds subscriptions per subscriber; a NOTIFY answered 481 ends its subscription', () => {
    const t = setup({ perSubscriber: 2, perConnection: 10 });
    t.subscribe('a', 600, 'c1');
    t.subscribe('b', 600, 'c2');
    t.subscribe('c', 600, 'c3');
    expect(t.replies.at(-1)).toMatch(/^SIP\/2.0 403 Too Many Subscriptions/);
    expect(t.subscriptions.size).toBe(2);
    t.subscriptions.dialogState({
      extension: '203',
      id: 'x|y',
      callId: 'x',
      direction: 'initiator',
      state: 'confirmed',
    });
    const last = notifies(t.sent).at(-1) ?? '';
    expect(last).toContain('<state>confirmed</state>');
    const branch = /branch=([^\s;\r]+)/.exec(last)?.[1] ?? '';
    t.pending.get(branch)?.onResponse({ statusCode: 481 } as SipResponse);
    expect(t.subscriptions.size).toBe(1);
    t.subscriptions.connectionClosed('c1');
    t.subscriptions.connectionClosed('c2');
    expect(t.subscriptions.size).toBe(0);
  });

  // Breaks if a refresh (or a state change) is not checked against canWatch again: with the
  // re-checks removed from subscriptions.ts (stillAllowed), a watcher moved to another company keeps
  // its subscription and gets the colleague's call states until it expires (up to an hour).
  it('a refresh or state change after the watcher lost its right ends the subscription (reason=rejected)', () => {
    let allowed = true;
    const t = setup({}, () => allowed);
    t.subscribe('r1', 3600);
    t.subscribe('r2', 3600, 'c2');
    expect(t.subscriptions.size).toBe(2);
    const [first, second] = [...t.dialogs];
    const inDialog = (callId: string, key: string | undefined) =>
      request(
        [
          `SUBSCRIBE sip:pbx@pbx.invalid SIP/2.0`,
          'Via: SIP/2.0/WS x.invalid;branch=z9hG4bK3',
          'From: <sip:202@tollgate.test>;tag=sub',
          `To: <sip:203@tollgate.test>;tag=${key?.split('|')[1] ?? ''}`,
          `Call-ID: ${callId}`,
          'CSeq: 2 SUBSCRIBE',
          'Event: dialog',
          'Expires: 3600',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    allowed = false; // 202 moved to another company (or 203 was removed)
    first?.[1].onRequest(inDialog('r1', first[0]));
    const ended = notifies(t.sent).at(-1) ?? '';
    expect(stateOf(ended)).toBe('terminated;reason=rejected');
    expect(ended).toContain('Call-ID: r1');
    expect(t.subscriptions.size).toBe(1);
    expect(t.dialogs.has(first?.[0] ?? '')).toBe(false);

    // The other one ends on the next state change, and learns nothing of it.
    const before = notifies(t.sent).length;
    t.subscriptions.dialogState({
      extension: '203',
      id: 'x|y',
      callId: 'x',
      direction: 'initiator',
      state: 'confirmed',
    });
    const last = notifies(t.sent).slice(before);
    expect(last).toHaveLength(1);
    expect(stateOf(last[0] ?? '')).toBe('terminated;reason=rejected');
    expect(last[0]).toContain('Call-ID: r2');
    expect(last[0]).not.toContain('<state>');
    expect(t.subscriptions.size).toBe(0);
    expect(t.dialogs.has(second?.[0] ?? '')).toBe(false);
  });

  it('refuses an Expires below the minimum with 423 and Min-Expires', () => {
    const t = setup();
    t.subscribe('d', 10);
    expect(t.replies[0]).toMatch(/^SIP\/2.0 423/);
    expect(t.replies[0]).toContain('Min-Expires: 60');
    expect(t.subscriptions.size).toBe(0);
  });
});
