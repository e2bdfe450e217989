/**
 * Pause before each isolated key in the softphone benchmark: longer than a key's tone plus gap
 * (70 + 50 ms), so no key waits behind another, as people type one key at a time.
 */
export const ISOLATED_KEY_PAUSE_MS = 300;
