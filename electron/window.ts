/**
 * The window, its session and every webContents guard (DESIGN.md "Security (Electron)"). The
 * decisions live in core/shell-policy.ts and are tested there; this file only hangs them on
 * Electron's hooks.
 */
import { BrowserWindow, dialog, shell } from 'electron';
import type { App, Protocol, Session, WebContents, WebPreferences } from 'electron';
import { readFile } from 'node:fs/promises';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  contentTypeOf,
  ExternalLinkGate,
  denyPermissionCheck,
  denyPermissionRequest,
  isAllowedNavigation,
  isStreamRequest,
  openExternalLink,
  rendererResponseHeaders,
  resolveRendererFile,
  streamResponse,
  windowWebPreferences,
  type StreamOpener,
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

/**
 * Serves the built renderer (dist/renderer) on `app://desk/…`, with the CSP on every file, and the
 * Desk's streamed answers on `app://desk/stream/…` (core/shell-policy.ts streamResponse) once
 * `streams()` gives the Desk.
 */
export function serveRenderer(protocol: Protocol, rendererRoot: string, streams: () => StreamOpener | null = () => null): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (isStreamRequest(request.url)) return streamResponse(request, streams());
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

/** The main process's own question before a link to a new host leaves for the browser. */
async function confirmExternalHost(contents: WebContents, host: string, url: string): Promise<boolean> {
  const options = {
    type: 'question' as const,
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    title: 'Open a link',
    message: `Open a page on ${host} in your browser?`,
    detail: `${url.length > 300 ? `${url.slice(0, 299)}…` : url}\n\nThis link is not on BillPro's own site. Desk asks once per site while it runs.`,
  };
  const owner = BrowserWindow.fromWebContents(contents);
  const { response } = owner ? await dialog.showMessageBox(owner, options) : await dialog.showMessageBox(options);
  return response === 0;
}

/**
 * Guards for every webContents the app ever creates (the window, and anything unexpected):
 * no <webview>, no navigation or redirect off the app origin, no new windows; https links the
 * page opens go to the person's browser: BillPro's own at once, any other host after the person
 * said yes to it in a dialog of the main process (core/shell-policy.ts ExternalLinkGate).
 */
export function guardAllWebContents(app: App, appOrigin: string): void {
  const links = new ExternalLinkGate();
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('will-navigate', (event) => {
      if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault();
    });
    contents.setWindowOpenHandler(({ url }) => {
      const ask = (host: string, link: string) => confirmExternalHost(contents, host, link);
      void openExternalLink(url, links, ask, (safeUrl) => shell.openExternal(safeUrl)).catch(() => undefined);
      return { action: 'deny' };
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
