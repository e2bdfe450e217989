import { App } from './app/App';
import { openBrowserHost } from './host/browser-host';
import { mount } from './mount';

/** The browser-host entry (browser.html): npm start without Electron, npm run dev, Playwright. */
const { host, demo } = openBrowserHost({
  storage: window.localStorage,
  indexedDb: window.indexedDB,
  crypto: window.crypto,
  search: window.location.search,
  languages: navigator.languages,
  version: import.meta.env.VITE_APP_VERSION ?? '0.0.0',
  console,
});
mount(<App host={host} demo={demo} />);
