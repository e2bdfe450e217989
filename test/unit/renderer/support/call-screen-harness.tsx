/**
 * The whole app over the real Softphone engine, with sip.js replaced by ./fake-sip (the test file
 * must `vi.mock('sip.js', () => import('./support/fake-sip'))`) and a policy from a fake PBX API.
 * A test dials, answers for the far end, types keys and plays PBX signals; it reads the screen.
 */
import { render, screen, waitFor } from '@testing-library/react';
import { expect } from 'vitest';
import type { Policy } from '../../../../shared/policy/policy';
import { App } from '../../../../renderer/src/app/App';
import { CallHistory } from '../../../../renderer/src/history/call-history';
import { historyEntryOf, type PhoneServices } from '../../../../renderer/src/phone/phone-context';
import { PolicyClient } from '../../../../renderer/src/policy/policy-client';
import { Softphone } from '../../../../renderer/src/sip/softphone';
import { browserHostForTest, memoryStorage } from '../../../support/browser-host-fixture';
import { Inviter, SessionState, UserAgent, type FakeSessionDescriptionHandler } from './fake-sip';

/** A DTMF sender that keeps what was sent: the PBX's side of the line, never the app's state. */
export class RecordingToneSender {
  toneBuffer = '';
  sent = '';
  readonly canInsertDTMF = true;
  insertDTMF(tones: string): void {
    this.sent += tones.slice(this.toneBuffer.length);
    this.toneBuffer = '';
  }
}

export interface Harness {
  softphone: Softphone;
  history: CallHistory;
  container: HTMLElement;
  tones: RecordingToneSender;
  /** The far end answers the outgoing call (200 OK): the PBX's prompt starts. */
  answer(): void;
}

function policyFetch(policy: Policy): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    if (String(input).endsWith('/token')) return new Response(JSON.stringify({ token: 't' }));
    const body = `event: policy\ndata: ${JSON.stringify(policy)}\n\n`;
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body));
        },
      }),
    );
  }) as typeof fetch;
}

/**
 * Renders the signed-in app (extension 201, German unless `languages` says otherwise). `policy`
 * 'unknown': no policy API at all (any PBX without Tollgate's API).
 */
export async function renderPhone(
  policy: Policy | 'unknown',
  options: { languages?: string[] } = {},
): Promise<Harness> {
  const storage = memoryStorage();
  const history = new CallHistory(storage);
  const softphone = new Softphone({
    now: Date.now,
    backoffMs: () => 60_000,
    onCallEnded: (call) => history.add(historyEntryOf(call)),
    onNetworkOnline: () => () => {},
    mediaWatch: { silenceTimeoutMs: 0, pollIntervalMs: 60_000 },
  });
  const services: PhoneServices = {
    softphone,
    history,
    createPolicyClient: (apiUrl, extension, password) =>
      new PolicyClient(apiUrl, extension, password, {
        storage: memoryStorage(),
        now: Date.now,
        backoffMs: () => 60_000,
        fetch: policy === 'unknown' ? () => Promise.reject(new Error('no API')) : policyFetch(policy),
      }),
  };
  const host = browserHostForTest({ languages: options.languages ?? ['de-DE'] });
  await host.saveAccount({
    account: {
      sipWebSocketUrl: 'wss://pbx.example.test/ws',
      extension: '201',
      policyApiUrl: policy === 'unknown' ? '' : 'https://pbx.example.test/api/v1',
    },
    password: 'pw',
  });
  const { container } = render(<App host={host} phoneServices={() => services} />);
  await screen.findByRole('tablist');
  await waitFor(() => expect(softphone.getSnapshot().registration.kind).toBe('registered'), {
    timeout: 20_000,
  });
  if (policy !== 'unknown')
    await waitFor(
      () => expect(screen.getByTestId('pin-protection-state')).not.toHaveTextContent('unbekannt'),
      {
        timeout: 20_000,
      },
    );
  const tones = new RecordingToneSender();
  return {
    softphone,
    history,
    container,
    tones,
    answer() {
      const inviter = Inviter.last;
      if (!inviter) throw new Error('no outgoing call');
      inviter.transition(SessionState.Established);
      const handler = inviter.sessionDescriptionHandler as FakeSessionDescriptionHandler;
      handler.peerConnection.getSenders = () => [{ dtmf: tones } as unknown as RTCRtpSender];
    },
  };
}

/** The last user agent the fake sip.js made: lets a test ring the phone. */
export function userAgent(): UserAgent {
  const ua = UserAgent.last;
  if (!ua) throw new Error('no user agent');
  return ua;
}

/**
 * Every string held in React hook state below `container` (useState, useReducer,
 * useMemo, useRef values), as plain data: class instances (the engine, i18n) are skipped — they
 * are not React state. Used to prove a PIN is not kept in React state.
 */
export function reactStateStrings(container: HTMLElement): string[] {
  const rootKey = Object.keys(container).find((key) => key.startsWith('__reactContainer$'));
  if (!rootKey) throw new Error('not a React root');
  type Fiber = { child: Fiber | null; sibling: Fiber | null; memoizedState: unknown; tag: number };
  const out: string[] = [];
  const seen = new Set<unknown>();
  const collect = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || value === undefined) return;
    // Strings only: typed keys would be text; numbers are counts and times (a timestamp may hold any digits).
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'object') {
      if (seen.has(value)) return;
      seen.add(value);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (Array.isArray(value)) for (const item of value) collect(item, depth + 1);
      else if (proto === Object.prototype || proto === null)
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
          if (key.startsWith('_')) continue;
          collect(item, depth + 1);
        }
    }
  };
  const walk = (fiber: Fiber | null): void => {
    for (let node = fiber; node; node = node.sibling) {
      // Function components (0), forwardRef (11), memo (14, 15): a linked list of hooks.
      if ([0, 11, 14, 15].includes(node.tag)) {
        let hook = node.memoizedState as { memoizedState: unknown; next: unknown } | null;
        while (hook && typeof hook === 'object' && 'next' in hook) {
          collect(hook.memoizedState, 0);
          hook = hook.next as typeof hook;
        }
      }
      walk(node.child);
    }
  };
  const root = (container as unknown as Record<string, Fiber>)[rootKey];
  walk(root ?? null);
  return out;
}
