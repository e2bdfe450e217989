import { originOf } from './app-origin';

/**
 * Pure security decisions of the main process, unit-tested without Electron.
 * electron/main/security-handlers.ts applies them to the session and web contents.
 */

/** The Content-Security-Policy of the app document. connect-src names only the configured PBX origins. */
export function buildContentSecurityPolicy(pbxOrigins: readonly string[], devServerOrigin?: string): string {
  const connect = ["'self'", ...new Set(pbxOrigins)];
  const script = ["'self'"];
  if (devServerOrigin) {
    // Vite's dev server needs its HMR WebSocket and React refresh preamble.
    const ws = devServerOrigin.replace(/^http/, 'ws');
    connect.push(devServerOrigin, ws);
    script.push("'unsafe-inline'");
  }
  return [
    "default-src 'none'",
    `script-src ${script.join(' ')}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'none'",
  ].join('; ');
}

/** Permissions a softphone needs: the microphone (never the camera or the screen) and notifications. */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string,
  trustedOrigins: readonly string[],
  mediaTypes: readonly string[] | undefined,
): boolean {
  const origin = originOf(requestingUrl);
  if (origin === null || !trustedOrigins.includes(origin)) return false;
  switch (permission) {
    case 'media':
      // A request must name its media types, and they must all be audio.
      return (
        mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio')
      );
    case 'notifications':
    case 'speaker-selection':
      return true;
    default:
      return false;
  }
}

/** Synchronous permission checks (e.g. enumerateDevices labels, Notification.permission). */
export function isPermissionCheckGranted(
  permission: string,
  requestingOrigin: string,
  trustedOrigins: readonly string[],
  mediaType: string | undefined,
): boolean {
  const origin = originOf(requestingOrigin);
  if (origin === null || !trustedOrigins.includes(origin)) return false;
  if (permission === 'media')
    return mediaType === 'audio' || mediaType === 'unknown' || mediaType === undefined;
  return permission === 'notifications' || permission === 'speaker-selection';
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
