import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { samplePolicy } from '../../support/sample-policy';
import { reactStateStrings, renderPhone, userAgent } from './support/call-screen-harness';
import { FakeMessage, Inviter, resetFakeSip } from './support/fake-sip';

vi.mock('sip.js', () => import('./support/fake-sip'));

// The machine is loaded (2 cores, many helpers): generous bounds, never a timed assertion.
vi.setConfig({ testTimeout: 60_000 });
const slow = { timeout: 20_000 };

const PAID = '030 1234567';
const PIN = '9080';

beforeEach(() => {
  resetFakeSip();
  sessionStorage.clear();
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => vi.restoreAllMocks());

async function expectNoAxeViolations(container: HTMLElement) {
  // Colour contrast needs real layout, which jsdom lacks (focus-contrast.test checks the ring).
  const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function dialAndAnswer(harness: Awaited<ReturnType<typeof renderPhone>>, number = PAID) {
  const user = userEvent.setup();
  await user.click(screen.getByRole('tab', { name: 'Telefon' }));
  await user.type(screen.getByLabelText('Rufnummer'), number);
  await user.click(screen.getByRole('button', { name: 'Anrufen' }));
  await screen.findByTestId('call-panel', {}, slow);
  act(() => harness.answer());
  return user;
}

/** The text values in plain data (numbers are counts and times: a timestamp may hold any digits). */
function textIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(textIn);
  return [];
}

/** Everything on the screen or in the accessibility tree that could carry a typed key. */
function visibleAndAccessibleText(container: HTMLElement): string {
  const labels = [...container.querySelectorAll('[aria-label],[title],[aria-description]')].map(
    (element) =>
      `${element.getAttribute('aria-label') ?? ''} ${element.getAttribute('title') ?? ''} ${element.getAttribute('aria-description') ?? ''}`,
  );
  return `${container.textContent ?? ''} ${labels.join(' ')}`;
}

describe('the PIN step, without PBX signals (any PBX today)', () => {
  it('walks prompt → entering (dots) → checking (Enter sends #) → a new attempt with the dots cleared', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Mit der Telefonanlage verbunden');
    // Breaks when the timer runs from the PBX's answer: talking to the prompt is no conversation.
    expect(screen.queryByTestId('call-timer')).toBeNull();
    expect(screen.getByTestId('pin-step')).toHaveTextContent(
      'Geben Sie Ihre PIN ein und bestätigen Sie mit # oder Enter.',
    );
    // The keypad opened by itself for the PIN.
    expect(screen.getByTestId('in-call-keypad')).toBeInTheDocument();

    await user.keyboard(PIN);
    expect(screen.getByTestId('keypad-echo')).toHaveTextContent('••••');
    expect(screen.getByTestId('keypad-announcement')).toHaveTextContent('4 Ziffern eingegeben');

    await user.keyboard('{Enter}');
    expect(harness.tones.sent).toBe(`${PIN}#`);
    expect(screen.getByTestId('pin-step')).toHaveTextContent(/PIN gesendet\. Stimmt sie, verbindet/);
    expect(screen.getByTestId('pin-step')).toHaveTextContent(
      'Diese Telefonanlage meldet das Ergebnis nicht.',
    );
    expect(screen.getByTestId('keypad-echo')).not.toHaveTextContent('•');

    // The PBX asked again (a wrong code): the next key starts attempt 2 with one dot, not five.
    await user.keyboard('1');
    expect(screen.getByTestId('pin-step')).toHaveTextContent('Versuch 2: Geben Sie die PIN erneut ein');
    expect(screen.getByTestId('keypad-echo')).toHaveTextContent(/^•\s*1 Ziffer eingegeben$/);
    await expectNoAxeViolations(harness.container);
  });

  it('records "PIN-Ergebnis unbekannt", never the digits, and counts talk time from the last #', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    await user.keyboard(`${PIN}#`);
    await user.click(screen.getByRole('button', { name: 'Auflegen' }));
    const [entry] = harness.history.list();
    expect(entry?.pin).toBe('unknown');
    expect(textIn(harness.history.list()).filter((text) => text.includes(PIN))).toEqual([]);
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    expect(screen.getByTestId('history-list')).toHaveTextContent('PIN-Ergebnis unbekannt');
  });
});

