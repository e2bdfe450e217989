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
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Where a request for app://… leads: a file inside the root, or the status to answer with. */
export type AppRequestTarget = { kind: 'file'; path: string } | { kind: 'refused'; status: 400 | 403 | 404 };

/**
 * Maps a request URL to a file below `root` without ever throwing: a URL that does not parse, a
 * percent-escape that does not decode (`%E0%A4%A`), a NUL byte, or a path that leaves the root
 * (`..`, encoded or not) is refused.
 */
export function resolveAppRequest(root: string, requestUrl: string): AppRequestTarget {
  const base = normalize(root);
  if (!URL.canParse(requestUrl)) return { kind: 'refused', status: 400 };
  const url = new URL(requestUrl);
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { kind: 'refused', status: 404 };
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  } catch {
    return { kind: 'refused', status: 400 };
  }
  if (relative.includes('\0')) return { kind: 'refused', status: 400 };
  const path = normalize(join(base, relative));
  if (!path.startsWith(base + sep)) return { kind: 'refused', status: 403 };
  return { kind: 'file', path };
}

/**
 * The app:// handler as a plain function of the request (tested with malformed URLs): the built
 * renderer from `rootDirectory`, with the CSP header on every document. It never throws; whatever
 * goes wrong becomes an error response.
 */
export function createAppRequestHandler(
  rootDirectory: string,
  contentSecurityPolicy: () => string,
  read: (path: string) => Promise<Uint8Array<ArrayBuffer>> = readFile,
): (request: { url: string }) => Promise<Response> {
  const answer = async (request: { url: string }): Promise<Response> => {
    const target = resolveAppRequest(rootDirectory, request.url);
    if (target.kind === 'refused') return new Response(null, { status: target.status });
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await read(target.path);
    } catch {
      return new Response(null, { status: 404 });
    }
    const headers = new Headers({
      'Content-Type': MIME_TYPES[extname(target.path)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    });
    if (target.path.endsWith('.html')) headers.set('Content-Security-Policy', contentSecurityPolicy());
    return new Response(body, { headers });
  };
  return (request) => answer(request).catch(() => new Response(null, { status: 500 }));
}

/** Serves the built renderer on app://tollgate/ (checklist item 18: never file://). */
export function serveRenderer(rootDirectory: string, contentSecurityPolicy: () => string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rootDirectory, contentSecurityPolicy));
}
