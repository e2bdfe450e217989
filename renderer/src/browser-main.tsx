import { App } from './app/App';
import { openBrowserHost } from './host/browser-host';
import { mount } from './mount';

/** The browser-host entry (browser.html): npm start without Electron, npm run dev, Playwright. */

// npm start's demo account (with its password) comes in the fragment: taken once and removed from the
// address bar and the history at once, before the app renders, so no reload, bookmark or copied
// address carries it.
const hash = window.location.hash;
if (hash)
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);

const { host, demo } = openBrowserHost({
  storage: window.localStorage,
  indexedDb: window.indexedDB,
  crypto: window.crypto,
  search: window.location.search,
  hash,
  languages: navigator.languages,
  version: import.meta.env.VITE_APP_VERSION ?? '0.0.0',
  console,
});
mount(<App host={host} demo={demo} />);