describe('the PIN step, driven by PBX signals', () => {
  it('says wrong code with the attempt, accepted, ringing, then connected with its own timer', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    await user.keyboard(`${PIN}{Enter}`);
    act(() => harness.softphone.pinSignal({ type: 'wrong-code', attempt: 2, maxAttempts: 3 }));
    expect(screen.getByTestId('pin-step')).toHaveTextContent('Falsche PIN – Versuch 2 von 3.');
    expect(screen.getByTestId('keypad-echo')).not.toHaveTextContent('•');
    await user.keyboard(`${PIN}#`);
    expect(screen.getByTestId('pin-step')).toHaveTextContent('Die PIN wird geprüft …');
    act(() => harness.softphone.pinSignal({ type: 'accepted' }));
    expect(screen.getByTestId('pin-step')).toHaveTextContent('PIN angenommen.');
    act(() => harness.softphone.pinSignal({ type: 'ringing' }));
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Es klingelt bei 0301234567');
    expect(screen.queryByTestId('call-timer')).toBeNull();
    act(() => harness.softphone.pinSignal({ type: 'destination-answered', at: Date.now() }));
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Verbunden mit 0301234567');
    expect(screen.getByTestId('call-timer')).toHaveTextContent('0:00');
    await user.click(screen.getByRole('button', { name: 'Auflegen' }));
    expect(harness.history.list()[0]?.pin).toBe('accepted');
  });
});

describe('privacy on a shared workstation', () => {
  // Breaks when the keypad keeps the keys of a masked call (e.g. `keys: current.keys + key`
  // without the mask check in CallPanel): the PIN then sits in React state.
  it('keeps only a count of the keys typed in the PIN step, nowhere the keys', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    await user.click(within(screen.getByTestId('in-call-keypad')).getByRole('button', { name: '9' }));
    await user.keyboard(PIN.slice(1));
    const state = reactStateStrings(harness.container);
    expect(state.length).toBeGreaterThan(10);
    expect(state.filter((value) => value.includes(PIN.slice(0, 2)))).toEqual([]);
    expect(textIn(harness.softphone.getSnapshot()).filter((text) => text.includes(PIN.slice(0, 2)))).toEqual(
      [],
    );
    expect(harness.softphone.getSnapshot().call?.pin?.keys).toBe(PIN.length);
    expect(harness.tones.sent).toBe(PIN);
  });

  // Breaks with the old rule "mask only where the policy says PIN required": with the policy
  // unknown the echo showed the PIN in clear and announced it through aria-live.
  it('with the policy unknown, shows no digit of the PIN and announces none', async () => {
    const harness = await renderPhone('unknown');
    const user = await dialAndAnswer(harness);
    expect(screen.getByTestId('pin-step')).toHaveTextContent(
      'Fragt die Telefonanlage nach einer PIN: eingeben und mit # oder Enter bestätigen.',
    );
    await user.keyboard(PIN);
    const echo = screen.getByTestId('keypad-echo');
    expect(within(echo).getByText('••••')).toBeInTheDocument();
    expect(screen.getByTestId('keypad-announcement')).toHaveTextContent('4 Ziffern eingegeben');
    for (const fragment of [PIN, PIN.slice(0, 3), PIN.slice(0, 2)])
      expect(visibleAndAccessibleText(harness.container)).not.toContain(fragment);
    expect(reactStateStrings(harness.container).filter((value) => value.includes(PIN.slice(0, 2)))).toEqual(
      [],
    );
    await user.keyboard('#');
    await user.click(screen.getByRole('button', { name: 'Auflegen' }));
    expect(textIn(harness.history.list()).filter((text) => text.includes(PIN.slice(0, 2)))).toEqual([]);
  });

  it('shows the keys in clear on an internal call (not a paid one)', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness, '205');
    await user.keyboard('12');
    expect(screen.getByTestId('keypad-echo')).toHaveTextContent('12');
  });
});

