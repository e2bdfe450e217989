import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DialTarget } from '../../../shared/links/dial-link';
import { AccountTab } from '../features/account/AccountTab';
import { DesktopIntegration } from '../features/account/DesktopIntegration';
import { DndToggle } from '../features/account/DndToggle';
import { PhoneTab } from '../features/phone/PhoneTab';
import { usePhone } from '../phone/phone-context';
import { DemoBanner } from './DemoBanner';
import { useHostState } from './host-context';
import { lazyTab } from './lazy-tab';
import { RemoteAudio } from './RemoteAudio';
import { LanguageSelect } from './LanguageSelect';
import { Notices } from './Notices';
import { StatusBar } from './StatusBar';
import { Tabs, type TabId } from './Tabs';

/**
 * Tabs the first screen does not show, each a chunk of its own (issue #15: start-up parses only
 * what it shows): loaded when first opened, or in idle time once the phone has registered. A new
 * lazy tab: one line here and one in LAZY_TABS. Telefon is the first screen; Konto is the first
 * screen without an account, so both stay in the first chunk.
 */
const History = lazyTab(() => import('../features/history/HistoryTab').then((module) => module.HistoryTab));
const CallSettings = lazyTab(() =>
  import('../features/call-settings/CallSettingsTab').then((module) => module.CallSettingsTab),
);
const Directory = lazyTab(() =>
  import('../features/directory/DirectoryTab').then((module) => module.DirectoryTab),
);
const LAZY_TABS = [History, CallSettings, Directory];

/** Loads every lazy tab's chunk now (App's boot waits for it in unit tests, see App.tsx). */
export function preloadLazyTabs(): Promise<void> {
  return Promise.all(LAZY_TABS.map((tab) => tab.preload())).then(() => undefined);
}

const TAB_STORAGE_KEY = 'tollgate.tab';
/** Unsaved Konto edits survive a switch to another tab (an incoming call brings the phone forward). */
const KEEP_MOUNTED: readonly TabId[] = ['account'];

export function AppShell({ initialLink }: { initialLink: DialTarget | null }) {
  const { t } = useTranslation();
  const { host, view } = useHostState();
  const { dial, softphone, classify, snapshot } = usePhone();
  const [tab, setTab] = useState<TabId>(() =>
    initialTab(initialLink !== null, view.settings.account !== null),
  );
  // The number lives here so it survives switching tabs; a link fills it in and never dials.
  const [number, setNumber] = useState(initialLink?.number ?? '');
  const [linkNumber, setLinkNumber] = useState<string | null>(initialLink?.number ?? null);
  // A paid number called back from Verlauf waits for "Anrufen" with the same warning as dialling.
  const [callbackNumber, setCallbackNumber] = useState<string | null>(null);

  useEffect(
    () =>
      host.onDialLinkOpened((target) => {
        setNumber(target.number);
        setLinkNumber(target.number);
        setTab('phone');
      }),
    [host],
  );
  useEffect(() => sessionStorage.setItem(TAB_STORAGE_KEY, tab), [tab]);
  usePreloadWhenSettled(snapshot.registration.kind !== 'idle' && snapshot.registration.kind !== 'connecting');

  /** Calling from a list (Verlauf, Verzeichnis): a paid number waits for "Anrufen" with the warning. */
  const callBack = (target: string) => {
    setNumber(target);
    setTab('phone');
    if (classify(target).protectedPaid) setCallbackNumber(target);
    else {
      setCallbackNumber(null);
      dial(target);
    }
  };

  // A new call — incoming above all — comes to the front, whatever tab is open.
  useEffect(() => {
    let lastCallId: string | null = null;
    return softphone.subscribe(() => {
      const call = softphone.getSnapshot().call;
      if (call && call.id !== lastCallId) setTab('phone');
      lastCallId = call?.id ?? null;
    });
  }, [softphone]);

  return (
    <div className="app">
      <header className="app__header">
        <h1 className="app__title">{t('app.title')}</h1>
        <DndToggle />
        <LanguageSelect />
      </header>
      <main className="app__main">
        {snapshot.call ? null : <DemoBanner />}
        <Notices />
        <Tabs selected={tab} onSelect={setTab} keepMounted={KEEP_MOUNTED}>
          {{
            phone: (
              <PhoneTab
                number={number}
                onNumberChange={setNumber}
                linkNumber={linkNumber}
                callbackNumber={callbackNumber}
              />
            ),
            directory: <Directory.Component onCall={callBack} />,
            history: <History.Component onCall={callBack} />,
            callSettings: <CallSettings.Component />,
            account: <AccountTab />,
          }}
        </Tabs>
      </main>
      <footer className="app__footer">
        <StatusBar />
      </footer>
      <RemoteAudio />
      <DesktopIntegration />
    </div>
  );
}

/**
 * Once start-up is over (registered, refused or offline), the lazy tabs load in idle time, so a tab
 * opened later shows at once. A failed load is tried again when the tab is opened.
 */
function usePreloadWhenSettled(settled: boolean): void {
  useEffect(() => {
    if (!settled) return;
    const preload = () => void preloadLazyTabs().catch(() => {});
    if (typeof window.requestIdleCallback !== 'function') {
      const timer = window.setTimeout(preload, 500);
      return () => window.clearTimeout(timer);
    }
    const handle = window.requestIdleCallback(preload, { timeout: 2_000 });
    return () => window.cancelIdleCallback(handle);
  }, [settled]);
}

function initialTab(hasLink: boolean, hasAccount: boolean): TabId {
  if (hasLink) return 'phone';
  const remembered = sessionStorage.getItem(TAB_STORAGE_KEY);
  if (
    remembered === 'phone' ||
    remembered === 'directory' ||
    remembered === 'history' ||
    remembered === 'callSettings' ||
    remembered === 'account'
  )
    return remembered;
  return hasAccount ? 'phone' : 'account';
}
