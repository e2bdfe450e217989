import { App } from './app/App';
import { electronBridge } from './host/host';
import { MissingBridge } from './host/MissingBridge';
import { mount } from './mount';

/** The Electron entry (index.html): the preload's bridge, and no browser-host fallback. */
const host = electronBridge(window);
mount(host ? <App host={host} /> : <MissingBridge />);
