import { findDialLinkInArgs, parseDialLink, type DialTarget } from '../../shared/links/dial-link';

/**
 * Holds `tel:`/`sip:` links until the renderer is ready for them. A link only ever fills in the
 * number field; nothing here dials.
 */
export class DialLinkInbox {
  private pending: DialTarget | null = null;
  private deliver: ((target: DialTarget) => void) | null = null;

  /** The renderer announced it listens: deliver later links directly. */
  attach(deliver: (target: DialTarget) => void): void {
    this.deliver = deliver;
  }

  detach(): void {
    this.deliver = null;
  }

  receiveUrl(url: string): void {
    this.receive(parseDialLink(url));
  }

  receiveArgs(argv: readonly string[]): void {
    this.receive(findDialLinkInArgs(argv));
  }

  takePending(): DialTarget | null {
    const target = this.pending;
    this.pending = null;
    return target;
  }

  private receive(target: DialTarget | null): void {
    if (!target) return;
    if (this.deliver) this.deliver(target);
    else this.pending = target;
  }
}

export const DIAL_LINK_SCHEMES = ['tel', 'sip'] as const;
