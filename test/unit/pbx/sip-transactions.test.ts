import { describe, expect, it, vi } from 'vitest';
import { cancelMatches, isFromPeer, type DialogPeer } from '../../../test/pbx/sip/dialogs';
import { parseSip, type SipResponse } from '../../../test/pbx/sip/message';
import { ClientTransactions } from '../../../test/pbx/sip/transactions';

function response(status: number, method: string, branch = 'z9hG4bKinv'): SipResponse {
  const text = [
    `SIP/2.0 ${status} Whatever`,
    `Via: SIP/2.0/WS pbx.invalid;branch=${branch}`,
    'From: <sip:201@t>;tag=a',
    'To: <sip:202@t>;tag=b',
    'Call-ID: c1',
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseSip(text) as SipResponse;
}

describe('client transactions', () => {
  // Breaks if the key is the branch alone: the CANCEL's 200 would end the INVITE's transaction.
  it('matches a response by branch and CSeq method: the 200 to a CANCEL is not the INVITE’s', () => {
    const transactions = new ClientTransactions({ timeoutMs: 60_000, proceedingTimeoutMs: 60_000 });
    const invite = vi.fn();
    transactions.add('z9hG4bKinv', 'INVITE', 'ws-1', { onResponse: invite });
    expect(transactions.dispatch(response(200, 'CANCEL'))).toBe(false);
    expect(invite).not.toHaveBeenCalled();
    expect(transactions.dispatch(response(487, 'INVITE'))).toBe(true);
    expect(invite).toHaveBeenCalledTimes(1);
    expect(transactions.size).toBe(0);
    transactions.clear();
  });

  it('times out (Timer B/F), re-arms after a CANCEL, and drops a closed connection’s transactions', () => {
    vi.useFakeTimers();
    try {
      const transactions = new ClientTransactions({ timeoutMs: 32_000, proceedingTimeoutMs: 300_000 });
      const timedOut = vi.fn();
      transactions.add('z9hG4bKbye', 'BYE', 'ws-1', { onResponse: () => {}, onTimeout: timedOut });
      transactions.add('z9hG4bKinv', 'INVITE', 'ws-2', { onResponse: () => {} });
      transactions.add('z9hG4bKgone', 'BYE', 'ws-3', { onResponse: () => {} });
      transactions.dropConnection('ws-3');
      expect(transactions.size).toBe(2);
      transactions.dispatch(response(180, 'INVITE')); // Proceeding: Timer B stops
      vi.advanceTimersByTime(32_001);
      expect(timedOut).toHaveBeenCalledTimes(1);
      expect(transactions.size).toBe(1);
      transactions.cancelled('z9hG4bKinv'); // one more Timer B for the 487
      vi.advanceTimersByTime(32_001);
      expect(transactions.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('dialog ownership', () => {
  const peer: DialogPeer = {
    connectionId: 'ws-1',
    extension: '201',
    remoteTag: () => 'caller-tag',
    remoteTarget: () => 'sip:abc@x.invalid',
  };
  const registered = (socket: string | undefined) => () => socket;

  it('accepts the peer’s tag on its socket, or on the socket its extension re-registered the Contact on', () => {
    expect(isFromPeer(peer, { fromTag: 'caller-tag', connectionId: 'ws-1' }, registered(undefined))).toBe(
      true,
    );
    expect(isFromPeer(peer, { fromTag: 'caller-tag', connectionId: 'ws-2' }, registered('ws-2'))).toBe(true);
  });

  it('refuses another socket, another tag, and a peer whose tag is not known yet', () => {
    expect(isFromPeer(peer, { fromTag: 'caller-tag', connectionId: 'ws-9' }, registered('ws-2'))).toBe(false);
    expect(isFromPeer(peer, { fromTag: 'forged', connectionId: 'ws-1' }, registered(undefined))).toBe(false);
    const early = { ...peer, remoteTag: () => null };
    expect(isFromPeer(early, { fromTag: '', connectionId: 'ws-1' }, registered(undefined))).toBe(false);
  });

  it('matches a CANCEL to its INVITE by branch, Call-ID, From tag and CSeq number', () => {
    const invite = { viaBranch: 'b', callId: 'c', fromTag: 'f', cseq: 2 };
    expect(cancelMatches(invite, { ...invite })).toBe(true);
    expect(cancelMatches(invite, { ...invite, cseq: 3 })).toBe(false);
    expect(cancelMatches(invite, { ...invite, fromTag: 'g' })).toBe(false);
    expect(cancelMatches(invite, { ...invite, callId: 'd' })).toBe(false);
    expect(cancelMatches(invite, { ...invite, viaBranch: 'x' })).toBe(false);
  });
});
