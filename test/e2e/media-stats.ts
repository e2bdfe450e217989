import type { Page } from '@playwright/test';

/**
 * Test-only instrumentation, injected by Playwright (the app has no such hook): remembers every
 * RTCPeerConnection the page creates, so a test can read RTP statistics.
 */
export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const original = window.RTCPeerConnection;
    const created: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = created;
    const Recording = function (this: unknown, configuration?: RTCConfiguration) {
      const connection = new original(configuration);
      created.push(connection);
      return connection;
    } as unknown as typeof RTCPeerConnection;
    Recording.prototype = original.prototype;
    Object.defineProperty(Recording, 'generateCertificate', { value: original.generateCertificate });
    window.RTCPeerConnection = Recording;
  });
}

/** Audio RTP packets sent and received by the page's newest peer connection. */
export async function audioPackets(page: Page): Promise<{ sent: number; received: number }> {
  return page.evaluate(async () => {
    const connections =
      (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const connection = connections.at(-1);
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
  });
}
