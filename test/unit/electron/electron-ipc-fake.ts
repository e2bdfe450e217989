import type { IpcInvokeEventLike, IpcMainLike } from '../../../electron/main/host-ipc';

type Handler = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;
type Listener = (event: unknown, payload: unknown) => void;

/**
 * An in-memory pair of ipcMain and ipcRenderer with IPC's copy semantics (structured clone both
 * ways) and a configurable sender frame, so the real preload and main-process code talk to each other.
 */
export function createFakeIpc() {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<Listener>>();
  let senderFrame: IpcInvokeEventLike['senderFrame'] = { url: 'app://tollgate/index.html', parent: null };

  const ipcMain: IpcMainLike = {
    handle: (channel, handler) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const ipcRenderer = {
    invoke: async (channel: string, ...args: unknown[]): Promise<unknown> => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler({ senderFrame }, ...structuredClone(args)));
    },
    on: (channel: string, listener: Listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener: (channel: string, listener: Listener) => void listeners.get(channel)?.delete(listener),
  };
  return {
    ipcMain,
    ipcRenderer,
    /** webContents.send from the main process. */
    sendToRenderer: (channel: string, payload: unknown) =>
      listeners.get(channel)?.forEach((listener) => listener({}, structuredClone(payload))),
    setSenderFrame: (frame: IpcInvokeEventLike['senderFrame']) => {
      senderFrame = frame;
    },
    clearHandlers: () => handlers.clear(),
  };
}
