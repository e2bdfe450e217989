/**
 * The PIN-entry IVR of one call as a state machine: data in, actions out, no I/O and no clock.
 * The call adapter plays prompts, runs timers, verifies the code and bridges or hangs up.
 *
 *   start ──► prompting ──digit──► collecting ──'#' / max length / inter-digit timeout──► verifying
 *                 │  ▲                 │                                                   │
 *                 │  └──── wrong, attempts left (play wrong-pin) ◄───────────────── verified(false)
 *                 │                                                                        │
 *      first-digit timeout counts as a wrong attempt            verified(true) ──► accepted (bridge)
 *                                                         third wrong attempt ──► failed (goodbye, hang up)
 */
export type PinPrompt = 'enter-pin' | 'wrong-pin' | 'pin-accepted' | 'pin-failed-goodbye';

export type PinEntryState =
  | { phase: 'idle' }
  | { phase: 'prompting'; attempts: number }
  | { phase: 'collecting'; attempts: number; digits: string }
  | { phase: 'verifying'; attempts: number }
  | { phase: 'accepted'; attempts: number }
  | { phase: 'failed'; attempts: number };

export type PinEntryEvent =
  | { type: 'start' }
  | { type: 'digit'; digit: string }
  | { type: 'timeout' }
  | { type: 'verified'; ok: boolean };

export type PinEntryAction =
  | { type: 'play'; prompt: PinPrompt }
  | { type: 'stop-prompt' }
  | { type: 'start-timer'; kind: 'first-digit' | 'inter-digit'; ms: number }
  | { type: 'cancel-timer' }
  /** The only place the typed code leaves the machine: to be hashed and compared, never stored. */
  | { type: 'verify'; code: string }
  | { type: 'bridge' }
  | { type: 'hang-up'; outcome: 'failed' };

export interface PinEntryRules {
  maxAttempts: number;
  maxLength: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
}

export const DEFAULT_PIN_RULES: PinEntryRules = {
  maxAttempts: 3,
  maxLength: 16,
  firstDigitTimeoutMs: 10_000,
  interDigitTimeoutMs: 5_000,
};

export interface Transition {
  state: PinEntryState;
  actions: PinEntryAction[];
}

export function pinEntryTransition(
  state: PinEntryState,
  event: PinEntryEvent,
  rules: PinEntryRules = DEFAULT_PIN_RULES,
): Transition {
  const stay: Transition = { state, actions: [] };
  switch (state.phase) {
    case 'idle':
      if (event.type !== 'start') return stay;
      return prompt(0, 'enter-pin', rules);

    case 'prompting':
    case 'collecting': {
      const digits = state.phase === 'collecting' ? state.digits : '';
      if (event.type === 'timeout') {
        return digits === '' ? wrongAttempt(state.attempts, rules) : submit(state.attempts, digits);
      }
      if (event.type !== 'digit') return stay;
      const stopPrompt: PinEntryAction[] = state.phase === 'prompting' ? [{ type: 'stop-prompt' }] : [];
      if (event.digit === '#' || (/^[0-9]$/.test(event.digit) && digits.length + 1 >= rules.maxLength)) {
        const code = event.digit === '#' ? digits : digits + event.digit;
        if (code === '') return stay; // A lone '#' before any digit is ignored.
        const submitted = submit(state.attempts, code);
        return { state: submitted.state, actions: [...stopPrompt, ...submitted.actions] };
      }
      if (!/^[0-9]$/.test(event.digit)) return stay; // '*' and letters are not part of a code.
      const next = digits + event.digit;
      return {
        state: { phase: 'collecting', attempts: state.attempts, digits: next },
        actions: [...stopPrompt, { type: 'start-timer', kind: 'inter-digit', ms: rules.interDigitTimeoutMs }],
      };
    }

    case 'verifying':
      if (event.type !== 'verified') return stay;
      if (event.ok) {
        return {
          state: { phase: 'accepted', attempts: state.attempts + 1 },
          actions: [{ type: 'play', prompt: 'pin-accepted' }, { type: 'bridge' }],
        };
      }
      return wrongAttempt(state.attempts, rules);

    case 'accepted':
    case 'failed':
      return stay;
  }
}

function prompt(attempts: number, which: PinPrompt, rules: PinEntryRules): Transition {
  return {
    state: { phase: 'prompting', attempts },
    actions: [
      { type: 'play', prompt: which },
      { type: 'start-timer', kind: 'first-digit', ms: rules.firstDigitTimeoutMs },
    ],
  };
}

function submit(attempts: number, code: string): Transition {
  return {
    state: { phase: 'verifying', attempts },
    actions: [{ type: 'cancel-timer' }, { type: 'verify', code }],
  };
}

function wrongAttempt(attemptsBefore: number, rules: PinEntryRules): Transition {
  const attempts = attemptsBefore + 1;
  if (attempts >= rules.maxAttempts) {
    return {
      state: { phase: 'failed', attempts },
      actions: [
        { type: 'cancel-timer' },
        { type: 'play', prompt: 'pin-failed-goodbye' },
        { type: 'hang-up', outcome: 'failed' },
      ],
    };
  }
  return prompt(attempts, 'wrong-pin', rules);
}
