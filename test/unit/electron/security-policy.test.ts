import { describe, expect, it } from 'vitest';
import {
  appContentSecurityPolicy,
  BASELINE_CONTENT_SECURITY_POLICY,
} from '../../../shared/host/content-security-policy';
import { APP_ORIGIN, originOf, trustedRendererOrigins } from '../../../electron/main/app-origin';
import {
  isNavigationAllowed,
  isPermissionAllowed,
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

const ask = (
  permission: string,
  mediaTypes: readonly string[] = [],
  requestingUrl = 'app://tollgate/index.html',
  isMainFrame = true,
) => isPermissionAllowed({ permission, requestingUrl, isMainFrame, mediaTypes }, trusted);

describe('permissions (one decision for requests and checks)', () => {
  it('grants the microphone, never the camera or the screen', () => {
    expect(ask('media', ['audio'])).toBe(true);
    expect(ask('media', ['audio', 'video'])).toBe(false);
    expect(ask('media', ['video'])).toBe(false);
    // A media question must name its kinds; Electron's 'unknown' is not audio.
    expect(ask('media', [])).toBe(false);
    expect(ask('media', ['unknown'])).toBe(false);
    expect(ask('display-capture', ['video'])).toBe(false);
  });

  it('grants notifications and speaker selection to the app only', () => {
    expect(ask('notifications')).toBe(true);
    expect(ask('speaker-selection', [], 'app://tollgate/')).toBe(true);
    expect(ask('speaker-selection', [], 'app://tollgate')).toBe(true);
    expect(ask('notifications', [], 'https://pbx.example.test/')).toBe(false);
    expect(ask('media', ['audio'], 'https://evil.example')).toBe(false);
    expect(ask('media', ['audio'], 'not a url')).toBe(false);
  });

  it('grants nothing to a subframe, even of the app', () => {
    expect(ask('media', ['audio'], 'app://tollgate/index.html', false)).toBe(false);
    expect(ask('notifications', [], 'app://tollgate/index.html', false)).toBe(false);
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
    expect(ask(permission)).toBe(false);
    expect(ask(permission, ['audio'])).toBe(false);
  });
});

describe('content security policy (shared/host/content-security-policy.ts)', () => {
  it('lets the page connect only to itself and the configured PBX', () => {
    const csp = appContentSecurityPolicy(['wss://pbx.example.test:8089', 'https://pbx.example.test']);
    const connect = csp.split('; ').find((directive) => directive.startsWith('connect-src'));
    expect(connect).toBe("connect-src 'self' wss://pbx.example.test:8089 https://pbx.example.test");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('without an account, connects nowhere but itself', () => {
    expect(appContentSecurityPolicy([])).toContain("connect-src 'self';");
  });

  it('allows the dev server only when one is named', () => {
    const csp = appContentSecurityPolicy([], 'http://127.0.0.1:5173');
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:5173 ws://127.0.0.1:5173");
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('gives the built page the same policy, except any PBX origin and no frame-ancestors in a meta tag', () => {
    const header = appContentSecurityPolicy([]).split('; ');
    const meta = BASELINE_CONTENT_SECURITY_POLICY.split('; ');
    expect(meta).toContain("connect-src 'self' ws: wss: http: https:");
    expect(meta).not.toContain("frame-ancestors 'none'");
    const sameExceptConnect = (directives: string[]) =>
      directives.filter((d) => !d.startsWith('connect-src') && !d.startsWith('frame-ancestors'));
    expect(sameExceptConnect(meta)).toEqual(sameExceptConnect(header));
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