describe('keyboard', () => {
  it('sends keys typed on the keyboard with the keypad hidden, and "Tastatur ausblenden" hides it on a PIN call', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    // Breaks when the keypad's visibility is forced open by the PIN request (the old behaviour).
    await user.click(screen.getByRole('button', { name: 'Tastatur ausblenden' }));
    expect(screen.queryByTestId('in-call-keypad')).toBeNull();
    await user.keyboard('12');
    expect(harness.tones.sent).toBe('12');
    expect(screen.getByTestId('keypad-echo')).toHaveTextContent('••');
  });

  it('Enter in the PIN step sends # even on "Auflegen"; Esc does not hang up', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    // Breaks when focus starts on "Auflegen" and Enter presses it (the call then ends).
    expect(screen.getByRole('heading', { name: /Gespräch mit/ })).toHaveFocus();
    screen.getByRole('button', { name: 'Auflegen' }).focus();
    // Enter with nothing typed yet, and again while the PBX checks: no `#` that would cost an attempt.
    await user.keyboard('{Enter}12{Enter}{Enter}{Escape}');
    expect(harness.tones.sent).toBe('12#');
    expect(harness.softphone.getSnapshot().call).not.toBeNull();
  });

  it('returns focus to the number field after hanging up', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    await user.click(screen.getByRole('button', { name: 'Auflegen' }));
    expect(harness.softphone.getSnapshot().call).toBeNull();
    await waitFor(() => expect(screen.getByLabelText('Rufnummer')).toHaveFocus(), slow);
  });

  it('an incoming call focuses neither "Ablehnen" nor, once accepted, "Stumm"', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = userEvent.setup();
    act(() => void userAgent().ring('202'));
    await screen.findByTestId('call-panel', {}, slow);
    expect(screen.getByRole('button', { name: 'Ablehnen' })).not.toHaveFocus();
    expect(screen.getByRole('heading', { name: /Anruf von/ })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Annehmen' }));
    await waitFor(() => expect(harness.softphone.getSnapshot().call?.state.phase).toBe('active'), slow);
    expect(screen.getByRole('button', { name: 'Stumm' })).not.toHaveFocus();
    expect(screen.getByRole('heading', { name: /Anruf von/ })).toHaveFocus();
  });
});

describe('locked paid calls', () => {
  const lockedUntil = '2099-01-01T10:00:00.000Z';

  it('turns "Anrufen" off for paid numbers while locked, and says so; free numbers still go', async () => {
    await renderPhone(samplePolicy({ lockedUntil }));
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Telefon' }));
    const number = screen.getByLabelText('Rufnummer');
    await user.type(number, PAID);
    expect(screen.getByTestId('pin-required')).toHaveTextContent('Kostenpflichtige Anrufe gesperrt');
    expect(screen.getByRole('button', { name: 'Anrufen' })).toBeDisabled();
    await user.clear(number);
    await user.type(number, '112');
    expect(screen.getByRole('button', { name: 'Anrufen' })).toBeEnabled();
  });

  it('in quarantine: the status bar, the dialler and "Anrufen" agree', async () => {
    await renderPhone(samplePolicy({ quarantinedSince: '2026-11-25T10:00:00.000Z' }));
    const user = userEvent.setup();
    expect(screen.getByTestId('pin-protection-state')).toHaveTextContent(
      'Kostenpflichtige Anrufe gesperrt – nur die Administration kann entsperren',
    );
    await user.click(screen.getByRole('tab', { name: 'Telefon' }));
    await user.type(screen.getByLabelText('Rufnummer'), PAID);
    expect(screen.getByTestId('pin-required')).toHaveTextContent(
      'Nur die Administration kann die Sperre aufheben.',
    );
    expect(screen.getByRole('button', { name: 'Anrufen' })).toBeDisabled();
  });

  // Breaks when the message ignores the lock: "call again with the right PIN" while locked.
  it('after the PIN failed and the extension is locked, does not say "call again"', async () => {
    const harness = await renderPhone(samplePolicy({ lockedUntil }));
    // The call was placed before the lock arrived: dial it through the engine.
    act(() => void harness.softphone.dial('0301234567', { callClass: 'external', protectedPaid: true }));
    act(() => harness.answer());
    act(() => void harness.softphone.getSnapshot());
    const inviter = (await import('./support/fake-sip')).Inviter.last;
    act(() => void inviter?.receiveBye('SIP;cause=403;text="PIN authentication failed"'));
    const outcome = await screen.findByTestId('call-outcome', {}, slow);
    expect(outcome).toHaveTextContent('Kostenpflichtige Anrufe von dieser Durchwahl sind jetzt bis');
    expect(outcome).not.toHaveTextContent(/rufen Sie dann erneut an/);
    expect(harness.history.list()[0]).toMatchObject({ pin: 'failed', durationS: 0 });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    expect(screen.getByTestId('history-list')).toHaveTextContent('keine Gesprächszeit');
    expect(screen.getByRole('button', { name: '030 1234567 anrufen' })).toBeDisabled();
  });
});

