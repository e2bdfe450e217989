import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * How a history entry's number reads on the screen; the stored value stays as it was (calling back
 * dials that). Phone numbers are formatted with libphonenumber-js: the company's own country
 * nationally (`030 1234567`), others internationally (`+44 20 7946 0018`). `sip:user@host` shows as
 * `user@host`; extensions, service codes (`*43`) and names stay as they are. The same metadata
 * (`max`) as the dial plan, so the app loads one copy.
 */
export function displayNumber(raw: string, country: string | null): string {
  const uri = /^sips?:(.+)$/i.exec(raw);
  if (uri?.[1]) return uri[1];
  // Extensions and service codes are short; a name (alice) is no number.
  if (!/^\+?[0-9]{7,32}$/.test(raw)) return raw;
  const defaultCountry = country && /^[A-Z]{2}$/.test(country) ? (country as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw, defaultCountry ? { defaultCountry } : {});
  if (!parsed?.isValid()) return raw;
  return parsed.country !== undefined && parsed.country === defaultCountry
    ? parsed.formatNational()
    : parsed.formatInternational();
}
