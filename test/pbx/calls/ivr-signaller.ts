import {
  IVR_INFO_PACKAGE,
  IVR_SIGNAL_CONTENT_TYPE,
  IVR_SIGNAL_HEADERS,
  ivrSignalBody,
  type IvrSignal,
} from '../../../shared/ivr-signal/ivr-signal';
import type { PbxLog } from '../log';
import type { CallerDialog } from './caller-dialog';

/**
 * Tells the phone where the IVR is: SIP INFO (RFC 6086) with the `tollgate-ivr` Info Package, only
 * to a phone that asked for it (`Recv-Info`) and only in the confirmed dialog — an early dialog
 * without reliable provisional responses carries none (sip.js 0.21 answers those with 469). Any
 * answer is fine; a refusal or no answer never ends the call. Never a digit or the code.
 */
export class IvrSignaller {
  /** IVR signals sent so far (their `seq`). */
  private sent = 0;
  /** Only a phone that asked (`Recv-Info: tollgate-ivr`) gets signals. */
  private readonly wanted: boolean;

  constructor(
    private readonly dialog: CallerDialog,
    private readonly callId: string,
    private readonly log: PbxLog,
  ) {
    this.wanted = dialog.receivesInfo(IVR_INFO_PACKAGE);
  }

  /** `callOver`: the call has ended, nothing more goes to the phone. */
  send(signal: IvrSignal, callOver: boolean): void {
    if (!this.wanted || !this.dialog.answered || callOver) return;
    const seq = ++this.sent;
    this.log('ivr-signal', { callId: this.callId, phase: signal.phase, seq });
    this.dialog.request(
      'INFO',
      { headers: IVR_SIGNAL_HEADERS, body: ivrSignalBody(signal, seq), contentType: IVR_SIGNAL_CONTENT_TYPE },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300) this.log('ivr-signal-refused', { callId: this.callId, seq, status });
      },
    );
  }
}
