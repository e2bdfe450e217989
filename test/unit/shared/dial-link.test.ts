import { describe, expect, it } from 'vitest';
import { findDialLinkInArgs, parseDialLink } from '../../../shared/links/dial-link';

describe('dial links', () => {
  it.each([
    ['tel:+49-30-1234567', '+49301234567', 'tel'],
    ['tel:+49%2030%201234567', '+49301234567', 'tel'],
    ['TEL:(030) 123.45.67', '0301234567', 'tel'],
    ['tel:7042;phone-context=example.com', '7042', 'tel'],
    ['tel:*98', '*98', 'tel'],
    ['sip:201@pbx.example.test', '201', 'sip'],
    ['sips:+4930123@pbx.example.test;user=phone', '+4930123', 'sip'],
    ['sip:0800-123456@pbx.example.test?subject=x', '0800123456', 'sip'],
  ])('%s fills in %s', (link, number, scheme) => {
    expect(parseDialLink(link)).toEqual({ number, scheme });
  });

  it.each([
    'mailto:someone@example.test',
    'tel:',
    'tel:call-me',
    'tel:+49 30 12345678901234567890123456789012345',
    'sip:pbx.example.test',
    'sip:alice@pbx.example.test',
    'tel:%E0%A4%A',
    'javascript:alert(1)',
  ])('refuses %s', (link) => {
    expect(parseDialLink(link)).toBeNull();
  });

  it('finds the link among command-line arguments', () => {
    expect(findDialLinkInArgs(['/opt/Tollgate/tollgate', '--flag', 'tel:110'])).toEqual({
      number: '110',
      scheme: 'tel',
    });
    expect(findDialLinkInArgs(['/opt/Tollgate/tollgate', '--flag'])).toBeNull();
  });
});
