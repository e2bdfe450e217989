import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DialTarget } from '../../../shared/links/dial-link';
import { AccountTab } from '../features/account/AccountTab';
import { DesktopIntegration } from '../features/account/DesktopIntegration';
import { DndToggle } from '../features/account/DndToggle';
import { CallSettingsTab } from '../features/call-settings/CallSettingsTab';
import { HistoryTab } from '../features/history/HistoryTab';
import { PhoneTab } from '../features/phone/PhoneTab';
import { usePhone } from '../phone/phone-context';
import { DemoBanner } from './DemoBanner';
import { useHostState } from './host-context';
import { RemoteAudio } from './RemoteAudio';
import { LanguageSelect } from './LanguageSelect';
import { Notices } from './Notices';
import { StatusBar } from './StatusBar';
import { Tabs, type TabId } from './Tabs';

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
            history: (
              <HistoryTab
                onCall={(target) => {
                  setNumber(target);
                  setTab('phone');
                  if (classify(target).protectedPaid) setCallbackNumber(target);
                  else {
                    setCallbackNumber(null);
                    dial(target);
                  }
                }}
              />
            ),
            callSettings: <CallSettingsTab />,
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

function initialTab(hasLink: boolean, hasAccount: boolean): TabId {
  if (hasLink) return 'phone';
  const remembered = sessionStorage.getItem(TAB_STORAGE_KEY);
  if (
    remembered === 'phone' ||
    remembered === 'history' ||
    remembered === 'callSettings' ||
    remembered === 'account'
  )
    return remembered;
  return hasAccount ? 'phone' : 'account';
}
