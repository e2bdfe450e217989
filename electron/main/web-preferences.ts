import type { WebPreferences } from 'electron';

/** The hardened web preferences of the only window (checklist items 2–4, 6, 8–10, 12). */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // V8 code cache from the first load on (issue #15: start-up); app:// allows it (app-protocol.ts).
    v8CacheOptions: 'bypassHeatCheck',
  };
}
