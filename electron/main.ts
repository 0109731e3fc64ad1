/**
 * The Electron main process: app lifecycle, one instance, the menu. It builds the Desk on the
 * OS keychain and binds it to IPC; everything the Desk does lives in electron/core.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { Desk } from './core/desk.ts';
import { SandboxLauncher } from './sandbox/launcher.ts';
import { KeytarSecretStore } from './core/secrets.ts';
import { APP_ORIGIN } from './core/shell-policy.ts';
import { bindIpc, syncActiveProfileNow } from './ipc.ts';
import {
  createMainWindow,
  guardAllWebContents,
  hardenSession,
  registerAppScheme,
  serveRenderer,
} from './window.ts';

/** How long quitting waits for the Desk to finish writing before it gives up. */
const CLOSE_TIMEOUT_MS = 5_000;

// Tests and portable installs point the whole profile (Desk files and Chromium's) elsewhere.
if (process.env.BILLPRO_DESK_DATA) app.setPath('userData', path.resolve(process.env.BILLPRO_DESK_DATA));

registerAppScheme(protocol);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

function run(): void {
  const appRoot = app.getAppPath();
  const devTools = !app.isPackaged;
  let mainWindow: BrowserWindow | null = null;
  let desk: Desk | null = null;
  let unbindIpc: (() => void) | null = null;

  const openWindow = (): BrowserWindow => {
    const window = createMainWindow({
      preloadPath: path.join(appRoot, 'dist', 'electron', 'preload.cjs'),
      devTools,
    });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
    return window;
  };

  guardAllWebContents(app, APP_ORIGIN);

  app.on('second-instance', () => {
    const window = mainWindow ?? (app.isReady() && desk ? openWindow() : null);
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', (event) => {
    const closing = desk;
    if (!closing) return;
    event.preventDefault();
    desk = null;
    unbindIpc?.();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref());
    void Promise.race([closing.close().catch(() => undefined), timeout]).finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      hardenSession(session.defaultSession);
      serveRenderer(protocol, path.join(appRoot, 'dist', 'renderer'));
      const started = await Desk.create({
        dataDir: app.getPath('userData'),
        secrets: new KeytarSecretStore(),
        mode: 'electron',
        version: app.getVersion(),
        platform: process.platform,
        launchers: { sandbox: new SandboxLauncher() },
      });
      desk = started;
      unbindIpc = bindIpc(ipcMain, started, () => mainWindow, APP_ORIGIN);
      Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(started, devTools)));
      const window = openWindow();
      if (started.startupProblem) {
        void dialog.showMessageBox(window, {
          type: 'warning',
          message: 'BillPro Desk',
          detail: started.startupProblem,
        });
      }
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0 && desk) openWindow();
      });
    })
    .catch((error: unknown) => {
      const detail = error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('BillPro Desk could not start', detail);
      app.exit(1);
    });
}

function menuTemplate(desk: Desk, devTools: boolean): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  const developer: MenuItemConstructorOptions[] = devTools
    ? [{ role: 'reload' }, { role: 'toggleDevTools' }, separator]
    : [];
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        // The Desk reports progress and results through its own events.
        { label: 'Sync now', accelerator: 'F5', click: () => void syncActiveProfileNow(desk) },
        separator,
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...developer,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'BillPro API documentation', click: () => void shell.openExternal('https://docs.bill.pro') },
      ],
    },
  ];
}
