import { useEffect, useMemo, useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { DemoInfo } from '../../../shared/host/provisioning';
import type { AppInfo, HostApi, SettingsView } from '../../../shared/ipc/contract';
import type { DialTarget } from '../../../shared/links/dial-link';
import { createI18n, resolveLanguage } from '../i18n';
import { createPhoneServices, PhoneProvider, type PhoneServices } from '../phone/phone-context';
import { AppShell, preloadLazyTabs } from './AppShell';
import { HostContext, type HostState } from './host-context';
import { loadPhoneNumberMetadata } from './phone-number-metadata';

/**
 * Unit tests (Vitest runs in mode 'test') get the lazy tabs loaded before the first render, so a
 * tab shows its content as soon as it is clicked, as it did before the tabs were split
 * (lazy-tab.test.tsx tests the lazy path itself). The built app never waits for them.
 */
const WAIT_FOR_LAZY_TABS = import.meta.env.MODE === 'test';

type Boot =
  | { phase: 'loading' }
  | { phase: 'failed'; message: string }
  | {
      phase: 'ready';
      appInfo: AppInfo;
      view: SettingsView;
      initialLink: DialTarget | null;
      demo: DemoInfo | null;
    };

export function App({
  host,
  phoneServices,
  demo,
}: {
  host: HostApi;
  phoneServices?: () => PhoneServices;
  /** The demo banner's data: only the browser host's entry passes it (never part of the host contract). */
  demo?: Promise<DemoInfo | null>;
}) {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });

  useEffect(() => {
    let cancelled = false;
    // The phone-number metadata (its own chunk) loads alongside the host's answers; nothing that
    // classifies a number renders before it is there.
    void Promise.all([
      host.getAppInfo(),
      host.getSettings(),
      host.takePendingDialLink(),
      demo ?? null,
      loadPhoneNumberMetadata(),
      WAIT_FOR_LAZY_TABS ? preloadLazyTabs() : null,
    ]).then(
      ([appInfo, view, link, demoInfo]) => {
        if (cancelled) return;
        if (!appInfo.ok || !view.ok) {
          const error = !appInfo.ok ? appInfo.error : !view.ok ? view.error : null;
          setBoot({ phase: 'failed', message: error?.message ?? 'unknown' });
          return;
        }
        setBoot({
          phase: 'ready',
          appInfo: appInfo.value,
          view: view.value,
          initialLink: link.ok ? link.value : null,
          demo: demoInfo,
        });
      },
      (error: unknown) => {
        if (!cancelled)
          setBoot({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [host, demo]);

  if (boot.phase === 'loading') return <p className="boot">Tollgate …</p>;
  if (boot.phase === 'failed') {
    // Before settings load there is no language yet; say it in both.
    return (
      <div role="alert" className="boot boot--failed">
        <p>Tollgate konnte nicht starten. Bitte starten Sie Tollgate neu.</p>
        <p>Tollgate could not start. Please restart Tollgate.</p>
        <p className="boot__detail">{boot.message}</p>
      </div>
    );
  }
  return (
    <ReadyApp
      host={host}
      appInfo={boot.appInfo}
      initialView={boot.view}
      initialLink={boot.initialLink}
      demo={boot.demo}
      phoneServices={phoneServices ?? createPhoneServices}
    />
  );
}

function ReadyApp(props: {
  host: HostApi;
  appInfo: AppInfo;
  initialView: SettingsView;
  initialLink: DialTarget | null;
  demo: DemoInfo | null;
  phoneServices: () => PhoneServices;
}) {
  const [view, setView] = useState(props.initialView);
  const [services] = useState(props.phoneServices);
  const language = resolveLanguage(view.settings.language, props.appInfo.systemLocales);
  const [i18n] = useState(() => createI18n(language));

  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);

  const state = useMemo<HostState>(
    () => ({ host: props.host, appInfo: props.appInfo, demo: props.demo, view, setView }),
    [props.host, props.appInfo, props.demo, view],
  );
  return (
    <I18nextProvider i18n={i18n}>
      <HostContext.Provider value={state}>
        <PhoneProvider services={services}>
          <AppShell initialLink={props.initialLink} />
        </PhoneProvider>
      </HostContext.Provider>
    </I18nextProvider>
  );
}
