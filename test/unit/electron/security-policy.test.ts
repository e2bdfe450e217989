import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, originOf, trustedRendererOrigins } from '../../../electron/main/app-origin';
import {
  buildContentSecurityPolicy,
  isNavigationAllowed,
  isPermissionCheckGranted,
  isPermissionGranted,
  isTrustedSender,
} from '../../../electron/main/security-policy';
import { mainWindowWebPreferences } from '../../../electron/main/web-preferences';

const trusted = [APP_ORIGIN];

describe('IPC sender validation', () => {
  it('accepts only the app document in the top frame', () => {
    expect(isTrustedSender({ url: 'app://tollgate/index.html', isMainFrame: true }, trusted)).toBe(true);
    expect(isTrustedSender({ url: 'app://tollgate/index.html', isMainFrame: false }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'app://evil/index.html', isMainFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'https://tollgate/index.html', isMainFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'file:///opt/Tollgate/index.html', isMainFrame: true }, trusted)).toBe(
      false,
    );
    expect(isTrustedSender({ url: 'not a url', isMainFrame: true }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
  });

  it('trusts the dev server only when one is configured', () => {
    expect(trustedRendererOrigins(undefined)).toEqual([APP_ORIGIN]);
    expect(trustedRendererOrigins('http://127.0.0.1:5173/')).toEqual([APP_ORIGIN, 'http://127.0.0.1:5173']);
    expect(originOf('app://tollgate/a/b?c')).toBe('app://tollgate');
  });
});

describe('permissions', () => {
  it('grants the microphone, never the camera or the screen', () => {
    expect(isPermissionGranted('media', 'app://tollgate/index.html', trusted, ['audio'])).toBe(true);
    expect(isPermissionGranted('media', 'app://tollgate/index.html', trusted, ['audio', 'video'])).toBe(
      false,
    );
    expect(isPermissionGranted('media', 'app://tollgate/index.html', trusted, ['video'])).toBe(false);
    expect(isPermissionGranted('media', 'app://tollgate/index.html', trusted, [])).toBe(false);
    expect(isPermissionGranted('media', 'app://tollgate/index.html', trusted, undefined)).toBe(false);
    expect(isPermissionGranted('display-capture', 'app://tollgate/index.html', trusted, ['video'])).toBe(
      false,
    );
  });

  it('grants notifications and speaker selection to the app only', () => {
    expect(isPermissionGranted('notifications', 'app://tollgate/index.html', trusted, undefined)).toBe(true);
    expect(isPermissionGranted('speaker-selection', 'app://tollgate/', trusted, undefined)).toBe(true);
    expect(isPermissionGranted('notifications', 'https://pbx.example.test/', trusted, undefined)).toBe(false);
  });

  it.each([
    'geolocation',
    'clipboard-read',
    'openExternal',
    'hid',
    'usb',
    'serial',
    'midi',
    'fullscreen',
    'unknown',
  ])('denies %s', (permission) => {
    expect(isPermissionGranted(permission, 'app://tollgate/index.html', trusted, undefined)).toBe(false);
    expect(isPermissionCheckGranted(permission, 'app://tollgate', trusted, undefined)).toBe(false);
  });

  it('answers synchronous checks the same way', () => {
    expect(isPermissionCheckGranted('media', 'app://tollgate', trusted, 'audio')).toBe(true);
    expect(isPermissionCheckGranted('media', 'app://tollgate', trusted, 'video')).toBe(false);
    expect(isPermissionCheckGranted('media', 'https://evil.example', trusted, 'audio')).toBe(false);
  });
});

describe('content security policy', () => {
  it('lets the page connect only to itself and the configured PBX', () => {
    const csp = buildContentSecurityPolicy(['wss://pbx.example.test:8089', 'https://pbx.example.test']);
    const connect = csp.split('; ').find((directive) => directive.startsWith('connect-src'));
    expect(connect).toBe("connect-src 'self' wss://pbx.example.test:8089 https://pbx.example.test");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
  });

  it('without an account, connects nowhere but itself', () => {
    expect(buildContentSecurityPolicy([])).toContain("connect-src 'self';");
  });
});

describe('navigation', () => {
  it('allows only reloading the same document', () => {
    expect(isNavigationAllowed('app://tollgate/index.html#x', 'app://tollgate/index.html')).toBe(true);
    expect(isNavigationAllowed('https://evil.example/', 'app://tollgate/index.html')).toBe(false);
    expect(isNavigationAllowed('app://tollgate/other.html', 'app://tollgate/index.html')).toBe(false);
  });
});

describe('main window web preferences', () => {
  it('are hardened', () => {
    expect(mainWindowWebPreferences('/app/preload.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
  });
});
