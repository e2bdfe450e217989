import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { unregisterBeforeQuit } from '../../../electron/main/quit-guard';
import {
  HOST_EVENT_CHANNELS,
  QUIT_PREPARE_TIMEOUT_MS,
  QUIT_READY_CHANNEL,
} from '../../../shared/ipc/channels';

/** Electron's app, ipcMain and window as far as the guard uses them, with what happened recorded. */
function fakes() {
  const app = Object.assign(new EventEmitter(), { quits: 0, quit: () => {} });
  app.quit = () => {
    app.quits++;
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    app.emit('before-quit', event);
  };
  const ipc = new EventEmitter();
  const sent: string[] = [];
  const contents = { send: (channel: string) => sent.push(channel) };
  const window = Object.assign(new EventEmitter(), {
    closes: 0,
    destroyed: false,
    webContents: contents,
    isDestroyed: () => window.destroyed,
    close: () => {
      window.closes++;
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      window.emit('close', event);
      if (!event.prevented) window.destroyed = true;
    },
  });
  unregisterBeforeQuit(app, ipc, window);
  const quitRequested = () => {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    app.emit('before-quit', event);
    return event;
  };
  return { app, ipc, window, contents, sent, quitRequested };
}

afterEach(() => vi.useRealTimers());

describe('unregister before quit', () => {
  // Breaks when before-quit is not held back: the app would quit with the contact still registered.
  it('holds the quit until the renderer has unregistered', () => {
    const { app, ipc, contents, sent, quitRequested } = fakes();
    expect(quitRequested().prevented).toBe(true);
    expect(sent).toEqual([HOST_EVENT_CHANNELS.prepareQuit]);
    expect(app.quits).toBe(0);
    ipc.emit(QUIT_READY_CHANNEL, { sender: { other: true } }); // not our window: ignored
    expect(app.quits).toBe(0);
    ipc.emit(QUIT_READY_CHANNEL, { sender: contents });
    expect(app.quits).toBe(1);
    // The second before-quit (from app.quit()) goes through.
    expect(quitRequested().prevented).toBe(false);
  });

  it('quits anyway after the bound when the renderer does not answer', () => {
    vi.useFakeTimers();
    const { app, quitRequested } = fakes();
    quitRequested();
    vi.advanceTimersByTime(QUIT_PREPARE_TIMEOUT_MS - 1);
    expect(app.quits).toBe(0);
    vi.advanceTimersByTime(1);
    expect(app.quits).toBe(1);
  });

  it('asks once when the window closes, and a quit meanwhile waits for the same answer', () => {
    const { app, ipc, window, contents, sent, quitRequested } = fakes();
    window.close();
    expect(window.destroyed).toBe(false);
    expect(quitRequested().prevented).toBe(true);
    expect(sent).toHaveLength(1);
    ipc.emit(QUIT_READY_CHANNEL, { sender: contents });
    expect(app.quits).toBe(1);
  });

  it('lets a window that is gone quit at once', () => {
    const { window, sent, quitRequested } = fakes();
    window.destroyed = true;
    expect(quitRequested().prevented).toBe(false);
    expect(sent).toEqual([]);
  });
});
