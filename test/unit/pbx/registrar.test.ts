import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactAddress, MAX_EXPIRES_S, Registrar } from '../../../test/pbx/sip/registrar';

const request = (cseq: number, connectionId = 'ws-1', callId = 'call-1') => ({ connectionId, callId, cseq });

describe('registrar', () => {
  it('finds a Contact only among the bindings of the extension asked for (a dialog owner after a reconnect)', () => {
    const registrar = new Registrar();
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }], request(1, 'ws-1'), 0);
    // Another extension registers the same Contact address later, on its own socket.
    registrar.register(
      '202',
      [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }],
      request(1, 'ws-9', 'c9'),
      0,
    );
    expect(registrar.findByContact('sip:a@x.invalid', 0)?.connectionId).toBe('ws-9');
    expect(registrar.findByContact('sip:a@x.invalid', 0, '201')?.connectionId).toBe('ws-1');
    expect(registrar.findByContact('sip:a@x.invalid', 0, '203')).toBeUndefined();
  });

  it('keeps several contacts per extension, each with its own expiry', () => {
    const registrar = new Registrar();
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }], request(1), 0);
    registrar.register(
      '201',
      [{ contactUri: 'sip:b@y.invalid', expiresS: 120 }],
      request(1, 'ws-2', 'call-2'),
      0,
    );
    expect(registrar.lookup('201', 60_000).map((b) => b.contactUri)).toEqual([
      'sip:a@x.invalid',
      'sip:b@y.invalid',
    ]);
    expect(registrar.lookup('201', 121_000).map((b) => b.contactUri)).toEqual(['sip:a@x.invalid']);
    expect(registrar.lookup('201', 601_000)).toEqual([]);
  });

  it('refreshes, clamps long expiries, refuses too brief ones and out-of-order requests', () => {
    const registrar = new Registrar();
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 999_999 }], request(1), 0);
    expect(registrar.lookup('201', 0)[0]?.expiresAt).toBe(MAX_EXPIRES_S * 1000);
    expect(
      registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 10 }], request(2), 0),
    ).toEqual({
      kind: 'interval-too-brief',
      minExpiresS: 60,
    });
    expect(
      registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }], request(1), 0),
    ).toEqual({
      kind: 'out-of-order',
    });
  });

  it('removes one contact with expires=0, all with *, and those of a closed connection', () => {
    const registrar = new Registrar();
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }], request(1), 0);
    registrar.register(
      '201',
      [{ contactUri: 'sip:b@y.invalid', expiresS: 600 }],
      request(1, 'ws-2', 'c2'),
      0,
    );
    registrar.register(
      '202',
      [{ contactUri: 'sip:c@z.invalid', expiresS: 600 }],
      request(1, 'ws-3', 'c3'),
      0,
    );
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 0 }], request(2), 0);
    expect(registrar.lookup('201', 0).map((b) => b.contactUri)).toEqual(['sip:b@y.invalid']);
    registrar.dropConnection('ws-3');
    expect(registrar.lookup('202', 0)).toEqual([]);
    registrar.register('201', '*', request(3, 'ws-2', 'c2'), 0);
    expect(registrar.count()).toBe(0);
  });
});

describe('contact addresses', () => {
  it('match whatever URI parameters each request added', () => {
    const registrar = new Registrar();
    registrar.register(
      '201',
      [{ contactUri: 'sip:abc@XYZ.invalid;transport=ws', expiresS: 600 }],
      request(1),
      0,
    );
    expect(registrar.findByContact('sip:abc@xyz.invalid;transport=ws;ob', 0)?.extension).toBe('201');
    expect(registrar.findByContact('sip:abd@xyz.invalid', 0)).toBeUndefined();
    expect(contactAddress('<sip:Abc@Host.invalid;ob>')).toBe('sip:Abc@host.invalid');
  });
});

describe('registrar indexes', () => {
  it('find a contact on the socket it registered last, and forget it when that socket closes', () => {
    const registrar = new Registrar();
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }], request(1, 'ws-1'), 0);
    expect(registrar.findByContact('sip:a@x.invalid;ob', 0)?.connectionId).toBe('ws-1');
    registrar.register('201', [{ contactUri: 'sip:a@x.invalid', expiresS: 600 }], request(2, 'ws-2'), 0);
    expect(registrar.findByContact('sip:a@x.invalid', 0)?.connectionId).toBe('ws-2');
    registrar.dropConnection('ws-1'); // the old socket has no binding left: nothing changes
    expect(registrar.findByContact('sip:a@x.invalid', 0)?.connectionId).toBe('ws-2');
    registrar.dropConnection('ws-2');
    expect(registrar.findByContact('sip:a@x.invalid', 0)).toBeUndefined();
    expect(registrar.count()).toBe(0);
  });

  it('agree with the bindings whatever sequence of registrations, expiries and closed sockets', () => {
    const contacts = ['sip:a@x.invalid', 'sip:a@x.invalid;ob', 'sip:b@y.invalid', 'sip:c@z.invalid'];
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant('register' as const),
        extension: fc.constantFrom('201', '202'),
        contact: fc.constantFrom(...contacts),
        expiresS: fc.constantFrom(0, 60, 600),
        connection: fc.constantFrom('ws-1', 'ws-2', 'ws-3'),
      }),
      fc.record({ kind: fc.constant('drop' as const), connection: fc.constantFrom('ws-1', 'ws-2', 'ws-3') }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        const registrar = new Registrar();
        let now = 0;
        let cseq = 0;
        for (const step of operations) {
          if (step.kind === 'register') {
            registrar.register(
              step.extension,
              [{ contactUri: step.contact, expiresS: step.expiresS }],
              request(++cseq, step.connection, `call-${step.connection}`),
              now,
            );
          } else if (step.kind === 'drop') registrar.dropConnection(step.connection);
          else now += step.ms;
          // What the index finds must be a live binding of the bindings lists, with that address.
          const live = ['201', '202'].flatMap((extension) => registrar.lookup(extension, now));
          for (const contact of contacts) {
            const found = registrar.findByContact(contact, now);
            const matching = live.filter((b) => contactAddress(b.contactUri) === contactAddress(contact));
            if (matching.length === 0) expect(found).toBeUndefined();
            else expect(matching).toContain(found);
          }
          expect(registrar.count()).toBe(live.length);
        }
      }),
    );
  });
});
