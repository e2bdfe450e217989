import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL } from '../../../shared/ipc/channels';
import type { HostApi } from '../../../shared/ipc/contract';

// Generous bounds: CI runs this on 2 busy cores (the dom project's default is 5 s per test, 1 s per findBy).
vi.setConfig({ testTimeout: 30_000 });
const WAIT = { timeout: 20_000 };

// The Electron entry must not even load the browser host: importing it fails this suite.
vi.mock('../../../renderer/src/host/browser-host', () => {
  throw new Error('The Electron entry loaded the browser host');
});

/** Runs renderer/src/main.tsx as the page would, on a fresh #root. */
async function startElectronEntry(): Promise<void> {
  vi.resetModules();
  await import('../../../renderer/src/main');
}

beforeEach(() => {
  document.body.innerHTML = '<div id="root"></div>';
});
afterEach(() => {
  Reflect.deleteProperty(window, BRIDGE_GLOBAL);
  document.body.innerHTML = '';
});

describe('Electron entry (index.html)', () => {
  // Breaks when main.tsx falls back to the browser host without the preload's bridge.
  it('shows an error screen, in both languages, when the preload bridge is missing', async () => {
    await startElectronEntry();
    const alert = await screen.findByTestId('missing-bridge', {}, WAIT);
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('Tollgate kann nicht starten');
    expect(alert).toHaveTextContent('Tollgate cannot start');
    expect(screen.queryByRole('tablist')).toBeNull();
  });

  it('uses the bridge when the preload exposed one', async () => {
    const failing = async () => ({
      ok: false,
      error: { code: 'internal', message: 'answered by the bridge' },
    });
    const bridge = new Proxy({} as HostApi, {
      get: (_target, name) => (name === 'onDialLinkOpened' ? () => () => {} : failing),
    });
    Reflect.set(window, BRIDGE_GLOBAL, bridge);
    await startElectronEntry();
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent('answered by the bridge');
    expect(screen.queryByTestId('missing-bridge')).toBeNull();
  });
});
