import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EXTENSIONS, NUMBERS, requireNumber, signIn } from './pbx';
import { recordPeerConnections } from './media-stats';

/**
 * Konto → Audio against the test PBX: the echo test call reaches the PBX's echo service and the
 * phone's own audio (Chromium's fake microphone) comes back; the call volume is on the remote audio.
 */

/** Inbound audio of the newest peer connection: packets and the energy of what was played out. */
async function inboundAudio(page: Page): Promise<{ packets: number; energy: number }> {
  return page.evaluate(async () => {
    const connection = (
      window as unknown as { __peerConnections?: RTCPeerConnection[] }
    ).__peerConnections?.at(-1);
    if (!connection) return { packets: 0, energy: 0 };
    let packets = 0;
    let energy = 0;
    (await connection.getStats()).forEach(
      (report: { type: string; kind?: string; packetsReceived?: number; totalAudioEnergy?: number }) => {
        if (report.type !== 'inbound-rtp' || report.kind !== 'audio') return;
        packets += report.packetsReceived ?? 0;
        energy += report.totalAudioEnergy ?? 0;
      },
    );
    return { packets, energy };
  });
}

test('the echo test call from the Konto tab reaches the echo service, the audio comes back at the chosen volume', async ({
  openApp,
}) => {
  const ECHO = requireNumber(NUMBERS.echo, 'TOLLGATE_QA_ECHO', 'echo service');
  const page = await openApp({ locale: 'de-DE' });
  await recordPeerConnections(page);
  await page.reload();
  await signIn(page, EXTENSIONS.notEntitled);

  // The volume: 50 %, saved when the slider is let go.
  const slider = page.getByRole('slider', { name: 'Lautstärke im Gespräch' });
  await slider.fill('50');
  await slider.blur();
  await expect(page.getByText('50 %')).toBeVisible();

  const echoButton = page.getByRole('button', { name: 'Testanruf (Echo)' });
  await expect(echoButton).toBeEnabled();
  await expect(page.getByText(`(${ECHO})`, { exact: false })).toBeVisible();
  await echoButton.click();

  // The call opens on the Telefon tab like any other call, to the echo service.
  await expect(page.getByRole('tab', { name: 'Telefon' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('call-phase')).toContainText(/verbunden/i, { timeout: 20_000 });

  // Audio comes back: packets arrive and they carry sound (the fake microphone's beeps, echoed).
  await expect.poll(async () => (await inboundAudio(page)).packets, { timeout: 20_000 }).toBeGreaterThan(100);
  const before = (await inboundAudio(page)).energy;
  await expect
    .poll(async () => (await inboundAudio(page)).energy, { timeout: 20_000 })
    .toBeGreaterThan(before);

  // Breaks when RemoteAudio does not apply audio.outputVolume.
  const remote = page.getByTestId('remote-audio');
  await expect.poll(() => remote.evaluate((element: HTMLAudioElement) => element.volume)).toBe(0.5);
  expect(await remote.evaluate((element: HTMLAudioElement) => element.srcObject !== null)).toBe(true);

  await page.getByRole('button', { name: 'Auflegen' }).click();
  await expect(page.getByTestId('call-outcome')).toHaveText('Das Gespräch ist beendet.');
});
