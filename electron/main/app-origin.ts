/** The renderer is served from this privileged custom scheme, never from file:// (checklist item 18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tollgate';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The origins whose documents may use the host bridge: the packaged app, or the dev server in `npm run dev`. */
export function trustedRendererOrigins(devServerUrl: string | undefined): string[] {
  return devServerUrl ? [APP_ORIGIN, new URL(devServerUrl).origin] : [APP_ORIGIN];
}

export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Custom schemes have an opaque origin in WHATWG URL; compose it from scheme and host.
    return parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return null;
  }
}
