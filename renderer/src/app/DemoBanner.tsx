import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHostState } from './host-context';

/**
 * Only with the embedded demo PBX (`npm start` in the browser host): who you are, the demo PIN and
 * numbers to try. The demo PIN is a published test value; a real PIN is never shown anywhere. The
 * Electron app never shows it: the demo data is not part of the IPC contract.
 */
export function DemoBanner() {
  const { t } = useTranslation();
  const { demo } = useHostState();
  const [hidden, setHidden] = useState(false);
  if (!demo || hidden) return null;
  return (
    <aside className="demo-banner" aria-label={t('demo.label')} data-testid="demo-banner">
      <p>
        <strong>{t('demo.title')}</strong> {t('demo.signedInAs', { extension: demo.extension })}{' '}
        {demo.pin ? t('demo.pin', { pin: demo.pin }) : null}
      </p>
      <p>
        {t('demo.try')}{' '}
        {demo.tryNumbers.map((entry, index) => (
          <span key={entry.number}>
            {index > 0 ? ' · ' : ''}
            <strong>{entry.number}</strong> ({t(`demo.kinds.${entry.kind}`)})
          </span>
        ))}
      </p>
      <button type="button" className="notice__dismiss" onClick={() => setHidden(true)}>
        {t('notices.dismiss')}
      </button>
    </aside>
  );
}
