import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_GLOBAL,
  HOST_CALL_TIMEOUT_MS,
  HOST_EVENT_CHANNELS,
  HOST_METHOD_CHANNELS,
  QUIT_READY_CHANNEL,
  type HostMethodName,
} from '../../shared/ipc/channels';
import type { DesktopCommand, HostApi } from '../../shared/ipc/contract';
import type { DialTarget } from '../../shared/links/dial-link';
import type { Result } from '../../shared/result';

/**
 * Exposes exactly the host contract — never ipcRenderer itself (checklist item 20). The main
 * process validates every input; this side only adds a timeout.
 */
function invoke(channel: string, input: unknown): Promise<Result<unknown>> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, error: { code: 'timeout', message: `No answer on ${channel}` } }),
      HOST_CALL_TIMEOUT_MS,
    );
    ipcRenderer.invoke(channel, input).then(
      (result: Result<unknown>) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, error: { code: 'internal', message: String(error) } });
      },
    );
  });
}

export function createPreloadBridge(): HostApi {
  const methods = Object.fromEntries(
    (Object.keys(HOST_METHOD_CHANNELS) as HostMethodName[]).map((name) => [
      name,
      (input?: unknown) => invoke(HOST_METHOD_CHANNELS[name], input),
    ]),
  );
  return {
    // Each generated function forwards its input to the channel of the same name; the main process
    // validates it against the contract, so this cast only restores the per-method types.
    ...(methods as unknown as Omit<HostApi, 'onDialLinkOpened' | 'onPrepareQuit' | 'onDesktopCommand'>),
    onDialLinkOpened(listener) {
      const wrapped = (_event: IpcRendererEvent, target: DialTarget) => listener(target);
      ipcRenderer.on(HOST_EVENT_CHANNELS.dialLinkOpened, wrapped);
      return () => {
        ipcRenderer.removeListener(HOST_EVENT_CHANNELS.dialLinkOpened, wrapped);
      };
    },
    onDesktopCommand(listener) {
      // The main process sends only DesktopCommand values; anything else is dropped here too.
      const wrapped = (_event: IpcRendererEvent, command: DesktopCommand) => {
        if (command === 'answer' || command === 'hang-up' || command === 'toggle-dnd') listener(command);
      };
      ipcRenderer.on(HOST_EVENT_CHANNELS.desktopCommand, wrapped);
      return () => {
        ipcRenderer.removeListener(HOST_EVENT_CHANNELS.desktopCommand, wrapped);
      };
    },
    onPrepareQuit(prepare) {
      // The main process bounds the wait; the answer goes back whether prepare worked or not.
      const wrapped = () =>
        void prepare()
          .catch(() => {})
          .finally(() => ipcRenderer.send(QUIT_READY_CHANNEL));
      ipcRenderer.on(HOST_EVENT_CHANNELS.prepareQuit, wrapped);
      return () => {
        ipcRenderer.removeListener(HOST_EVENT_CHANNELS.prepareQuit, wrapped);
      };
    },
  };
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createPreloadBridge());
