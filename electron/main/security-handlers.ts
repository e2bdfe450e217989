import type { Session, WebContents } from 'electron';
import { isNavigationAllowed, isPermissionAllowed } from './security-policy';

/** Applies the pure decisions of security-policy.ts to Electron objects. */
export function installPermissionHandlers(session: Session, trustedOrigins: readonly string[]): void {
  // Both handlers translate Electron's details into the same question for the same function.
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(
      isPermissionAllowed(
        { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame, mediaTypes },
        trustedOrigins,
      ),
    );
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isPermissionAllowed(
      {
        permission,
        requestingUrl: requestingOrigin,
        isMainFrame: details.isMainFrame,
        mediaTypes: details.mediaType === undefined ? [] : [details.mediaType],
      },
      trustedOrigins,
    ),
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
