import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { samplePolicy } from '../../support/sample-policy';
import { renderPhone, userAgent } from './support/call-screen-harness';
import { answerRefer, FakeMessage, Inviter, resetFakeSip, SessionState } from './support/fake-sip';

vi.mock('sip.js', () => import('./support/fake-sip'));

/**
 * The call screen with two calls (call waiting, hold, swap, hang up one) and transfer (blind,
 * attended, refused), over the real engine with sip.js faked (support/fake-sip).
 */
// The machine is loaded (2 cores, many helpers): generous bounds, never a timed assertion.
vi.setConfig({ testTimeout: 60_000 });
const slow = { timeout: 20_000 };
const PAID = '030 1234567';

beforeEach(() => {
  resetFakeSip();
  sessionStorage.clear();
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => vi.restoreAllMocks());

async function talkTo(harness: Awaited<ReturnType<typeof renderPhone>>, number: string) {
  const user = userEvent.setup();
  await user.click(screen.getByRole('tab', { name: 'Telefon' }));
  await user.type(screen.getByLabelText('Rufnummer'), number);
  await user.click(screen.getByRole('button', { name: 'Anrufen' }));
  await screen.findByTestId('call-panel', {}, slow);
  act(() => harness.answer());
  return user;
}

describe('two calls on the call screen', () => {
  // Breaks when the waiting call is not shown (refused as before #13), or swap/hang-up act on the wrong call.
  it('shows the waiting caller, accepts with hold, swaps, hangs up one', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await talkTo(harness, '202');
    act(() => void userAgent().ring('204'));
    const waiting = await screen.findByTestId('waiting-call', {}, slow);
    expect(waiting).toHaveTextContent('Anklopfen: Bob (204)');
    expect(waiting).toHaveTextContent('Annehmen hält 202');
    // The call in front stays in front while the second one waits.
    expect(screen.getByTestId('call-panel')).toHaveTextContent('Gespräch mit 202');

    const results = await axe.run(harness.container, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await user.click(within(waiting).getByRole('button', { name: 'Annehmen und halten' }));
    await waitFor(() => expect(screen.getByTestId('held-call')).toHaveTextContent('Gehalten: 202'));
    expect(screen.getByTestId('call-panel')).toHaveTextContent('Anruf von Bob (204)');
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Verbunden');

    await user.click(screen.getByRole('button', { name: 'Makeln' }));
    await waitFor(() => expect(screen.getByTestId('held-call')).toHaveTextContent('Gehalten: Bob (204)'));
    expect(screen.getByTestId('call-panel')).toHaveTextContent('Gespräch mit 202');

    await user.click(screen.getByRole('button', { name: '204 auflegen' }));
    await waitFor(() => expect(screen.queryByTestId('held-call')).toBeNull());
    expect(screen.getByTestId('call-panel')).toHaveTextContent('Gespräch mit 202');
    expect(harness.history.list().map((entry) => [entry.number, entry.outcome])).toEqual([
      ['204', 'completed'],
    ]);
  });

  // Breaks when the keyboard's keys reach a call that is not in front: a PIN must never go to the other call.
  it("a PIN call's keys never go to the other call, and the other call's keys never to the PIN call", async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await talkTo(harness, PAID);
    await user.keyboard('12');
    await waitFor(() => expect(harness.tones.sent).toBe('12'));
    act(() => void userAgent().ring('204'));
    await user.click(await screen.findByRole('button', { name: 'Annehmen und halten' }, slow));
    await waitFor(() => expect(screen.getByTestId('held-call')).toHaveTextContent(/Gehalten: 030/));
    // The answered waiting call is in front: keys typed now are its keys.
    await user.keyboard('34');
    expect(harness.tones.sent).toBe('12');
    await user.click(screen.getByRole('button', { name: 'Makeln' }));
    await waitFor(() => expect(screen.getByTestId('held-call')).toHaveTextContent('Gehalten: Bob (204)'));
    await user.keyboard('5');
    await waitFor(() => expect(harness.tones.sent).toBe('125'));
  });
});

describe('call options', () => {
  // Breaks when the checkbox does not reach the engine: the second call would wait instead.
  it('call waiting off (Anrufoptionen): a second call is refused with 486 and kept in Verlauf', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Telefon' }));
    await user.click(screen.getByText('Anrufoptionen'));
    await user.click(screen.getByLabelText(/^Anklopfen/));
    await waitFor(() => expect(screen.getByLabelText(/^Anklopfen/)).not.toBeChecked());
    await talkTo(harness, '202');
    const second = userAgent().ring('204');
    await waitFor(() => expect(second.rejections).toEqual([486]));
    expect(screen.queryByTestId('waiting-call')).toBeNull();
    expect(harness.history.list().map((entry) => [entry.number, entry.outcome])).toEqual([
      ['204', 'refused-busy'],
    ]);
  });
});

