/**
 * Lazy tabs (issue #15, start-up): a tab's chunk loads on first use, the panel says so meanwhile,
 * and a chunk that cannot be loaded says what to do. Once loaded, a tab renders at once.
 */
import { act, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it, vi } from 'vitest';
import { lazyTab } from '../../../renderer/src/app/lazy-tab';
import { createI18n } from '../../../renderer/src/i18n';

function withI18n(children: ReactNode, language: 'de' | 'en' = 'de') {
  return <I18nextProvider i18n={createI18n(language)}>{children}</I18nextProvider>;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function Greeting({ name }: { name: string }) {
  return <p>Hallo {name}</p>;
}

describe('lazyTab', () => {
  it('says it is loading until the chunk is there, then shows the tab with its props', async () => {
    // Breaks when the tab is rendered without Suspense (React throws) or without a loading line.
    const chunk = deferred<typeof Greeting>();
    const load = vi.fn(() => chunk.promise);
    const tab = lazyTab(load);
    render(withI18n(<tab.Component name="Anna" />));
    expect(screen.getByRole('status')).toHaveTextContent('Wird geladen …');
    await act(async () => chunk.resolve(Greeting));
    expect(await screen.findByText('Hallo Anna')).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('renders at once, without a loading line, once preloaded', async () => {
    // Breaks when a preloaded tab still suspends (a flash of "Loading …" on every first click).
    const load = vi.fn(() => Promise.resolve(Greeting));
    const tab = lazyTab(load);
    await tab.preload();
    await tab.preload();
    render(withI18n(<tab.Component name="Ben" />));
    expect(screen.getByText('Hallo Ben')).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('says the section could not be loaded and offers a reload when the chunk fails', async () => {
    // Breaks when a failed chunk leaves the panel empty or stuck on "Loading …".
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const tab = lazyTab<{ name: string }>(() => Promise.reject(new Error('chunk 404')));
    render(withI18n(<tab.Component name="Cem" />, 'en'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This section could not be loaded. Reload Tollgate');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
    vi.restoreAllMocks();
  });

  it('tries the chunk again after a failed preload', async () => {
    const load = vi
      .fn<() => Promise<typeof Greeting>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce(Greeting);
    const tab = lazyTab(load);
    await expect(tab.preload()).rejects.toThrow('offline');
    await tab.preload();
    render(withI18n(<tab.Component name="Dora" />));
    expect(screen.getByText('Hallo Dora')).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);
  });
});
