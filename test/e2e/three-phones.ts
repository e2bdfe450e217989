import type { Page } from '@playwright/test';
import { expect, type PbxUnderTest } from './fixtures';
import { recordPeerConnections } from './media-stats';
import { signIn, type Account } from './pbx';
import { recordSipWire, type SipWire } from './phone-probes';

/**
 * Phones for the second-line, transfer and DND specs (each an independent app signed in to the
 * worker's PBX, with its SIP traffic and peer connections recorded). English or German by choice:
 * the assertions use the app's own words (renderer/src/i18n).
 */
export interface Phone {
  page: Page;
  wire: SipWire;
  number: string;
}

export async function phone(
  openApp: (options?: { locale?: 'de-DE' | 'en-US' }) => Promise<Page>,
  pbx: PbxUnderTest,
  who: Account,
  locale: 'de-DE' | 'en-US' = 'en-US',
): Promise<Phone> {
  const page = await openApp({ locale });
  const wire = recordSipWire(page);
  await recordPeerConnections(page);
  await page.reload();
  await signIn(page, who, pbx.target);
  return { page, wire, number: who.number };
}

export async function dial(caller: Phone, number: string): Promise<void> {
  await caller.page.getByRole('tab', { name: /Telefon|Phone/ }).click();
  await caller.page.getByLabel(/^(Rufnummer|Number)$/).fill(number);
  await caller.page.getByRole('button', { name: /^(Anrufen|Call)$/ }).click();
}

/** The call in front says it is connected (with the PBX or the party: both are "connected"). */
export async function expectConnected(side: Phone): Promise<void> {
  await expect(side.page.getByTestId('call-phase')).toContainText(/verbunden|connected/i, {
    timeout: 20_000,
  });
}

/** Calls and answers; both sides show the call as connected. */
export async function connect(caller: Phone, callee: Phone): Promise<void> {
  await dial(caller, callee.number);
  await expect(callee.page.getByTestId('call-phase')).toHaveText(/Eingehender Anruf|Incoming call/, {
    timeout: 20_000,
  });
  await callee.page.getByRole('button', { name: /^(Annehmen|Accept)$/ }).click();
  await expectConnected(caller);
  await expectConnected(callee);
}

/** RTP audio packets sent and received on one of the page's peer connections (0: its first call). */
async function packetsOn(page: Page, index: number | 'last'): Promise<{ sent: number; received: number }> {
  return page.evaluate(async (which) => {
    const connections =
      (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const connection = which === 'last' ? connections.at(-1) : connections[which];
    if (!connection) return { sent: 0, received: 0 };
    let sent = 0;
    let received = 0;
    (await connection.getStats()).forEach(
      (report: { type: string; kind?: string; packetsSent?: number; packetsReceived?: number }) => {
        if (report.type === 'outbound-rtp' && report.kind === 'audio') sent += report.packetsSent ?? 0;
        if (report.type === 'inbound-rtp' && report.kind === 'audio') received += report.packetsReceived ?? 0;
      },
    );
    return { sent, received };
  }, index);
}

/**
 * Audio flows both ways on each given side's call: more than `atLeast` RTP packets sent and received
 * since now. `connection`: which of that page's peer connections (default its last one).
 */
export async function expectAudioBothWays(
  ...sides: { phone: Phone; connection?: number | 'last' }[]
): Promise<void> {
  for (const { phone: side, connection = 'last' } of sides) {
    const before = await packetsOn(side.page, connection);
    await expect
      .poll(
        async () => {
          const now = await packetsOn(side.page, connection);
          return Math.min(now.sent - before.sent, now.received - before.received);
        },
        { timeout: 20_000, message: `audio both ways at ${side.number}` },
      )
      .toBeGreaterThan(25);
  }
}

/** Opens Verlauf and returns its list. */
export async function historyList(side: Phone) {
  await side.page.getByRole('tab', { name: /Verlauf|History/ }).click();
  return side.page.getByTestId('history-list');
}

export const ENDED = /Das Gespräch ist beendet\.|The call has ended\./;
