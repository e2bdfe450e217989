import { describe, expect, it } from 'vitest';
import {
  decideIncoming,
  decideRefer,
  isInternalParty,
  looksInternalWithoutPolicy,
  type CallHandlingRules,
  type PartyClass,
} from '../../../renderer/src/phone/call-handling';
import { dialTargetOf, numberToClassify, parseSipUri } from '../../../renderer/src/phone/sip-target';
import {
  reasonText,
  sipfragStatus,
  startTransfer,
  transferTransition,
} from '../../../renderer/src/phone/transfer-machine';

const RULES: CallHandlingRules = { callWaiting: true, doNotDisturb: false, autoAnswerInternal: false };
const UNKNOWN: PartyClass = { callClass: null, needsPin: false };
const DOMAIN = 'pbx.example.test';

describe('incoming call decision', () => {
  it('rings, waits, auto-answers or refuses', () => {
    expect(decideIncoming({ rules: RULES, callsInProgress: 0, callerInternal: true })).toEqual({
      kind: 'ring',
    });
    expect(decideIncoming({ rules: RULES, callsInProgress: 1, callerInternal: true })).toEqual({
      kind: 'wait',
    });
    expect(decideIncoming({ rules: RULES, callsInProgress: 2, callerInternal: true })).toEqual({
      kind: 'refuse',
      outcome: 'refused-busy',
    });
    expect(
      decideIncoming({ rules: { ...RULES, callWaiting: false }, callsInProgress: 1, callerInternal: false }),
    ).toEqual({ kind: 'refuse', outcome: 'refused-busy' });
    const auto = { ...RULES, autoAnswerInternal: true };
    expect(decideIncoming({ rules: auto, callsInProgress: 0, callerInternal: true })).toEqual({
      kind: 'auto-answer',
    });
    expect(decideIncoming({ rules: auto, callsInProgress: 0, callerInternal: false })).toEqual({
      kind: 'ring',
    });
    expect(decideIncoming({ rules: auto, callsInProgress: 1, callerInternal: true })).toEqual({
      kind: 'wait',
    });
  });

  // Breaks when DND is checked after call waiting or auto-answer.
  it('DND refuses before anything else', () => {
    const dnd = { callWaiting: true, doNotDisturb: true, autoAnswerInternal: true };
    for (const callsInProgress of [0, 1, 2])
      expect(decideIncoming({ rules: dnd, callsInProgress, callerInternal: true })).toEqual({
        kind: 'refuse',
        outcome: 'refused-dnd',
      });
  });
});

describe('internal party', () => {
  it('without a policy: a name or a short number not starting like a public one', () => {
    for (const user of ['202', '4711', 'alice', '*43']) expect(looksInternalWithoutPolicy(user)).toBe(true);
    for (const user of ['+4930123', '030123', '0900123456', '1234567', ''])
      expect(looksInternalWithoutPolicy(user)).toBe(false);
  });

  it('needs the PBX domain, and the dial plan wins when there is one', () => {
    expect(isInternalParty({ user: '202', host: DOMAIN }, DOMAIN, UNKNOWN)).toBe(true);
    expect(isInternalParty({ user: '202', host: 'other.example' }, DOMAIN, UNKNOWN)).toBe(false);
    expect(
      isInternalParty({ user: '202', host: DOMAIN }, DOMAIN, { callClass: 'external', needsPin: false }),
    ).toBe(false);
    expect(
      isInternalParty({ user: '20200', host: DOMAIN }, DOMAIN, { callClass: 'internal', needsPin: false }),
    ).toBe(true);
    // The test PBX presents callers under its own realm (tollgate.test): with a policy the dial plan decides.
    expect(
      isInternalParty({ user: '202', host: 'tollgate.test' }, DOMAIN, {
        callClass: 'internal',
        needsPin: false,
      }),
    ).toBe(true);
    expect(
      isInternalParty({ user: '202', host: DOMAIN }, DOMAIN, { callClass: 'internal', needsPin: true }),
    ).toBe(false);
  });
});

