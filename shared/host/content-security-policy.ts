/**
 * The app document's Content-Security-Policy, built in one place. Electron sends it as a header on
 * every document of app://tollgate/ with connect-src naming only the configured PBX; the built page
 * carries the baseline as a meta tag (the browser host's only CSP; inside Electron both apply and the
 * stricter header wins).
 */
export interface ContentSecurityPolicyOptions {
  /** Origins besides 'self' the page may connect to (the PBX's WebSocket and API, or scheme sources). */
  connectSources: readonly string[];
  /** Vite's dev server (npm run dev): its HMR WebSocket and the React refresh preamble are allowed. */
  devServerOrigin?: string | undefined;
  /** A meta tag cannot carry frame-ancestors (browsers ignore it there and warn). */
  delivery: 'header' | 'meta';
}

export function buildContentSecurityPolicy(options: ContentSecurityPolicyOptions): string {
  const connect = ["'self'", ...new Set(options.connectSources)];
  const script = ["'self'"];
  if (options.devServerOrigin) {
    connect.push(options.devServerOrigin, options.devServerOrigin.replace(/^http/, 'ws'));
    script.push("'unsafe-inline'");
  }
  const directives: (readonly [name: string, sources: readonly string[]])[] = [
    ['default-src', ["'none'"]],
    ['script-src', script],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['media-src', ["'self'", 'blob:', 'mediastream:']],
    ['connect-src', connect],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'none'"]],
    ...(options.delivery === 'header' ? ([['frame-ancestors', ["'none'"]]] as const) : []),
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** The header of the Electron app: the PBX origins of the account the document is loaded with. */
export function appContentSecurityPolicy(pbxOrigins: readonly string[], devServerOrigin?: string): string {
  return buildContentSecurityPolicy({ connectSources: pbxOrigins, devServerOrigin, delivery: 'header' });
}

/**
 * The meta tag of the built page. It cannot know the account, so it allows any WebSocket and HTTP(S)
 * origin; everything else is as strict as the header.
 */
export const BASELINE_CONTENT_SECURITY_POLICY = buildContentSecurityPolicy({
  connectSources: ['ws:', 'wss:', 'http:', 'https:'],
  delivery: 'meta',
});
