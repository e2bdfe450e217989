import {
  createContext,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import {
  classifyDestination,
  type CallClass,
  type Classification,
} from '../../../shared/dial-plan/dial-plan';
import { stripSeparators } from '../../../shared/dial-plan/separators';
import { entitlementState, type EntitlementState, type Policy } from '../../../shared/policy/policy';
import type { Account } from '../../../shared/settings/schema';
import { useHostState } from '../app/host-context';
import { callPrivacy, pinRecordOf, type PinExpectation } from '../features/phone/pin-phase';
import { CallHistory, historyAccountOf, type HistoryEntry } from '../history/call-history';
import { defaultBackoff, PolicyClient, policyBackoff, type PolicyStatus } from '../policy/policy-client';
import { Softphone, type CallView, type SoftphoneSnapshot } from '../sip/softphone';
import { unregisterOnLeave, type OnPrepareQuit } from './leave-guard';
import type { PartyClass } from './call-handling';
import { dialTargetOf, numberToClassify } from './sip-target';

/** Everything the phone needs from outside React, made once per app (tests inject their own). */
export interface PhoneServices {
  softphone: Softphone;
  history: CallHistory;
  createPolicyClient(apiUrl: string, extension: string, password: string): PolicyClient;
}

export function createPhoneServices(): PhoneServices {
  const history = new CallHistory(window.localStorage);
  const softphone = new Softphone({
    now: Date.now,
    backoffMs: defaultBackoff,
    onCallEnded: (call) => history.add(historyEntryOf(call)),
    onNetworkOnline: (listener) => {
      window.addEventListener('online', listener);
      return () => window.removeEventListener('online', listener);
    },
    appVersion: import.meta.env.VITE_APP_VERSION ?? '0.0.0',
  });
  return {
    softphone,
    history,
    createPolicyClient: (apiUrl, extension, password) =>
      new PolicyClient(apiUrl, extension, password, {
        fetch: (...args) => window.fetch(...args),
        storage: window.localStorage,
        now: Date.now,
        backoffMs: (attempt) => policyBackoff(attempt, Math.random()),
      }),
  };
}

export function historyEntryOf(call: CallView): HistoryEntry {
  const endedAt = call.state.endedAt ?? call.startedAt;
  const outcome = call.state.outcome ?? 'completed';
  // Talk time counts from the destination's answer, never the PBX's prompt; a failed PIN has none.
  const record = pinRecordOf(call.pin, outcome, call.state.answeredAt);
  return {
    id: call.id,
    number: call.number,
    name: call.name,
    direction: call.direction,
    startedAt: call.startedAt,
    durationS: record.talkSince !== null ? Math.max(0, Math.round((endedAt - record.talkSince) / 1000)) : 0,
    outcome,
    pin: record.pin,
    // "PIN von <label>" in Verlauf: only for a call the PBX let through with that code.
    codeLabel: record.pin === 'accepted' ? (call.pin?.codeLabel ?? null) : null,
  };
}

interface PhoneState {
  softphone: Softphone;
  snapshot: SoftphoneSnapshot;
  policy: PolicyStatus;
  entitlement: EntitlementState;
  history: CallHistory;
  /**
   * Classifies a number with the policy's dial plan (null without a policy). `protectedPaid`: the PIN
   * is required (requiresPin); `pin`: whether the call screen follows a PIN step ('possible' when the
   * policy is unknown); `masked`: the in-call echo shows dots only.
   */
  classify(number: string): {
    classification: Classification | null;
    protectedPaid: boolean;
    masked: boolean;
    pin: PinExpectation | null;
  };
  /**
   * Dials a number or `sip:` address after classifying; false if not registered, no line free or an
   * invalid address. `consultFor`: the call this one consults for an attended transfer (held first).
   */
  dial(number: string, options?: { consultFor?: string }): boolean;
  /** Asks the policy API again now (the Konto tab's "Retry" after it was found unreachable). */
  retryPolicy(): void;
  passwordProblem: boolean;
  /** The microphone chosen during a call could not be opened; the call goes on with the old one. */
  microphoneSwitchFailed: boolean;
}

const PhoneContext = createContext<PhoneState | null>(null);

export function usePhone(): PhoneState {
  const state = useContext(PhoneContext);
  if (!state) throw new Error('usePhone outside <PhoneProvider>');
  return state;
}

function policyOf(status: PolicyStatus): Policy | null {
  return status.kind === 'fresh' || status.kind === 'stale' ? status.policy : null;
}

export function PhoneProvider({ services, children }: { services: PhoneServices; children: ReactNode }) {
  const { host, view } = useHostState();
  const { softphone, history } = services;
  const snapshot = useSyncExternalStore(softphone.subscribe, softphone.getSnapshot);
  const [policyClient, setPolicyClient] = useState<PolicyClient | null>(null);
  const [passwordProblem, setPasswordProblem] = useState(false);
  const [microphoneSwitchFailed, setMicrophoneSwitchFailed] = useState(false);
  const account = view.settings.account;
  // Settings arrive as new objects after every host call; restart the phone only when they change.
  const accountJson = JSON.stringify(account);
  const iceServersJson = JSON.stringify(view.settings.ice.servers);
  const inputDeviceId = view.settings.audio.inputDeviceId;
  // The microphone is read when the phone starts but does not restart it: a change during a call
  // swaps the track on the running call (below) instead of hanging up.
  const inputDeviceRef = useRef(inputDeviceId);
  const hasPassword = view.passwordState !== 'none';
  const historyAccount = historyAccountOf(account);

  // Each account sees its own calls only; switched before the screen is painted.
  useLayoutEffect(() => history.switchAccount(historyAccount), [history, historyAccount]);

  useEffect(() => {
    inputDeviceRef.current = inputDeviceId;
    let current = true;
    void softphone.setInputDevice(inputDeviceId).then((switched) => {
      if (current) setMicrophoneSwitchFailed(!switched);
    });
    return () => {
      current = false;
    };
  }, [softphone, inputDeviceId]);

  useEffect(() => {
    // The host's quit hook exists only where a host quits (Electron); the browser has pagehide only.
    const onPrepareQuit: OnPrepareQuit | undefined = host.onPrepareQuit?.bind(host);
    return unregisterOnLeave(window, softphone, onPrepareQuit);
  }, [host, softphone]);

  // A layout effect: the SIP WebSocket opens while the first screen is painted, not after (#15).
  useLayoutEffect(() => {
    const account = JSON.parse(accountJson) as Account | null;
    const iceServers = JSON.parse(iceServersJson) as string[];
    if (!account || !hasPassword) return;
    let cancelled = false;
    let client: PolicyClient | null = null;
    void host.getSipPassword().then((result) => {
      if (cancelled) return;
      if (!result.ok || result.value === null) {
        setPasswordProblem(true);
        return;
      }
      setPasswordProblem(false);
      void softphone.start({
        account,
        password: result.value,
        iceServers,
        inputDeviceId: inputDeviceRef.current,
      });
      if (account.policyApiUrl) {
        client = services.createPolicyClient(
          account.policyApiUrl.replace(/\/$/, ''),
          account.extension,
          result.value,
        );
        client.start();
        setPolicyClient(client);
      }
    });
    return () => {
      cancelled = true;
      client?.stop();
      setPolicyClient(null);
      void softphone.stop();
    };
  }, [host, softphone, services, accountJson, hasPassword, iceServersJson]);

  const policy = useSyncExternalStore(
    (listener) => policyClient?.subscribe(listener) ?? (() => {}),
    () => (policyClient ? policyClient.current : account?.policyApiUrl ? LOADING : NO_API),
  );

  const state = useMemo<PhoneState>(() => {
    const current = policyOf(policy);
    const domain = account ? account.sipDomain || hostOf(account.sipWebSocketUrl) : '';
    const classifyNumber = (number: string) => {
      if (!current) return { classification: null, protectedPaid: false, ...callPrivacy(null, null) };
      const classification = classifyDestination(number, current.dialPlan);
      if (classification.callClass === 'invalid')
        return { classification, protectedPaid: false, masked: true, pin: null };
      const privacy = callPrivacy(classification, current.pinProtection, current.pinScope);
      return { classification, protectedPaid: privacy.pin === 'required', ...privacy };
    };
    const classify = (input: string) => {
      // A `sip:` address: checked here; on the PBX's own domain its user part is judged like the number.
      const target = dialTargetOf(input.trim());
      if (!target) return { classification: INVALID_ADDRESS, protectedPaid: false, masked: true, pin: null };
      const number = numberToClassify(target, domain);
      const unknown = { classification: null, protectedPaid: false, ...callPrivacy(null, null) };
      if (number === null) return unknown;
      const judged = classifyNumber(number);
      // `sip:alice@pbx`: a name, not a number the dial plan knows; the PBX decides.
      return target.kind === 'sip-uri' && judged.classification?.callClass === 'invalid' ? unknown : judged;
    };
    return {
      softphone,
      snapshot,
      policy,
      entitlement: entitlementState(current),
      history,
      classify,
      dial: (number: string, options?: { consultFor?: string }) => {
        const { classification, protectedPaid, pin } = classify(number);
        if (classification?.callClass === 'invalid') return false;
        const callClass: CallClass | null = classification ? classification.callClass : null;
        const target = dialTargetOf(number.trim());
        const dialled = target?.kind === 'sip-uri' ? target.uri : stripSeparators(number);
        return softphone.dial(dialled, { callClass, protectedPaid, pin }, options);
      },
      retryPolicy: () => policyClient?.refresh(),
      passwordProblem,
      microphoneSwitchFailed,
    };
  }, [softphone, snapshot, policy, history, passwordProblem, policyClient, microphoneSwitchFailed, account]);

  // Call waiting, DND and auto-answer (settings.calls), and how the engine judges a party for
  // auto-answer and incoming REFERs: with the policy's dial plan and PIN rule, or not at all.
  const calls = view.settings.calls;
  const { classify } = state;
  const hasPolicy = policyOf(policy) !== null;
  useEffect(() => {
    softphone.configureCalls({
      rules: calls,
      judgeParty: hasPolicy
        ? (party): PartyClass => {
            const judged = classify(party.user);
            return { callClass: judged.classification?.callClass ?? null, needsPin: judged.protectedPaid };
          }
        : null,
    });
  }, [softphone, calls, classify, hasPolicy]);

  return <PhoneContext.Provider value={state}>{children}</PhoneContext.Provider>;
}

const NO_API: PolicyStatus = { kind: 'no-api' };
/** A `sip:` address that is not one (no user, bad host): the dialler says the number is invalid. */
const INVALID_ADDRESS: Classification = { callClass: 'invalid', reason: 'characters' };

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
const LOADING: PolicyStatus = { kind: 'loading' };
