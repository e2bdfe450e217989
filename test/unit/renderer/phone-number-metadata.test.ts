/**
 * The renderer's libphonenumber-js/max (vite.config.ts aliases it to this module): the same answers
 * as the package, with the metadata loaded as a chunk of its own — and never a guess before it is.
 */
import * as packageMax from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import * as lazyMax from '../../../renderer/src/app/phone-number-metadata';

describe('phone-number metadata loaded on demand', () => {
  it('refuses to classify before the metadata is loaded, then answers as libphonenumber-js/max', async () => {
    // Breaks when a call before loading returns undefined ("not a number") instead of failing loudly,
    // or when the lazily loaded metadata is not the "max" set (0800 toll-free validity, types).
    expect(() => lazyMax.parsePhoneNumberFromString('0301234567', { defaultCountry: 'DE' })).toThrow(
      /before loadPhoneNumberMetadata/,
    );
    await Promise.all([lazyMax.loadPhoneNumberMetadata(), lazyMax.loadPhoneNumberMetadata()]);
    for (const text of [
      '0301234567',
      '+442079460018',
      '08001234567',
      '0800 1',
      '09001234567',
      '+8001234567',
    ]) {
      const ours = lazyMax.parsePhoneNumberFromString(text, { defaultCountry: 'DE' });
      const theirs = packageMax.parsePhoneNumberFromString(text, { defaultCountry: 'DE' });
      expect(ours?.number).toBe(theirs?.number);
      expect(ours?.isValid()).toBe(theirs?.isValid());
      expect(ours?.getType()).toBe(theirs?.getType());
      expect(lazyMax.isValidPhoneNumber(text, 'DE')).toBe(packageMax.isValidPhoneNumber(text, 'DE'));
      expect(lazyMax.isPossiblePhoneNumber(text, 'DE')).toBe(packageMax.isPossiblePhoneNumber(text, 'DE'));
    }
    expect(lazyMax.getCountryCallingCode('DE')).toBe('49');
    expect(lazyMax.default).toBe(lazyMax.parsePhoneNumberFromString);
  });
});