describe('calling back from Verlauf', () => {
  // Breaks when the callback dials at once: the paid-call warning is skipped.
  it('shows a paid number with the PIN warning and waits for "Anrufen"; a free number is dialled', async () => {
    const harness = await renderPhone(samplePolicy());
    harness.history.add({
      id: 'paid',
      number: '0301234567',
      name: null,
      direction: 'outgoing',
      startedAt: Date.now(),
      durationS: 0,
      outcome: 'completed',
      pin: 'unknown',
    });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    await user.click(screen.getByRole('button', { name: '030 1234567 anrufen' }));
    expect(harness.softphone.getSnapshot().call).toBeNull();
    expect(screen.getByTestId('pin-required')).toHaveTextContent('PIN erforderlich');
    expect(screen.getByRole('button', { name: 'Anrufen' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Anrufen' }));
    expect(harness.softphone.getSnapshot().call?.pin?.expectation).toBe('required');
    await user.click(await screen.findByRole('button', { name: 'Auflegen' }));

    await user.click(screen.getByRole('tab', { name: 'Verlauf' }));
    const [paid] = harness.history.list();
    if (!paid) throw new Error('no history entry');
    harness.history.add({ ...paid, id: 'internal', number: '205', pin: 'not-required' });
    await user.click(await screen.findByRole('button', { name: '205 anrufen' }));
    expect(harness.softphone.getSnapshot().call?.number).toBe('205');
  });
});

describe('English', () => {
  it('uses the same words: connected to the PBX, PIN, digits entered', async () => {
    const harness = await renderPhone(samplePolicy(), { languages: ['en-US'] });
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Phone' }));
    await user.type(screen.getByLabelText('Number'), PAID);
    await user.click(screen.getByRole('button', { name: 'Call' }));
    await screen.findByTestId('call-panel', {}, slow);
    act(() => harness.answer());
    await user.keyboard('12');
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Connected to the PBX');
    expect(screen.getByTestId('pin-step')).toHaveTextContent(
      'PIN required: Confirm the PIN with # or Enter.',
    );
    expect(screen.getByTestId('keypad-announcement')).toHaveTextContent('2 digits entered');
  });
});

describe('the PBX says where its IVR is (SIP INFO, tollgate-ivr)', () => {
  function info(body: object | string, contentType = 'application/vnd.tollgate.ivr+json') {
    const answers: number[] = [];
    return {
      answers,
      info: {
        request: new FakeMessage(
          { 'content-type': contentType, 'info-package': 'tollgate-ivr' },
          typeof body === 'string' ? body : JSON.stringify({ v: 1, ...body }),
        ),
        accept: () => {
          answers.push(200);
          return Promise.resolve();
        },
        reject: (options?: { statusCode?: number }) => {
          answers.push(options?.statusCode ?? 480);
          return Promise.resolve();
        },
      },
    };
  }

  // Breaks when the engine ignores INFO (no onInfo delegate) or does not ask for the package.
  it('asks for the signals on a PIN call and follows them: wrong code, checking, connected with its timer', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await dialAndAnswer(harness);
    const inviter = Inviter.last;
    expect(inviter?.options).toMatchObject({ extraHeaders: ['Recv-Info: tollgate-ivr'] });
    const deliver = (body: object | string, contentType?: string) => {
      const signal = info(body, contentType);
      const onInfo = inviter?.delegate?.['onInfo'] as ((info: unknown) => void) | undefined;
      act(() => onInfo?.(signal.info));
      return signal.answers;
    };
    expect(deliver({ seq: 1, phase: 'prompt', attempt: 1, attempts: 3 })).toEqual([200]);
    await user.keyboard(`${PIN}#`);
    deliver({ seq: 2, phase: 'checking', attempt: 1 });
    expect(screen.getByTestId('pin-step')).toHaveTextContent('Die PIN wird geprüft …');
    deliver({ seq: 3, phase: 'wrong-code', attempt: 1, attemptsLeft: 2 });
    expect(screen.getByTestId('pin-step')).toHaveTextContent('Falsche PIN – Versuch 2 von 3.');
    // An old signal arriving late changes nothing; a body that is not ours is refused with 469.
    deliver({ seq: 2, phase: 'checking', attempt: 1 });
    expect(screen.getByTestId('pin-step')).toHaveTextContent('Falsche PIN – Versuch 2 von 3.');
    expect(deliver('hello', 'text/plain')).toEqual([469]);
    deliver({ seq: 4, phase: 'accepted' });
    deliver({ seq: 5, phase: 'connected', destination: '+49301234567' });
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Verbunden mit 0301234567');
    expect(screen.getByTestId('call-timer')).toBeInTheDocument();
  });
});
