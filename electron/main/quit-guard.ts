import { HOST_EVENT_CHANNELS, QUIT_PREPARE_TIMEOUT_MS, QUIT_READY_CHANNEL } from '../../shared/ipc/channels';

/**
 * Before the app quits or its window closes, the renderer gets a moment to hang up and unregister
 * (REGISTER with expires 0), so the PBX does not keep a dead contact. The wait is bounded: after
 * `timeoutMs` (1.5 s) the quit goes on whether the renderer answered or not — quitting never hangs.
 */
interface PreventableEvent {
  preventDefault(): void;
}

export interface QuitGuardApp {
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  quit(): void;
}

export interface QuitGuardIpc {
  on(channel: string, listener: (event: { sender: unknown }) => void): unknown;
  removeListener(channel: string, listener: (event: { sender: unknown }) => void): unknown;
}

export interface QuitGuardWindow {
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  close(): void;
  isDestroyed(): boolean;
  readonly webContents: { send(channel: string): void };
}

export function unregisterBeforeQuit(
  app: QuitGuardApp,
  ipc: QuitGuardIpc,
  window: QuitGuardWindow,
  timeoutMs: number = QUIT_PREPARE_TIMEOUT_MS,
): void {
  let state: 'running' | 'preparing' | 'done' = 'running';
  const quit = () => app.quit();
  const close = () => window.close();
  let afterwards = quit;

  const prepare = (event: PreventableEvent, then: () => void) => {
    if (state === 'done' || window.isDestroyed()) return;
    event.preventDefault();
    if (state === 'preparing') {
      // Quitting wins over closing the window, whichever was asked first; both wait for one answer.
      if (then === quit) afterwards = quit;
      return;
    }
    afterwards = then;
    state = 'preparing';
    const contents = window.webContents;
    const finish = () => {
      if (state === 'done') return;
      state = 'done';
      clearTimeout(timer);
      ipc.removeListener(QUIT_READY_CHANNEL, onReady);
      afterwards();
    };
    const onReady = (ready: { sender: unknown }) => {
      if (ready.sender === contents) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    ipc.on(QUIT_READY_CHANNEL, onReady);
    contents.send(HOST_EVENT_CHANNELS.prepareQuit);
  };

  app.on('before-quit', (event) => prepare(event, quit));
  window.on('close', (event) => prepare(event, close));
}
