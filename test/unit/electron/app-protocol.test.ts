import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  handlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
}));
vi.mock('electron', () => ({
  protocol: {
    handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) =>
      electron.handlers.set(scheme, handler),
    registerSchemesAsPrivileged: () => {},
  },
}));

const { resolveAppRequest, serveRenderer } = await import('../../../electron/main/app-protocol');

const CSP = "default-src 'none'";

/** A built renderer in a temporary folder, with a secret next to it that must never be served. */
function builtRenderer() {
  const parent = mkdtempSync(join(tmpdir(), 'tollgate-app-protocol-'));
  const root = join(parent, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tollgate</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(parent, 'settings.json'), '{"secret": true}');
  mkdirSync(join(parent, 'renderer-evil'));
  writeFileSync(join(parent, 'renderer-evil', 'index.html'), 'evil');
  serveRenderer(root, () => CSP);
  const handler = electron.handlers.get('app');
  if (!handler) throw new Error('serveRenderer registered no app: handler');
  return { root, handler };
}

describe('app:// protocol handler', () => {
  it('serves the document with the CSP header and assets without it', async () => {
    const { handler } = builtRenderer();
    const page = await handler({ url: 'app://tollgate/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toBe(CSP);
    expect(page.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('Tollgate');
    expect((await handler({ url: 'app://tollgate/' })).status).toBe(200);
    const script = await handler({ url: 'app://tollgate/assets/app.js' });
    expect(script.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  // Breaks when decodeURIComponent or new URL runs outside the guard (the handler would reject).
  it.each([
    ['a percent-escape that does not decode', 'app://tollgate/%E0%A4%A', 400],
    ['a lone percent sign', 'app://tollgate/%', 400],
    ['a NUL byte', 'app://tollgate/index.html%00.js', 400],
    ['not a URL at all', 'not a url', 400],
    ['an encoded dot-dot (the URL parser removes it too)', 'app://tollgate/%2e%2e/settings.json', 404],
    ['an encoded slash traversal', 'app://tollgate/assets/..%2f..%2fsettings.json', 403],
    [
      'a traversal into a sibling folder with the same prefix',
      'app://tollgate/..%2frenderer-evil/index.html',
      403,
    ],
    ['a plain traversal (the URL parser removes it)', 'app://tollgate/../../settings.json', 404],
    ['a backslash traversal', 'app://tollgate/..%5c..%5csettings.json', 404],
    ['another host', 'app://evil/index.html', 404],
    ['a missing file', 'app://tollgate/nothing.js', 404],
    ['a folder', 'app://tollgate/assets/', 404],
  ])('answers %s without throwing', async (_what, url, status) => {
    const { handler } = builtRenderer();
    const response = await handler({ url });
    expect(response.status).toBe(status);
    expect(response.status === 200 ? '' : await response.text()).not.toContain('secret');
  });

  it('never resolves a path outside the root', () => {
    const root = '/opt/Tollgate/resources/app.asar/dist/renderer';
    // Only a `..` hidden behind an encoded slash survives URL parsing; the root check catches it.
    for (const url of [
      'app://tollgate/..%2F..%2Fetc%2Fpasswd',
      'app://tollgate/assets/..%2f..%2f..%2fx',
      'app://tollgate/..%2fdist/renderer-evil/index.html',
    ]) {
      const target = resolveAppRequest(root, url);
      expect(target).toEqual({ kind: 'refused', status: 403 });
    }
    for (const url of ['app://tollgate/assets/%2e%2e/index.html', 'app://tollgate/assets/..%2findex.html'])
      expect(resolveAppRequest(root, url)).toEqual({ kind: 'file', path: `${root}/index.html` });
    expect(resolveAppRequest(root, 'app://tollgate/%2e%2e/%2e%2e/etc/passwd')).toEqual({
      kind: 'file',
      path: `${root}/etc/passwd`,
    });
  });

  it('answers 500 instead of throwing when building the CSP fails', async () => {
    const { root } = builtRenderer();
    serveRenderer(root, () => {
      throw new Error('settings unreadable');
    });
    const handler = electron.handlers.get('app');
    expect((await handler?.({ url: 'app://tollgate/index.html' }))?.status).toBe(500);
  });
});
