import { describe, expect, it } from 'vitest';
import { parseReferTo, parseReplaces, sipfrag } from '../../pbx/calls/transfer-target';
import { dialogInfoXml, grantedExpiry, DEFAULT_SUBSCRIPTION_RULES } from '../../pbx/sip/subscriptions';

describe('Refer-To (RFC 3515) and Replaces (RFC 3891)', () => {
  it('reads a blind target from a bare URI, a name-addr and a quoted display name', () => {
    expect(parseReferTo(['sip:203@tollgate.test'])).toEqual({
      kind: 'blind',
      user: '203',
      host: 'tollgate.test',
    });
    expect(parseReferTo(['<sip:203@tollgate.test>'])).toMatchObject({ kind: 'blind', user: '203' });
    expect(parseReferTo(['"Lager" <sip:202@tollgate.test;transport=ws>'])).toMatchObject({
      kind: 'blind',
      user: '202',
    });
    // user parameters are not part of the dialled number (as in an INVITE's Request-URI)
    expect(parseReferTo(['<sip:0301234567;phone-context=+49@x>'])).toMatchObject({ user: '0301234567' });
  });

  it('reads an attended target with its Replaces dialog (sip.js: PBX contact, encoded)', () => {
    const replaces = encodeURIComponent('abc@h;to-tag=pbx1;from-tag=me2');
    expect(parseReferTo([`"B" <sip:pbx@pbx.invalid;transport=ws?Replaces=${replaces}>`])).toEqual({
      kind: 'attended',
      user: 'pbx',
      host: 'pbx.invalid',
      replaces: { callId: 'abc@h', toTag: 'pbx1', fromTag: 'me2' },
    });
  });

  // Breaks if a second Refer-To, another scheme, foreign URI headers or a half Replaces get through.
  it('refuses what it cannot or must not act on', () => {
    expect(parseReferTo([])).toMatchObject({ kind: 'invalid', status: 400 });
    expect(parseReferTo(['<sip:1@x>', '<sip:2@x>'])).toMatchObject({ kind: 'invalid', status: 400 });
    expect(parseReferTo(['<tel:+49301234567>'])).toMatchObject({ kind: 'invalid', status: 403 });
    expect(parseReferTo(['"x" <mailto:a@b>'])).toMatchObject({ kind: 'invalid', status: 403 });
    expect(parseReferTo(['<sip:202@x?X-Pin=1>'])).toMatchObject({ kind: 'invalid', status: 403 });
    expect(parseReferTo(['<sip:202@x?Replaces=a%3Bto-tag%3D1>'])).toMatchObject({
      kind: 'invalid',
      status: 400,
    });
    expect(parseReferTo(['not a uri at all <'])).toMatchObject({ kind: 'invalid' });
    expect(parseReplaces('id;from-tag=1')).toBeNull();
    expect(parseReplaces(';to-tag=1;from-tag=2')).toBeNull();
  });

  it('writes a sipfrag status line', () => {
    expect(sipfrag(486, 'Busy Here')).toBe('SIP/2.0 486 Busy Here\r\n');
  });
});

describe('dialog-info documents and subscription expiry', () => {
  it('escapes the entity and lists only id, direction and state', () => {
    const xml = dialogInfoXml('sip:2"0<1@x', 7, [{ id: 'd1', direction: 'recipient', state: 'early' }]);
    expect(xml).toContain('version="7" state="full" entity="sip:2&#34;0&#60;1@x"');
    expect(xml).toContain('<dialog id="d1" direction="recipient"><state>early</state></dialog>');
  });

  it('grants the default, caps at the maximum, refuses too brief, keeps 0 (unsubscribe/fetch)', () => {
    const rules = DEFAULT_SUBSCRIPTION_RULES;
    expect(grantedExpiry(null, rules)).toEqual({ kind: 'ok', expiresS: rules.defaultExpiresS });
    expect(grantedExpiry(rules.maxExpiresS * 10, rules)).toEqual({ kind: 'ok', expiresS: rules.maxExpiresS });
    expect(grantedExpiry(rules.minExpiresS - 1, rules)).toEqual({ kind: 'too-brief' });
    expect(grantedExpiry(0, rules)).toEqual({ kind: 'ok', expiresS: 0 });
  });
});
