import {
  getCountryCallingCode as getCountryCallingCodeWith,
  isPossiblePhoneNumber as isPossiblePhoneNumberWith,
  isValidPhoneNumber as isValidPhoneNumberWith,
  parsePhoneNumberFromString as parsePhoneNumberWith,
  type CountryCallingCode,
  type CountryCode,
  type MetadataJson,
  type PhoneNumber,
} from 'libphonenumber-js/core';

/**
 * `libphonenumber-js/max` for the renderer build, with its metadata (the largest part: ~150 KB of
 * the first-screen chunk) in a chunk of its own, fetched while the app boots instead of parsed
 * before the first render (issue #15, start-up). vite.config.ts points `libphonenumber-js/max` here
 * for the renderer only; the PBX, Node and the unit tests use the package itself, so the dial plan
 * (shared/dial-plan, unchanged) classifies with the same code and the same "max" metadata everywhere.
 *
 * App waits for `loadPhoneNumberMetadata()` before anything can classify a number (the boot screen
 * shows until then); a function called before that throws instead of guessing: a wrong
 * classification would hide the paid-call warning.
 */
let metadata: MetadataJson | null = null;
let loading: Promise<void> | null = null;

export function loadPhoneNumberMetadata(): Promise<void> {
  loading ??= import('libphonenumber-js/metadata.max.json').then(
    (module) => {
      metadata = module.default as MetadataJson;
    },
    (error: unknown) => {
      loading = null; // a later call tries again
      throw error;
    },
  );
  return loading;
}

function loaded(): MetadataJson {
  if (!metadata) throw new Error('Phone number metadata used before loadPhoneNumberMetadata() finished');
  return metadata;
}

type ParseOptions =
  CountryCode | { defaultCountry?: CountryCode; defaultCallingCode?: string; extract?: boolean };

export function parsePhoneNumberFromString(text: string, options?: ParseOptions): PhoneNumber | undefined {
  return options === undefined
    ? parsePhoneNumberWith(text, loaded())
    : parsePhoneNumberWith(text, options, loaded());
}

export default parsePhoneNumberFromString;

export function getCountryCallingCode(country: CountryCode): CountryCallingCode {
  return getCountryCallingCodeWith(country, loaded());
}

export function isValidPhoneNumber(text: string, options?: ParseOptions): boolean {
  return options === undefined
    ? isValidPhoneNumberWith(text, loaded())
    : isValidPhoneNumberWith(text, options, loaded());
}

export function isPossiblePhoneNumber(text: string, options?: ParseOptions): boolean {
  return options === undefined
    ? isPossiblePhoneNumberWith(text, loaded())
    : isPossiblePhoneNumberWith(text, options, loaded());
}
