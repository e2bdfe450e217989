import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Feedback } from '../../app/Feedback';
import { hostErrorMessageKey } from '../../app/error-message';
import { useHostState } from '../../app/host-context';

/** STUN/TURN servers, one per line. Empty by default: no public STUN server is ever contacted. */
export function IceServers() {
  const { t } = useTranslation();
  const { host, view, setView } = useHostState();
  const [text, setText] = useState(view.settings.ice.servers.join('\n'));
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; key: string } | null>(null);
  const id = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const servers = text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const result = await host.updatePreferences({ ice: { servers } });
    if (result.ok) {
      setView(result.value);
      setMessage({ kind: 'ok', key: 'account.iceSaved' });
    } else {
      setMessage({
        kind: 'error',
        key: result.error.code === 'invalid-input' ? 'errors.iceServer' : hostErrorMessageKey(result.error),
      });
    }
  };

  return (
    <form className="field" onSubmit={(event) => void save(event)}>
      <label htmlFor={id}>{t('account.iceServers')}</label>
      <textarea
        id={id}
        rows={2}
        value={text}
        onChange={(event) => setText(event.target.value)}
        aria-describedby={`${id}-hint`}
        spellCheck={false}
      />
      <p id={`${id}-hint`} className="field__hint">
        {t('account.iceServersHint')}
      </p>
      <button type="submit" className="button">
        {t('account.iceSave')}
      </button>
      <Feedback message={message} />
    </form>
  );
}
