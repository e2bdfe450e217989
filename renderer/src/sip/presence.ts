/**
 * Presence from the `dialog` event package (RFC 4235): the `application/dialog-info+xml` documents
 * a PBX sends in NOTIFYs, read with the browser's DOMParser, and what a colleague's dot shows. Pure:
 * the subscriptions themselves live in presence-watcher.ts.
 */
export type PresenceState = 'idle' | 'ringing' | 'busy';

export interface DialogInfo {
  entity: string;
  version: number;
  full: boolean;
  dialogs: { id: string; state: string; direction: 'initiator' | 'recipient' | null }[];
}

const NS = 'urn:ietf:params:xml:ns:dialog-info';

/** The document, or null when it is not dialog-info (malformed, another root, no version). */
export function parseDialogInfo(xml: string, parser: DOMParser = new DOMParser()): DialogInfo | null {
  if (xml.length > 64_000) return null;
  const doc = parser.parseFromString(xml, 'application/xml');
  const root = doc.documentElement;
  if (!root || root.localName !== 'dialog-info' || doc.getElementsByTagName('parsererror').length > 0)
    return null;
  if (root.namespaceURI !== null && root.namespaceURI !== NS) return null;
  const version = Number.parseInt(root.getAttribute('version') ?? '', 10);
  if (!Number.isFinite(version) || version < 0) return null;
  const dialogs = Array.from(root.children)
    .filter((child) => child.localName === 'dialog')
    .map((dialog) => {
      const raw = dialog.getAttribute('direction');
      const direction: 'initiator' | 'recipient' | null =
        raw === 'initiator' || raw === 'recipient' ? raw : null;
      const stateElement = Array.from(dialog.children).find((child) => child.localName === 'state');
      return {
        id: dialog.getAttribute('id') ?? '',
        state: (stateElement?.textContent ?? '').trim().toLowerCase(),
        direction,
      };
    });
  return {
    entity: root.getAttribute('entity') ?? '',
    version,
    full: (root.getAttribute('state') ?? 'full') === 'full',
    dialogs,
  };
}

/**
 * The dot: busy while any call is confirmed or being placed, ringing while a call to the
 * colleague rings (early/trying as recipient), idle otherwise (terminated dialogs count for nothing).
 */
export function presenceOf(info: DialogInfo): PresenceState {
  const live = info.dialogs.filter((dialog) => dialog.state !== 'terminated' && dialog.state !== '');
  if (live.some((dialog) => dialog.state === 'confirmed')) return 'busy';
  if (live.some((dialog) => dialog.direction !== 'recipient')) return 'busy';
  return live.length > 0 ? 'ringing' : 'idle';
}

/**
 * Applies a NOTIFY to the last state of one subscription: a document whose version is not above
 * the last one seen is stale (RFC 4235 §4.1) and ignored; a partial one (which the test PBX never
 * sends) is not trusted either.
 */
export function nextPresence(
  last: { version: number; state: PresenceState } | null,
  info: DialogInfo | null,
): { version: number; state: PresenceState } | null {
  if (!info || !info.full) return last;
  if (last && info.version <= last.version) return last;
  return { version: info.version, state: presenceOf(info) };
}
