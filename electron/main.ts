/**
 * The Electron main process: app lifecycle, one instance, the menu. It builds the Desk on the
 * OS keychain and binds it to IPC; everything the Desk does lives in electron/core.
 */
import { BrowserWindow, Menu, Notification, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEEP_LINK_SCHEME, deepLinkInArgv } from './common/deep-link.ts';
import { Desk } from './core/desk.ts';
import { UpdateController } from './core/update/controller.ts';
import { electronUpdaterPort } from './update-port.ts';
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
  /** A link that arrived before the Desk was ready (first launch, macOS open-url). */
  let pendingLink: string | null = deepLinkInArgv(process.argv);

  // The installer registers the scheme (electron-builder `protocols`); an installed copy claims
  // it again at start. A copy run from source (or under test) never touches the OS's handlers.
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);

  const focusWindow = (): BrowserWindow | null => {
    const window = mainWindow ?? (app.isReady() && desk ? openWindow() : null);
    if (!window) return null;
    if (window.isMinimized()) window.restore();
    window.focus();
    return window;
  };

  /** Opens a billpro-desk:// link in the window, or says plainly why it cannot. */
  const openLink = (url: string): void => {
    if (!desk) {
      pendingLink = url;
      return;
    }
    const window = focusWindow();
    const result = desk.openLink(url);
    if (!result.ok && window) {
      void dialog.showMessageBox(window, { type: 'warning', message: 'This link cannot be opened', detail: result.message });
    }
  };

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

  // A second launch (a link clicked while Desk runs, on Windows and Linux) hands over its argv.
  app.on('second-instance', (_event, argv: string[]) => {
    const link = deepLinkInArgv(argv);
    if (link) openLink(link);
    else focusWindow();
  });
  // macOS delivers links to the running app.
  app.on('open-url', (event, url: string) => {
    event.preventDefault();
    openLink(url);
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
      serveRenderer(protocol, path.join(appRoot, 'dist', 'renderer'), () => {
        const current = desk;
        return current ? (name, input, signal) => current.openStream(name, input, signal) : null;
      });
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
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(menuTemplate(started, devTools, () => void exportDiagnostics(started, mainWindow))),
      );
      started.onNotification((note) => {
        if (!Notification.isSupported()) return;
        const shown = new Notification({ title: note.title, body: note.body });
        shown.on('click', () => openLink(note.link));
        shown.show();
      });
      if (app.isPackaged) await startUpdates(started);
      const window = openWindow();
      if (pendingLink) {
        const link = pendingLink;
        pendingLink = null;
        window.webContents.once('did-finish-load', () => openLink(link));
      }
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

/** The update loop on electron-updater (installed copies only: a development build has no feed). */
async function startUpdates(desk: Desk): Promise<void> {
  const { autoUpdater } = await import('electron-updater');
  const controller = new UpdateController({
    port: electronUpdaterPort(autoUpdater),
    currentVersion: app.getVersion(),
    mode: desk.desktopPreferences.updates,
    unsentChanges: () => desk.unsentChanges(),
    onState: (state) => desk.publishUpdateState(state),
  });
  desk.attachUpdater(controller);
  controller.start();
}

/** Help → Export diagnostics: asks where, then writes the redacted zip (see core/diagnostics). */
async function exportDiagnostics(desk: Desk, window: BrowserWindow | null): Promise<void> {
  const stamp = new Date().toISOString().slice(0, 10);
  const options = {
    title: 'Export diagnostics',
    defaultPath: path.join(app.getPath('downloads'), `billpro-desk-diagnostics-${stamp}.zip`),
    filters: [{ name: 'Zip archive', extensions: ['zip'] }],
  };
  const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return;
  try {
    const zip = await desk.exportDiagnostics({
      electron: process.versions.electron ?? 'unknown',
      chrome: process.versions.chrome ?? 'unknown',
      node: process.versions.node,
      arch: process.arch,
    });
    await writeFile(choice.filePath, zip, { mode: 0o600 });
    void shell.showItemInFolder(choice.filePath);
  } catch (error) {
    dialog.showErrorBox('Diagnostics were not exported', error instanceof Error ? error.message : String(error));
  }
}

function menuTemplate(desk: Desk, devTools: boolean, exportDiagnostics: () => void): MenuItemConstructorOptions[] {
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
        { label: 'Export diagnostics…', click: exportDiagnostics },
      ],
    },
  ];
}
