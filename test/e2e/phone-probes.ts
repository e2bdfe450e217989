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
 * end is audible there. Every block of samples is examined (no timer that a busy machine could
 * delay): Goertzel filters at the eight DTMF frequencies over the last 2048 samples, every 512; a key
 * counts when both of its frequencies stand out (10 dB over the others of their group) in two
 * windows in a row, and the same key heard again within 150 ms is the same press
 * (counted as a dropout in the state, see {@link toneDecoderState}).
 */
export async function startToneDecoder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const element = document.querySelector('audio');
    const stream = element?.srcObject;
    if (!(stream instanceof MediaStream)) throw new Error('The app plays no remote audio yet.');
    const context = new AudioContext();
    const block = 512;
    const window = new Float32Array(4 * block);
    // ScriptProcessorNode is deprecated but needs no module file; it sees every sample.
    const processor = context.createScriptProcessor(block, 1, 1);
    const silent = context.createGain();
    silent.gain.value = 0;
    context.createMediaStreamSource(stream).connect(processor);
    processor.connect(silent).connect(context.destination);
    const rows = [697, 770, 852, 941];
    const columns = [1209, 1336, 1477, 1633];
    const keys = ['123A', '456B', '789C', '*0#D'];
    const power = (frequency: number) => {
      const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / context.sampleRate);
      let previous = 0;
      let beforePrevious = 0;
      for (const sample of window) {
        const current = sample + coefficient * previous - beforePrevious;
        beforePrevious = previous;
        previous = current;
      }
      return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    };
    const strongest = (frequencies: number[]) => {
      const powers = frequencies.map(power);
      const best = powers.indexOf(Math.max(...powers));
      const others = Math.max(...powers.filter((_, index) => index !== best));
      return { index: best, power: powers[best] ?? 0, margin: (powers[best] ?? 0) / Math.max(others, 1e-12) };
    };
    // A tone that drops out for a moment (playout concealment on a busy machine) and comes back as
    // the same key within this gap is one key press, not two: the app never sends the same key
    // twice that close (its tones are separated by their duration and the inter-tone gap).
    const sameKeyGapMs = 150;
    const state = {
      decoded: '',
      candidate: '',
      seen: 0,
      blocks: 0,
      loudest: 0,
      context: '',
      lastKey: '',
      lastHeardBlock: -1_000_000,
      dropouts: 0,
    };
    (globalThis as unknown as { __tones: typeof state }).__tones = state;
    processor.onaudioprocess = (event) => {
      window.copyWithin(0, block);
      window.set(event.inputBuffer.getChannelData(0), window.length - block);
      const row = strongest(rows);
      const column = strongest(columns);
      state.blocks += 1;
      state.context = context.state;
      state.loudest = Math.max(state.loudest, Math.min(row.power, column.power));
      // Far louder than the far end's fake microphone (about -30 dBFS at least, at 2048 samples).
      const audible = row.power > 1e3 && column.power > 1e3;
      const key =
        audible && row.margin > 10 && column.margin > 10 ? (keys[row.index]?.[column.index] ?? '') : '';
      state.seen = key && key === state.candidate ? state.seen + 1 : key ? 1 : 0;
      state.candidate = key;
      if (key && state.seen === 2) {
        const gapMs = ((state.blocks - state.lastHeardBlock) * block * 1000) / context.sampleRate;
        if (key === state.lastKey && gapMs < sameKeyGapMs) state.dropouts += 1;
        else state.decoded += key;
      }
      if (key && state.seen >= 2) {
        state.lastKey = key;
        state.lastHeardBlock = state.blocks;
      }
    };
  });
}

/** How the decoder is doing: blocks examined, the loudest key-like sound, the audio context's state. */
export function toneDecoderState(page: Page): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify((globalThis as unknown as { __tones?: unknown }).__tones ?? null),
  );
}

/** The keys decoded so far by {@link startToneDecoder}. */
export function decodedTones(page: Page): Promise<string> {
  return page.evaluate(
    () => (globalThis as unknown as { __tones?: { decoded: string } }).__tones?.decoded ?? '',
  );
}
