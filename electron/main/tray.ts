import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { DesktopStatus } from '../../shared/ipc/contract';
import { STARTING_STATUS, trayColour, trayIconBitmap, trayMenuModel, type TrayItem } from './tray-model';

const ICON_SIZE = 16;

/** The tray icon (edge): draws the model of tray-model.ts; clicks go to `onItem`. */
export class StatusTray {
  private readonly tray: Tray;
  private current: DesktopStatus = STARTING_STATUS;

  constructor(private readonly onItem: (id: 'toggle-dnd' | 'show' | 'quit') => void) {
    this.tray = new Tray(this.icon(STARTING_STATUS));
    this.tray.on('click', () => onItem('show'));
    this.show(STARTING_STATUS);
  }

  /** What the tray shows now (its tooltip is `text.status`). */
  get status(): DesktopStatus {
    return this.current;
  }

  show(status: DesktopStatus): void {
    this.current = status;
    this.tray.setImage(this.icon(status));
    this.tray.setToolTip(status.text.status);
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuModel(status).map((item) => this.entry(item))));
  }

  destroy(): void {
    this.tray.destroy();
  }

  private icon(status: DesktopStatus) {
    const bitmap = Buffer.from(trayIconBitmap(trayColour(status), ICON_SIZE));
    return nativeImage.createFromBitmap(bitmap, { width: ICON_SIZE, height: ICON_SIZE });
  }

  private entry(item: TrayItem): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'status':
        return { label: item.text, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'checkbox':
        return {
          label: item.text,
          type: 'checkbox',
          checked: item.checked,
          click: () => this.onItem(item.id),
        };
      case 'action':
        return { label: item.text, click: () => this.onItem(item.id) };
    }
  }
}
