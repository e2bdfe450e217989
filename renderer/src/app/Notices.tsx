import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StartupNotice } from '../../../shared/ipc/contract';
import { useHostState } from './host-context';

/** Things the user must know from start-up, e.g. a settings file that was moved aside. */
export function Notices() {
  const { t } = useTranslation();
  const { appInfo } = useHostState();
  const [dismissed, setDismissed] = useState<StartupNotice[]>([]);
  const visible = appInfo.notices.filter((notice) => !dismissed.includes(notice));
  if (visible.length === 0) return null;
  return (
    <div className="notices">
      {visible.map((notice) => (
        <div key={`${notice.kind}-${notice.movedTo ?? ''}`} role="alert" className="notice notice--warning">
          <p>{t(`notices.${notice.kind}`, { path: notice.movedTo ?? '' })}</p>
          <button
            type="button"
            className="notice__dismiss"
            onClick={() => setDismissed([...dismissed, notice])}
          >
            {t('notices.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
