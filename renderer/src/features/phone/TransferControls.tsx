import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_CALLS } from '../../phone/call-handling';
import { usePhone } from '../../phone/phone-context';
import { transferRefusalText } from '../../phone/transfer-refusal';
import { transferSettled } from '../../phone/transfer-machine';
import type { CallView } from '../../sip/softphone';
import { stripSeparators } from '../../../../shared/dial-plan/separators';
import { isSipUri } from '../../phone/sip-target';

/**
 * Transfer from the call screen: blind ("Transfer now": REFER) or attended ("Talk first": a
 * consultation call, then "Complete transfer": REFER with Replaces), to extensions of the company.
 * A number that needs the PIN is never offered: a transfer would skip it (docs/test-pbx.md, the PBX
 * refuses it too). The REFER's progress and a refusal are said in words.
 */
export function TransferControls({
  call,
  consultedCall,
}: {
  call: CallView;
  consultedCall: CallView | null;
}) {
  const { t } = useTranslation();
  const { softphone, snapshot, classify, dial } = usePhone();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [startFailed, setStartFailed] = useState(false);
  const inputId = useId();
  const phase = call.state.phase;
  const established = phase === 'active' || phase === 'on-hold';
  const settled = transferSettled(call.transfer ?? null);

  if (call.consultFor && consultedCall)
    return (
      <div className="transfer">
        <p className="field__hint" data-testid="consulting">
          {t('calls.consulting', { who: call.number, other: consultedCall.number })}
        </p>
        <TransferStatus call={consultedCall} />
        <button
          type="button"
          className="button button--call"
          disabled={!established || !transferSettled(consultedCall.transfer ?? null)}
          onClick={() => setStartFailed(!softphone.completeTransfer(call.id))}
        >
          {t('calls.completeTransfer')}
        </button>
        {startFailed ? <p role="alert">{t('calls.transferFailedStart')}</p> : null}
      </div>
    );

  const trimmed = target.trim();
  const problem = trimmed === '' ? null : transferProblem(trimmed, classify);
  const lineFree = snapshot.calls.length < MAX_CALLS;
  const transferNow = () => {
    if (problem || trimmed === '') return;
    const ok = softphone.transfer(isSipUri(trimmed) ? trimmed : stripSeparators(trimmed));
    setStartFailed(!ok);
    if (ok) setOpen(false);
  };
  const consult = () => {
    if (problem || trimmed === '') return;
    const ok = dial(trimmed, { consultFor: call.id });
    setStartFailed(!ok);
    if (ok) setOpen(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    transferNow();
  };

  return (
    <div className="transfer">
      <TransferStatus call={call} />
      {open ? (
        <form className="transfer__form" onSubmit={submit} data-testid="transfer-form">
          <label htmlFor={inputId}>{t('calls.transferTarget')}</label>
          <input
            id={inputId}
            type="text"
            autoComplete="off"
            value={target}
            onChange={(event) => setTarget(event.target.value)}
            aria-describedby={`${inputId}-hint`}
            aria-invalid={problem !== null}
            data-testid="transfer-target"
          />
          <p
            id={`${inputId}-hint`}
            className={problem ? 'field__error' : 'field__hint'}
            role={problem ? 'alert' : undefined}
          >
            {t(problem ?? 'calls.transferTargetHint')}
          </p>
          <div className="call__actions">
            <button type="submit" className="button" disabled={trimmed === '' || problem !== null}>
              {t('calls.transferNow')}
            </button>
            <button
              type="button"
              className="button"
              disabled={trimmed === '' || problem !== null || !lineFree}
              onClick={consult}
            >
              {t('calls.consultFirst')}
            </button>
            <button type="button" className="button" onClick={() => setOpen(false)}>
              {t('calls.transferCancel')}
            </button>
          </div>
        </form>
      ) : (
        <button
          type="button"
          className="button"
          disabled={!established || !settled}
          onClick={() => setOpen(true)}
        >
          {t('calls.transfer')}
        </button>
      )}
      {startFailed ? <p role="alert">{t('calls.transferFailedStart')}</p> : null}
    </div>
  );
}

/** Why a target cannot be transferred to (an i18n key), or null. */
export function transferProblem(
  target: string,
  classify: ReturnType<typeof usePhone>['classify'],
): string | null {
  const judged = classify(target);
  if (judged.classification?.callClass === 'invalid') return 'calls.transferInvalid';
  if (judged.protectedPaid) return 'calls.transferPaid';
  const callClass = judged.classification?.callClass;
  if (callClass !== undefined && callClass !== 'internal') return 'calls.transferExternal';
  return null;
}

/** What the transfer of this call is doing, from the REFER's answer and the NOTIFYs. */
function TransferStatus({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const transfer = call.transfer;
  if (!transfer) return null;
  const failed = transfer.phase === 'refused' || transfer.phase === 'failed';
  return (
    <p
      role={failed ? 'alert' : 'status'}
      className={failed ? 'notice notice--warning' : 'notice'}
      data-testid="transfer-status"
    >
      {transfer.phase === 'refused' ? (
        <TransferRefused target={transfer.target} status={transfer.status} reason={transfer.reason} />
      ) : (
        t(`calls.transferPhase.${transfer.phase}`, {
          target: transfer.target,
          status: transfer.status ?? '—',
          reason: transfer.reason ? `: ${transfer.reason}` : '',
        })
      )}
    </p>
  );
}

/**
 * A refused transfer in the user's language: what happened and what to do, from the PBX's known
 * reason phrases or the status code (transfer-refusal.ts); an unknown phrase only as a detail.
 */
function TransferRefused({
  target,
  status,
  reason,
}: {
  target: string;
  status: number | null;
  reason: string | null;
}) {
  const { t } = useTranslation();
  const { why, detail } = transferRefusalText(status, reason);
  return (
    <>
      {t('transferRefusal.message', { target, why: t(`transferRefusal.why.${why}`) })}
      {detail !== null ? (
        <small className="transfer-refusal-detail" data-testid="transfer-refusal-detail">
          {' '}
          ({t('transferRefusal.detail', { status: status ?? '', reason: detail })})
        </small>
      ) : null}
    </>
  );
}