describe('transfer from the call screen', () => {
  // Breaks when the paid-number check is missing: a transfer would skip the PIN.
  it('refuses a target that needs the PIN before any REFER, then transfers blind to 204 with progress', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await talkTo(harness, '202');
    const call = Inviter.last;
    if (!call) throw new Error('no call');
    await user.click(screen.getByRole('button', { name: 'Weiterleiten' }));
    const target = screen.getByTestId('transfer-target');
    await user.type(target, PAID);
    expect(screen.getByText(/brauchen die PIN: Eine Weiterleitung würde sie umgehen/)).toBeVisible();
    expect(screen.getByRole('button', { name: 'Sofort weiterleiten' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Erst sprechen' })).toBeDisabled();

    await user.clear(target);
    await user.type(target, '204');
    await user.click(screen.getByRole('button', { name: 'Sofort weiterleiten' }));
    expect(call.refers).toHaveLength(1);
    act(() => answerRefer(call, 'SIP/2.0 180 Ringing'));
    expect(screen.getByTestId('transfer-status')).toHaveTextContent('Weiterleitung: Es klingelt bei 204');
    act(() => answerRefer(call, 'SIP/2.0 200 OK'));
    expect(await screen.findByTestId('call-outcome', {}, slow)).toHaveTextContent(
      'Das Gespräch wurde weitergeleitet.',
    );
    expect(harness.history.list()[0]?.outcome).toBe('transferred');
  });

  async function refuseTransfer(status: number, reasonPhrase: string, reasonHeader?: string) {
    const harness = await renderPhone(samplePolicy());
    const user = await talkTo(harness, '202');
    const call = Inviter.last;
    if (!call) throw new Error('no call');
    await user.click(screen.getByRole('button', { name: 'Weiterleiten' }));
    await user.type(screen.getByTestId('transfer-target'), '204');
    await user.click(screen.getByRole('button', { name: 'Sofort weiterleiten' }));
    act(() =>
      call.refers[0]?.options.requestDelegate?.onReject?.({
        message: Object.assign(new FakeMessage(reasonHeader ? { reason: reasonHeader } : {}), {
          statusCode: status,
          reasonPhrase,
        }),
      }),
    );
    return screen.getByTestId('transfer-status');
  }

  // Breaks when a refusal is swallowed, the call is dropped on it, or an unknown phrase replaces the
  // German sentence (it is only a secondary detail).
  it('says so when the PBX refuses the transfer, and the call goes on', async () => {
    const status = await refuseTransfer(403, 'Forbidden', 'SIP;cause=403;text="Transfer not allowed"');
    expect(status).toHaveTextContent(
      'Die Weiterleitung an 204 ist nicht möglich: Die Telefonanlage erlaubt diese Weiterleitung nicht.',
    );
    expect(status).toHaveTextContent('Das Gespräch bleibt bei Ihnen.');
    expect(screen.getByTestId('transfer-refusal-detail')).toHaveTextContent(
      'Meldung der Telefonanlage: 403 Transfer not allowed',
    );
    expect(screen.getByTestId('call-phase')).toHaveTextContent('Verbunden');
    expect(screen.getByRole('button', { name: 'Weiterleiten' })).toBeEnabled();
  });

  // The test PBX's reason phrases (docs/test-pbx.md) in German, without the English phrase. Breaks
  // when the refusal embeds the PBX's words (before: "abgelehnt (403: Transfer Only To Internal
  // Extensions)") or a known phrase is not mapped.
  it.each([
    [403, 'Transfer Only To Internal Extensions', 'Weitergeleitet wird nur an Durchwahlen der Firma.'],
    [403, 'Transfer Target Is Already In This Call', 'Dieses Ziel ist schon in diesem Gespräch.'],
    [403, 'Transfer Only Inside A Call', 'Versuchen Sie es erneut, solange das Gespräch läuft.'],
    [486, 'Busy Here', 'Das Ziel ist besetzt.'],
    [480, 'Temporarily Unavailable', 'Das Ziel ist gerade nicht erreichbar.'],
    [404, 'Not Found', 'Diese Nummer gibt es nicht.'],
    [488, 'Not Acceptable Here', 'Das Ziel kann diesen Anruf technisch nicht annehmen.'],
    [603, 'Decline', 'Die Gegenseite hat die Weiterleitung abgelehnt.'],
  ])('%i %s: a German sentence, no English phrase', async (code, phrase, german) => {
    const status = await refuseTransfer(code, phrase);
    expect(status).toHaveTextContent(german);
    expect(status).not.toHaveTextContent(phrase);
    expect(screen.queryByTestId('transfer-refusal-detail')).toBeNull();
  });

  // Breaks when "Talk first" does not hold the first call, or "Complete" refers without the consulted call.
  it('attended: talk first to 204 (202 held), then complete the transfer', async () => {
    const harness = await renderPhone(samplePolicy());
    const user = await talkTo(harness, '202');
    const first = Inviter.last;
    if (!first) throw new Error('no call');
    await user.click(screen.getByRole('button', { name: 'Weiterleiten' }));
    await user.type(screen.getByTestId('transfer-target'), '204');
    await user.click(screen.getByRole('button', { name: 'Erst sprechen' }));
    const consult = Inviter.last;
    if (!consult || consult === first) throw new Error('no consultation call');
    expect(first.reInvites).toEqual([true]);
    act(() => consult.transition(SessionState.Established));
    expect(await screen.findByTestId('consulting', {}, slow)).toHaveTextContent(
      'Rücksprache mit 204 vor der Weiterleitung von 202',
    );
    expect(screen.getByTestId('held-call')).toHaveTextContent('Gehalten: 202');
    await user.click(screen.getByRole('button', { name: 'Weiterleitung abschließen' }));
    expect(first.refers[0]?.target).toBe(consult);
    act(() => answerRefer(first, 'SIP/2.0 200 OK'));
    expect(await screen.findByTestId('call-outcome', {}, slow)).toHaveTextContent(
      'Das Gespräch wurde weitergeleitet.',
    );
    expect(harness.history.list().map((entry) => entry.outcome)).toEqual(['transferred', 'transferred']);
  });
});
