import { createParser } from 'eventsource-parser';

/** A fetch body as far as this reader needs it (shared/ has no DOM types: a WHATWG ReadableStream fits). */
export interface ByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array }>;
    releaseLock(): void;
  };
}

/** One Server-Sent Event; `event` is 'message' when the server named none. */
export interface StreamEvent {
  event: string;
  data: string;
}

/**
 * Reads a Server-Sent Events body (the policy API's `/policy/events`, read with fetch so headers can
 * be set) and hands each event to `onEvent` until it returns `true` ('stopped') or the stream ends
 * ('ended'). Parsing is `eventsource-parser`'s (the WHATWG rules: comments, multi-line data, CRLF,
 * events split across chunks); this is the one SSE reader of the phone and the tests.
 */
export async function readEventStream(
  body: ByteStream,
  onEvent: (event: StreamEvent) => unknown,
): Promise<'stopped' | 'ended'> {
  let stopped = false;
  const parser = createParser({
    onEvent: (message) => {
      if (!stopped && onEvent({ event: message.event ?? 'message', data: message.data }) === true)
        stopped = true;
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'ended';
      parser.feed(decoder.decode(value, { stream: true }));
      if (stopped) return 'stopped';
    }
  } finally {
    reader.releaseLock();
  }
}
