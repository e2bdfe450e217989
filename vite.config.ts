import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { BASELINE_CONTENT_SECURITY_POLICY } from './shared/host/content-security-policy.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * Two renderer builds from one source:
 * - `vite build` → dist/renderer/index.html: the Electron renderer (packaged). It uses the preload's
 *   bridge only; without it, it shows an error screen. The browser host is not in this bundle.
 * - `vite build --mode browser` → dist/browser/browser.html: the browser host (npm start without
 *   Electron, Playwright, benchmarks). `vite preview` serves this build, with `/` leading to it, so
 *   the address the end-to-end suite and npm start open stays `/`.
 * The dev server (npm run dev) serves both pages: `/` for Electron, `/browser.html` in a browser.
 */
const BROWSER_MODE = 'browser';
const page = (name: string) => fileURLToPath(new URL(`./renderer/${name}`, import.meta.url));

/** The built pages carry the baseline CSP meta tag (shared/host/content-security-policy.ts). */
function baselineContentSecurityPolicy(): Plugin {
  return {
    name: 'tollgate-baseline-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: BASELINE_CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * The phone-number metadata chunk (renderer/src/app/phone-number-metadata.ts) is fetched with the
 * first-screen chunks (modulepreload), not only when App asks for it: App's boot waits for it.
 */
function preloadPhoneNumberMetadata(): Plugin {
  return {
    name: 'tollgate-preload-phone-number-metadata',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (_html, context) => {
        const chunk = Object.values(context.bundle ?? {}).find(
          (item) =>
            item.type === 'chunk' &&
            /libphonenumber-js[\\/]metadata\.max\.json/.test(item.facadeModuleId ?? ''),
        );
        return chunk
          ? [
              {
                tag: 'link',
                attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` },
                injectTo: 'head',
              },
            ]
          : [];
      },
    },
  };
}

/** `vite preview` answers `/` (and `/index.html`, any query kept) with the browser-host page. */
function browserPageAtRoot(): Plugin {
  const rewrite: Connect.NextHandleFunction = (request, _response, next) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path === '/' || path === '/index.html')
      request.url = `/browser.html${queryAt === -1 ? '' : url.slice(queryAt)}`;
    next();
  };
  return {
    name: 'tollgate-browser-page-at-root',
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

export default defineConfig(({ mode, isPreview }) => {
  const browser = mode === BROWSER_MODE || isPreview === true;
  return {
    root: 'renderer',
    base: './',
    plugins: [react(), baselineContentSecurityPolicy(), browserPageAtRoot(), preloadPhoneNumberMetadata()],
    define: { 'import.meta.env.VITE_APP_VERSION': JSON.stringify(version) },
    resolve: {
      // The renderer's libphonenumber-js loads its metadata as a chunk of its own, while the app
      // boots (renderer/src/app/phone-number-metadata.ts); the PBX and the tests use the package.
      alias: [
        {
          find: /^libphonenumber-js\/max$/,
          replacement: fileURLToPath(new URL('./renderer/src/app/phone-number-metadata.ts', import.meta.url)),
        },
      ],
    },
    build: {
      outDir: browser ? '../dist/browser' : '../dist/renderer',
      emptyOutDir: true,
      target: 'chrome130',
      sourcemap: true,
      rolldownOptions: { input: page(browser ? 'browser.html' : 'index.html') },
    },
    server: { port: 5173, strictPort: true, host: '127.0.0.1' },
    preview: { host: '127.0.0.1' },
  };
});
