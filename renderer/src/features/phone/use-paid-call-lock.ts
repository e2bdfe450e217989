import { useEffect, useState } from 'react';
import type { PolicyStatus } from '../../policy/policy-client';
import { paidCallLock, type PaidCallLock } from './call-screen';

/**
 * The lock on paid calls as the policy states it, the same for the status bar, the dialler, the
 * call outcome and the history. A lock that runs out re-renders by itself (a timer at its end).
 */
export function usePaidCallLock(policy: PolicyStatus): PaidCallLock {
  const current = policy.kind === 'fresh' || policy.kind === 'stale' ? policy.policy : null;
  const [now, setNow] = useState(() => Date.now());
  const lock = paidCallLock(current, now);
  const until = lock.kind === 'locked' ? Date.parse(lock.until) : null;
  useEffect(() => {
    if (until === null) return;
    // setTimeout holds at most ~24.8 days; a longer lock is looked at again then.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [until]);
  return lock;
}