describe('REFER decision', () => {
  const refer = (over: Partial<Parameters<typeof decideRefer>[0]>) =>
    decideRefer({
      target: { user: '204', host: DOMAIN },
      hasReplaces: false,
      ownDomain: DOMAIN,
      judged: UNKNOWN,
      callsInProgress: 1,
      ...over,
    });

  it('follows a REFER to an extension of the same PBX', () => {
    expect(refer({})).toEqual({ kind: 'follow' });
  });

  // Breaks when a REFER may send the phone to a number the PIN protects.
  it('refuses targets that need the PIN, external ones and other hosts', () => {
    expect(refer({ judged: { callClass: 'external', needsPin: true } })).toEqual({
      kind: 'refuse',
      why: 'pin-required',
    });
    expect(refer({ judged: { callClass: 'external', needsPin: false } })).toMatchObject({ kind: 'refuse' });
    expect(refer({ target: { user: '0900123456', host: DOMAIN } })).toMatchObject({ kind: 'refuse' });
    expect(refer({ target: { user: '204', host: 'evil.example' } })).toMatchObject({ kind: 'refuse' });
    expect(refer({ target: null })).toEqual({ kind: 'refuse', why: 'bad-target' });
    expect(refer({ callsInProgress: 2 })).toEqual({ kind: 'refuse', why: 'busy' });
  });

  it('with Replaces follows a phone contact, never a paid number', () => {
    expect(refer({ hasReplaces: true, target: { user: 'k3x9a0qz', host: 'r4nd0m.invalid' } })).toEqual({
      kind: 'follow',
    });
    expect(
      refer({
        hasReplaces: true,
        target: { user: '0900123456', host: DOMAIN },
        judged: { callClass: 'external', needsPin: true },
      }),
    ).toMatchObject({ kind: 'refuse' });
    expect(refer({ hasReplaces: true, target: { user: '0900123456', host: DOMAIN } })).toMatchObject({
      kind: 'refuse',
    });
  });
});

describe('dial targets', () => {
  it('parses sip: addresses and refuses broken ones', () => {
    expect(parseSipUri('sip:alice@example.com')).toMatchObject({
      user: 'alice',
      host: 'example.com',
      port: null,
    });
    expect(parseSipUri(' SIP:204@PBX.Example.Test:5060 ')).toMatchObject({
      user: '204',
      host: 'pbx.example.test',
      port: 5060,
      uri: 'sip:204@pbx.example.test:5060',
    });
    expect(parseSipUri('sip:bob@10.0.0.1')?.uri).toBe('sip:bob@10.0.0.1');
    for (const bad of [
      'sip:',
      'sip:@host',
      'sip:alice',
      'sip:al ice@host',
      'sip:a@-bad-',
      'sip:a@host:0',
      'sip:a@b@c',
    ])
      expect(parseSipUri(bad), bad).toBeNull();
    expect(dialTargetOf('0301234')).toEqual({ kind: 'number', user: '0301234' });
    expect(dialTargetOf('sip:bad')).toBeNull();
  });

  // Breaks when a sip: address on the PBX's own domain skips the paid-call warning.
  it('judges the user part of an address on the own domain like the number', () => {
    const own = dialTargetOf(`sip:0900123456@${DOMAIN}`);
    const other = dialTargetOf('sip:0900123456@other.example');
    if (!own || !other) throw new Error('parse');
    expect(numberToClassify(own, DOMAIN)).toBe('0900123456');
    expect(numberToClassify(other, DOMAIN)).toBeNull();
  });
});

describe('transfer machine', () => {
  it('requested → accepted → trying → ringing → done', () => {
    let state = startTransfer('blind', '204');
    state = transferTransition(state, { type: 'refer-accepted' });
    expect(state.phase).toBe('accepted');
    state = transferTransition(state, { type: 'notify', status: 100 });
    expect(state.phase).toBe('trying');
    state = transferTransition(state, { type: 'notify', status: 180 });
    state = transferTransition(state, { type: 'notify', status: 100 });
    expect(state.phase).toBe('ringing');
    state = transferTransition(state, { type: 'notify', status: 200 });
    expect(state).toMatchObject({ phase: 'done', status: 200 });
    expect(transferTransition(state, { type: 'notify', status: 486 })).toBe(state);
  });

  it('refused and failed keep the status and reason', () => {
    const refused = transferTransition(startTransfer('blind', '0900'), {
      type: 'refer-rejected',
      status: 403,
      reason: 'Paid',
    });
    expect(refused).toMatchObject({ phase: 'refused', status: 403, reason: 'Paid' });
    const failed = transferTransition(
      transferTransition(startTransfer('attended', '204'), { type: 'refer-accepted' }),
      { type: 'notify', status: 486 },
    );
    expect(failed).toMatchObject({ phase: 'failed', status: 486 });
  });

  it('reads sipfrag and Reason', () => {
    expect(sipfragStatus('SIP/2.0 180 Ringing\r\n')).toBe(180);
    expect(sipfragStatus('garbage')).toBeNull();
    expect(sipfragStatus(undefined)).toBeNull();
    expect(reasonText('SIP;cause=403;text="Needs the PIN"')).toBe('Needs the PIN');
    expect(reasonText('SIP;cause=403')).toBeNull();
  });
});
