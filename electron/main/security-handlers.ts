import type { Session, WebContents } from 'electron';
import { isNavigationAllowed, isPermissionCheckGranted, isPermissionGranted } from './security-policy';

/** Applies the pure decisions of security-policy.ts to Electron objects. */
export function installPermissionHandlers(session: Session, trustedOrigins: readonly string[]): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(isPermissionGranted(permission, details.requestingUrl, trustedOrigins, mediaTypes));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isPermissionCheckGranted(permission, requestingOrigin, trustedOrigins, details.mediaType),
  );
  // No device chooser (HID, serial, USB, Bluetooth) is ever granted.
  session.setDevicePermissionHandler(() => false);
}

export function installNavigationGuards(contents: WebContents, log: (message: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, contents.getURL())) {
      event.preventDefault();
      log(`Blocked navigation to ${url}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, contents.getURL())) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`Blocked window.open of ${url}`);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
