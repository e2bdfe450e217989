import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-origin';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/**
 * Serves the built renderer from `rootDirectory` on app://tollgate/, with the CSP header on every
 * document. Paths outside the root (`..`) are refused.
 */
export function serveRenderer(rootDirectory: string, contentSecurityPolicy: () => string): void {
  const root = normalize(rootDirectory);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const filePath = normalize(join(root, relative));
    if (!filePath.startsWith(root + sep)) return new Response('Forbidden', { status: 403 });
    try {
      const body = await readFile(filePath);
      const headers = new Headers({
        'Content-Type': MIME_TYPES[extname(filePath)] ?? 'application/octet-stream',
        'X-Content-Type-Options': 'nosniff',
      });
      if (filePath.endsWith('.html')) headers.set('Content-Security-Policy', contentSecurityPolicy());
      return new Response(body, { headers });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
