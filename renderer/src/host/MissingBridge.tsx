import { BRIDGE_GLOBAL } from '../../../shared/ipc/channels';

/**
 * The Electron entry's screen when the preload's bridge is missing (a broken build or a page opened
 * outside the app). There is no silent fallback to the browser host. No language is known yet, so it
 * says it in both.
 */
export function MissingBridge() {
  return (
    <div role="alert" className="boot boot--failed" data-testid="missing-bridge">
      <p>
        Tollgate kann nicht starten: die Verbindung zum Programm fehlt. Bitte installieren Sie Tollgate neu.
      </p>
      <p>Tollgate cannot start: the connection to the application is missing. Please reinstall Tollgate.</p>
      <p className="boot__detail">
        window.{BRIDGE_GLOBAL} is missing. Development without Electron: open browser.html.
      </p>
    </div>
  );
}
