import { HOST_METHOD_CHANNELS, type HostMethodName } from '../../shared/ipc/channels';
import type { HostHandlers } from '../../shared/ipc/contract';
import { dispatchHostCall } from '../../shared/ipc/dispatch';
import { fail, type Result } from '../../shared/result';
import { isTrustedSender } from './security-policy';

/** The parts of Electron's ipcMain and its events that the host needs (a fake implements them in tests). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}
export interface IpcInvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * Registers one handler per contract method. Every call is checked for its sender first
 * (checklist item 17), then validated and dispatched through the shared contract.
 */
export function registerHostIpc(
  ipcMain: IpcMainLike,
  handlers: HostHandlers,
  trustedOrigins: readonly string[],
  log: (message: string) => void,
): () => void {
  const names = Object.keys(HOST_METHOD_CHANNELS) as HostMethodName[];
  for (const name of names) {
    ipcMain.handle(HOST_METHOD_CHANNELS[name], async (event, input): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      if (!isTrustedSender(frame && { url: frame.url, isMainFrame: frame.parent === null }, trustedOrigins)) {
        log(`Refused IPC ${name} from untrusted sender ${frame?.url ?? '(destroyed frame)'}`);
        return fail('untrusted-sender', 'This window may not use the Tollgate host');
      }
      return dispatchHostCall(handlers, name, input, (method, error) =>
        log(`Host method ${method} failed: ${error instanceof Error ? error.stack : String(error)}`),
      );
    });
  }
  return () => names.forEach((name) => ipcMain.removeHandler(HOST_METHOD_CHANNELS[name]));
}
