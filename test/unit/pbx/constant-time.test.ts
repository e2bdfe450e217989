import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../pbx/crypto/constant-time';

describe('constantTimeEqual', () => {
  it('is true for equal strings and bytes only', () => {
    expect(constantTimeEqual('demo-pass-201', 'demo-pass-201')).toBe(true);
    expect(constantTimeEqual('demo-pass-201', 'demo-pass-202')).toBe(false);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual('ü', Buffer.from('ü', 'utf8'))).toBe(true);
  });

  // Breaks with a bare timingSafeEqual, which throws on inputs of different lengths.
  it('answers false, without throwing, for inputs of different lengths', () => {
    expect(constantTimeEqual('short', 'a much longer secret')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('does not confuse a prefix with the whole', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abc\u0000', 'abc')).toBe(false);
  });
});
