import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../electron/main/app-origin';
import { installNavigationGuards, installPermissionHandlers } from '../../../electron/main/security-handlers';

/** The handlers as Electron would call them: fake session and web contents record what is installed. */
function fakeSession() {
  const installed: {
    request?: (
      wc: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: object,
    ) => void;
    check?: (wc: unknown, permission: string, origin: string, details: object) => boolean;
    device?: () => boolean;
  } = {};
  const session = {
    setPermissionRequestHandler: (handler: typeof installed.request) => (installed.request = handler),
    setPermissionCheckHandler: (handler: typeof installed.check) => (installed.check = handler),
    setDevicePermissionHandler: (handler: typeof installed.device) => (installed.device = handler),
  } as unknown as Session;
  return { session, installed };
}

function fakeContents(url: string) {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = Object.assign(emitter, {
    getURL: () => url,
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
  }) as unknown as WebContents;
  const navigate = (event: string, target: string) => {
    let prevented = false;
    emitter.emit(event, { preventDefault: () => (prevented = true) }, target);
    return prevented;
  };
  return { contents, navigate, open: (target: string) => openHandler?.({ url: target }) };
}

describe('Electron security handlers as installed', () => {
  it('grant the app the microphone and notifications only', async () => {
    const { session, installed } = fakeSession();
    installPermissionHandlers(session, [APP_ORIGIN]);
    const ask = (permission: string, details: object) =>
      new Promise<boolean>((resolve) =>
        installed.request?.({}, permission, resolve, { isMainFrame: true, ...details }),
      );
    expect(await ask('media', { requestingUrl: 'app://tollgate/index.html', mediaTypes: ['audio'] })).toBe(
      true,
    );
    expect(await ask('media', { requestingUrl: 'app://tollgate/index.html', mediaTypes: ['video'] })).toBe(
      false,
    );
    expect(await ask('notifications', { requestingUrl: 'app://tollgate/index.html' })).toBe(true);
    expect(await ask('geolocation', { requestingUrl: 'app://tollgate/index.html' })).toBe(false);
    expect(await ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false);
    expect(installed.check?.({}, 'media', 'app://tollgate', { mediaType: 'audio', isMainFrame: true })).toBe(
      true,
    );
    expect(installed.check?.({}, 'clipboard-read', 'app://tollgate', { isMainFrame: true })).toBe(false);
    expect(installed.device?.()).toBe(false);
  });

  // Breaks when either handler decides on its own (e.g. the check granting 'unknown' media or a subframe).
  it('answer a check exactly as the request for the same thing', async () => {
    const { session, installed } = fakeSession();
    installPermissionHandlers(session, [APP_ORIGIN]);
    const permissions = ['media', 'notifications', 'speaker-selection', 'geolocation', 'display-capture'];
    const origins = ['app://tollgate', 'https://evil.example', 'http://127.0.0.1:5173'];
    const kinds = [undefined, 'audio', 'video', 'unknown'] as const;
    let granted = 0;
    for (const permission of permissions)
      for (const origin of origins)
        for (const kind of kinds)
          for (const isMainFrame of [true, false]) {
            const request = await new Promise<boolean>((resolve) =>
              installed.request?.({}, permission, resolve, {
                requestingUrl: `${origin}/index.html`,
                isMainFrame,
                ...(kind === undefined ? {} : { mediaTypes: [kind] }),
              }),
            );
            const check = installed.check?.({}, permission, origin, {
              isMainFrame,
              ...(kind === undefined ? {} : { mediaType: kind }),
            });
            expect({ permission, origin, kind, isMainFrame, check }).toEqual({
              permission,
              origin,
              kind,
              isMainFrame,
              check: request,
            });
            if (request) granted++;
          }
    // media+audio, and notifications and speaker selection with any kind: from the app's top frame only.
    expect(granted).toBe(1 + 4 + 4);
  });

  it('cancel navigation and redirects away from the app, deny new windows and webviews', () => {
    const { contents, navigate, open } = fakeContents('app://tollgate/index.html');
    installNavigationGuards(contents, () => {});
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'app://tollgate/index.html#top')).toBe(false);
    expect(open('https://example.com/')).toEqual({ action: 'deny' });
    expect(navigate('will-attach-webview', 'x')).toBe(true);
  });
});
