import type { Page } from '@playwright/test';

/**
 * What the PBX-neutral specs observe at a phone without help from the PBX: the SIP messages on the
 * phone's WebSocket (Playwright sees every frame) and the key tones in the audio it plays.
 */
export interface SipWire {
  sent: string[];
  received: string[];
}

/** Records every SIP message the page sends and receives; call before the phone connects. */
export function recordSipWire(page: Page): SipWire {
  const wire: SipWire = { sent: [], received: [] };
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => wire.sent.push(String(frame.payload)));
    socket.on('framereceived', (frame) => wire.received.push(String(frame.payload)));
  });
  return wire;
}

/** Responses with this status (a regular expression's source, e.g. `2\\d\\d`) to requests of `method`. */
export function responses(messages: readonly string[], method: string, status: string): string[] {
  const pattern = new RegExp(
    `^SIP/2\\.0 ${status} [^\\r\\n]*\\r?\\n[\\s\\S]*^CSeq:\\s*\\d+ ${method}\\s*$`,
    'im',
  );
  return messages.filter((message) => pattern.test(message));
}

/** Requests of `method` in the recorded messages. */
export function requests(messages: readonly string[], method: string): string[] {
  return messages.filter((message) => message.startsWith(`${method} `));
}

/**
 * Starts decoding DTMF tones from the audio the page plays (the app's remote `<audio>` element):
 * Chromium renders received RFC 4733 telephone-events as tones, so what arrives as keys at the far
 * end is audible there. A Goertzel-style look at the eight DTMF frequencies every 10 ms; a key counts
 * when both its frequencies stand out (8 dB over the others of their group).
 */
export async function startToneDecoder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const element = document.querySelector('audio');
    const stream = element?.srcObject;
    if (!(stream instanceof MediaStream)) throw new Error('The app plays no remote audio yet.');
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    analyser.smoothingTimeConstant = 0;
    context.createMediaStreamSource(stream).connect(analyser);
    const rows = [697, 770, 852, 941];
    const columns = [1209, 1336, 1477, 1633];
    const keys = ['123A', '456B', '789C', '*0#D'];
    const bins = new Float32Array(analyser.frequencyBinCount);
    const level = (frequency: number) => {
      const bin = Math.round((frequency * analyser.fftSize) / context.sampleRate);
      return Math.max(bins[bin - 1] ?? -Infinity, bins[bin] ?? -Infinity, bins[bin + 1] ?? -Infinity);
    };
    const strongest = (frequencies: number[]) => {
      const levels = frequencies.map(level);
      const best = levels.indexOf(Math.max(...levels));
      const others = levels.filter((_, index) => index !== best);
      return {
        index: best,
        level: levels[best] ?? -Infinity,
        margin: (levels[best] ?? 0) - Math.max(...others),
      };
    };
    const state = { decoded: '', candidate: '', seen: 0, emitted: false, peak: -Infinity };
    (window as unknown as { __tones: typeof state }).__tones = state;
    setInterval(() => {
      analyser.getFloatFrequencyData(bins);
      const row = strongest(rows);
      const column = strongest(columns);
      state.peak = Math.max(state.peak, Math.min(row.level, column.level));
      const key =
        row.level > -85 && column.level > -85 && row.margin > 8 && column.margin > 8
          ? (keys[row.index]?.[column.index] ?? '')
          : '';
      if (key === state.candidate) {
        state.seen += 1;
      } else {
        state.candidate = key;
        state.seen = 1;
        state.emitted = false;
      }
      if (key && !state.emitted) {
        state.decoded += key;
        state.emitted = true;
      }
    }, 5);
  });
}

/** The keys decoded so far by {@link startToneDecoder}. */
export function decodedTones(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as { __tones?: { decoded: string } }).__tones?.decoded ?? '');
}
