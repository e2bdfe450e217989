import { useTranslation } from 'react-i18next';

export const DIAL_PAD_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/** Twelve keys in a labelled group; used to compose a number and as the in-call keypad. */
export function DialPad(props: {
  label: string;
  onKey(key: string): void;
  disabled?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <div role="group" aria-label={props.label} className="dial-pad" data-testid={props.testId}>
      {DIAL_PAD_KEYS.map((key) => (
        <button
          key={key}
          type="button"
          className="dial-pad__key"
          disabled={props.disabled}
          onClick={() => props.onKey(key)}
          aria-label={key === '*' ? t('phone.keyStar') : key === '#' ? t('phone.keyHash') : key}
        >
          {key}
        </button>
      ))}
    </div>
  );
}
