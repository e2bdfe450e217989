import { originOf } from './app-origin';

/**
 * Pure security decisions of the main process, unit-tested without Electron.
 * electron/main/security-handlers.ts applies them to the session and web contents.
 */

/** One permission question, as Electron's request and check handlers both ask it. */
export interface PermissionAsk {
  permission: string;
  /** The requesting document's URL or origin. */
  requestingUrl: string;
  isMainFrame: boolean;
  /**
   * The media kinds the question is about ('audio', 'video', Electron's 'unknown'); empty when the
   * asker names none.
   */
  mediaTypes: readonly string[];
}

/**
 * The one permission decision, used by the request handler and the check handler alike, so the two
 * cannot disagree: the app's own top-level document may use the microphone (a media question must name
 * its kinds and they must all be audio: never the camera or the screen), notifications and speaker
 * selection. Everything else, and everything asked by another origin or a subframe, is denied.
 */
export function isPermissionAllowed(ask: PermissionAsk, trustedOrigins: readonly string[]): boolean {
  const origin = originOf(ask.requestingUrl);
  if (origin === null || !trustedOrigins.includes(origin) || !ask.isMainFrame) return false;
  switch (ask.permission) {
    case 'media':
      return ask.mediaTypes.length > 0 && ask.mediaTypes.every((type) => type === 'audio');
    case 'notifications':
    case 'speaker-selection':
      return true;
    default:
      return false;
  }
}

/** IPC sender validation (checklist item 17): only the app's own top-level document may call the host. */
export function isTrustedSender(
  frame: { url: string; isMainFrame: boolean } | null | undefined,
  trustedOrigins: readonly string[],
): boolean {
  if (!frame || !frame.isMainFrame) return false;
  const origin = originOf(frame.url);
  return origin !== null && trustedOrigins.includes(origin);
}

/** In-app navigation is never allowed: the app is one document. */
export function isNavigationAllowed(targetUrl: string, currentUrl: string): boolean {
  // Only a reload of the same document (same URL without hash) is allowed.
  const strip = (url: string) => url.split('#')[0];
  return strip(targetUrl) === strip(currentUrl);
}
