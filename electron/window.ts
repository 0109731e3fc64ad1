/**
 * The window, its session and every webContents guard (DESIGN.md "Security (Electron)"). The
 * decisions live in core/shell-policy.ts and are tested there; this file only hangs them on
 * Electron's hooks.
 */
import { BrowserWindow, shell } from 'electron';
import type { App, Protocol, Session, WebContents, WebPreferences } from 'electron';
import { readFile } from 'node:fs/promises';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentTypeOf,
  decideWindowOpen,
  denyPermissionCheck,
  denyPermissionRequest,
  isAllowedNavigation,
  rendererResponseHeaders,
  resolveRendererFile,
  windowWebPreferences,
  type ShellWebPreferences,
} from './core/shell-policy.ts';

// Every key shell-policy sets must be a real Electron preference (a typo would be ignored).
type UnknownPreference = Exclude<keyof ShellWebPreferences, keyof WebPreferences>;
const preferencesAreElectrons: UnknownPreference extends never ? true : never = true;
void preferencesAreElectrons;

/**
 * Must run before `app` is ready: makes `app://` a standard, secure scheme (a real origin, a
 * secure context, fetch allowed) without bypassing CSP and without service workers.
 */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        bypassCSP: false,
        allowServiceWorkers: false,
      },
    },
  ]);
}

/** Serves the built renderer (dist/renderer) on `app://desk/…`, with the CSP on every file. */
export function serveRenderer(protocol: Protocol, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
    const file = resolveRendererFile(rendererRoot, request.url);
    if (file === null) return new Response(null, { status: 404 });
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return new Response(null, { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      headers: rendererResponseHeaders(contentTypeOf(file)),
    });
  });
}

/** The Desk asks the system for nothing: camera, notifications, clipboard reads, USB … all denied. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler(() => false);
}

/**
 * Guards for every webContents the app ever creates (the window, and anything unexpected):
 * no <webview>, no navigation or redirect off the app origin, no new windows; https links the
 * page opens go to the person's browser.
 */
export function guardAllWebContents(app: App, appOrigin: string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event) => {
      if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternally !== null) void shell.openExternal(decision.openExternally);
      return { action: decision.action };
    });
  });
}

/** The console's one window: hidden until its first paint, nothing remembered between runs. */
export function createMainWindow(options: { preloadPath: string; devTools: boolean }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'BillPro Desk',
    backgroundColor: '#ffffff',
    webPreferences: {
      ...windowWebPreferences(options.preloadPath, { devTools: options.devTools }),
      // Restated where the window is made, so no edit elsewhere can weaken them.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
