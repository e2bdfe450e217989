import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { usePhone } from '../../phone/phone-context';
import { PresenceWatcher, type WatchedPresence } from '../../sip/presence-watcher';

const NONE: ReadonlyMap<string, WatchedPresence> = new Map();
const noSubscribe = () => () => {};

/**
 * Presence dots for these extensions while the phone is registered and the PBX offers presence
 * (`offered`: the directory says so). One watcher per running user agent: a reconnect starts over.
 */
export function usePresence(
  extensions: readonly string[],
  offered: boolean,
): { supported: boolean; states: ReadonlyMap<string, WatchedPresence> } {
  const { softphone, snapshot } = usePhone();
  const registered = snapshot.registration.kind === 'registered';
  const ua = registered && offered ? softphone.userAgent : undefined;
  const watcher = useMemo(() => (ua ? new PresenceWatcher(ua, ua.configuration.uri.host) : null), [ua]);
  useEffect(() => () => watcher?.stop(), [watcher]);
  const key = extensions.join(',');
  useEffect(() => {
    watcher?.watch(key === '' ? [] : key.split(','));
  }, [watcher, key]);
  const states = useSyncExternalStore(
    watcher?.subscribe ?? noSubscribe,
    watcher?.getSnapshot ?? (() => NONE),
  );
  return { supported: watcher !== null && watcher.supported, states };
}
