import type { Page } from '@playwright/test';

/**
 * Holds the PBX's SIP messages to one page at a chosen message, so that a short PIN phase (checking,
 * accepted, ringing: a few hundred milliseconds on the test PBX) stays on the screen until the test
 * has read it and taken its picture. Only the delivery to the phone waits; the PBX goes on as it
 * would (it never waits for the answer to an IVR signal, docs/test-pbx.md), and the held messages
 * follow in their order on {@link SipGate.release}. Messages from the page pass untouched.
 */
export class SipGate {
  private readonly queue: string[] = [];
  private holding = false;
  private trigger: { pattern: RegExp; reached: () => void } | null = null;
  private deliver: ((message: string) => void) | null = null;

  /** Routes the page's SIP WebSocket (before it connects, i.e. before signing in). */
  static async install(page: Page, sipWebSocketUrl: string): Promise<SipGate> {
    const gate = new SipGate();
    await page.routeWebSocket(sipWebSocketUrl, (route) => {
      const server = route.connectToServer();
      gate.deliver = (message) => route.send(message);
      server.onMessage((message) => gate.receive(typeof message === 'string' ? message : message.toString()));
      // Messages from the page: forwarded to the PBX as they are (no onMessage handler on the route).
    });
    return gate;
  }

  /**
   * From now on, the first message matching `pattern` is delivered and the ones after it wait.
   * Resolves when it was delivered; rejects when none came within `timeoutMs` (an upper bound).
   */
  holdAfter(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.trigger = null;
        reject(
          new Error(`No SIP message matching ${String(pattern)} reached the page within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.trigger = {
        pattern,
        reached: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.flush();
    });
  }

  /** Delivers the held messages (until a new trigger of {@link holdAfter} matches). */
  release(): void {
    this.holding = false;
    this.flush();
  }

  private receive(message: string): void {
    this.queue.push(message);
    this.flush();
  }

  private flush(): void {
    while (!this.holding && this.deliver && this.queue.length > 0) {
      const message = this.queue.shift() ?? '';
      this.deliver(message);
      const trigger = this.trigger;
      if (trigger?.pattern.test(message)) {
        this.trigger = null;
        this.holding = true;
        trigger.reached();
      }
    }
  }
}

/** An in-dialog IVR signal of the given phase (the `tollgate-ivr` INFO body, docs/test-pbx.md). */
export function ivrSignal(phase: string): RegExp {
  return new RegExp(`^INFO [\\s\\S]*"phase":"${phase}"`);
}
