/**
 * The main-process bundle as it ships (main.ts + window.ts + ipc.ts, built with the app's own
 * esbuild options), run under Node with a stand-in for the 'electron' module — Electron's
 * runtime cannot start here. Everything else is real: the Desk on a temporary data folder,
 * libsql, the app:// file server on a temporary renderer folder. It checks the wiring the
 * desktop app relies on: the order of start-up calls, the hardened window, the CSP on served
 * files, the IPC surface answering only the app page, the guards on every webContents, the
 * menu, the single-instance lock and closing the Desk on quit.
 */
import { build } from 'esbuild';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, channelOf, type Result } from '../../electron/common/contract.ts';
import { cspHeader } from '../../electron/core/shell-policy.ts';
import { mainOptions } from '../../scripts/build-electron.mjs';

type Fn = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Fn[]>();
  on(event: string, listener: Fn): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Fn): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: unknown[]) => unknown)(...args);
  }
}

class Cancellable {
  prevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.prevented = true;
  }
}

class FakeWebContents extends Emitter {
  mainFrame = { url: '', processId: 3, routingId: 1 };
  sent: unknown[][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  isDestroyed() {
    return false;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

interface Harness {
  electron: Record<string, unknown>;
  calls: string[];
  app: Emitter & Record<string, unknown>;
  handlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<Result<unknown>>>;
  schemes: unknown[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  permission: { request?: Fn; check?: Fn; device?: Fn };
  windows: Array<
    Emitter & {
      options: { webPreferences: Record<string, unknown> };
      webContents: FakeWebContents;
      loaded: string | null;
      shown: boolean;
      focused: number;
    }
  >;
  opened: string[];
  /** The questions the main process asked with a message box, and the button each answer picks. */
  asked: string[];
  answers: number[];
  menu: {
    template: Array<{
      label?: string;
      role?: string;
      submenu?: Array<{ label?: string; role?: string; click?: () => void }>;
    }>;
  } | null;
  errors: string[];
  /** Message boxes shown (their detail). */
  messages: string[];
  protocolClients: string[];
  notifications: Array<Emitter & { options: { title: string; body: string }; shown: boolean }>;
  updater: FakeUpdater;
  saveTo: string | null;
  ready: () => void;
  quitDone: Promise<void>;
}

/** electron-updater's autoUpdater as the port uses it: a feed with one newer release. */
class FakeUpdater extends Emitter {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  checks = 0;
  downloads = 0;
  installs: unknown[][] = [];
  constructor(readonly latest: string) {
    super();
  }
  off(event: string, listener: Fn): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }
  async checkForUpdates() {
    this.checks++;
    return {
      isUpdateAvailable: true,
      updateInfo: {
        version: this.latest,
        files: [{ url: `BillPro-Desk-${this.latest}.AppImage`, sha512: `${'A'.repeat(86)}==`, size: 1000 }],
        path: `BillPro-Desk-${this.latest}.AppImage`,
        sha512: `${'A'.repeat(86)}==`,
        releaseDate: '2026-11-30T10:00:00.000Z',
        releaseName: 'x',
      },
    };
  }
  async downloadUpdate() {
    this.downloads++;
    for (const percent of [10, 55.5, 100]) this.emit('download-progress', { percent, transferred: 0, total: 1000 });
    return ['/tmp/x'];
  }
  quitAndInstall(...args: unknown[]) {
    this.installs.push(args);
  }
}

function fakeElectron(options: {
  appRoot: string;
  userData: string;
  packaged: boolean;
  gotLock: boolean;
}): Harness {
  const calls: string[] = [];
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<Result<unknown>>>();
  const schemes: unknown[] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const permission: Harness['permission'] = {};
  const windows: Harness['windows'] = [];
  const opened: string[] = [];
  const asked: string[] = [];
  const answers: number[] = [];
  const errors: string[] = [];
  const messages: string[] = [];
  const protocolClients: string[] = [];
  const notifications: Harness['notifications'] = [];
  let isReady = false;
  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));
  let finishQuit: () => void = () => {};
  const quitDone = new Promise<void>((resolve) => (finishQuit = resolve));
  const harness = { menu: null, saveTo: null } as Harness;

  const app = Object.assign(new Emitter(), {
    isPackaged: options.packaged,
    whenReady: () => readyPromise,
    isReady: () => isReady,
    getAppPath: () => options.appRoot,
    getPath: (name: string) => {
      if (name === 'downloads') return path.dirname(options.userData);
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return options.userData;
    },
    setAsDefaultProtocolClient: (scheme: string) => protocolClients.push(scheme),
    setPath: (name: string) => calls.push(`setPath:${name}`),
    getVersion: () => '9.9.9-test',
    enableSandbox: () => calls.push(isReady ? 'enableSandbox:after-ready' : 'enableSandbox'),
    requestSingleInstanceLock: () => {
      calls.push('requestSingleInstanceLock');
      return options.gotLock;
    },
    quit: () => {
      calls.push('quit');
      const event = new Cancellable();
      app.emit('will-quit', event);
      if (!event.prevented) finishQuit();
    },
    exit: (code: number) => calls.push(`exit:${code}`),
  });

  class BrowserWindow extends Emitter {
    static getAllWindows = () => windows;
    static fromWebContents = (contents: unknown) => windows.find((w) => w.webContents === contents) ?? null;
    readonly webContents = new FakeWebContents();
    loaded: string | null = null;
    shown = false;
    focused = 0;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.loaded = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      this.focused++;
    }
  }

  const electron = {
    app,
    BrowserWindow,
    ipcMain: {
      handle: (
        channel: string,
        listener: (event: unknown, ...args: unknown[]) => Promise<Result<unknown>>,
      ) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, listener);
      },
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (list: unknown[]) => {
        calls.push(isReady ? 'registerSchemes:after-ready' : 'registerSchemes');
        schemes.push(...list);
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Fn) => (permission.request = h),
        setPermissionCheckHandler: (h: Fn) => (permission.check = h),
        setDevicePermissionHandler: (h: Fn) => (permission.device = h),
      },
    },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: Harness['menu']) => (harness.menu = menu),
    },
    dialog: {
      showErrorBox: (title: string, detail: string) => errors.push(`${title}: ${detail}`),
      showMessageBox: (...args: unknown[]) => {
        const box = args.at(-1) as { message: string; detail?: string };
        asked.push(box.message);
        if (box.detail !== undefined) messages.push(box.detail);
        return Promise.resolve({ response: answers.shift() ?? 0 });
      },
      showSaveDialog: () =>
        Promise.resolve({ canceled: harness.saveTo === null, filePath: harness.saveTo ?? undefined }),
    },
    Notification: class extends Emitter {
      static isSupported = () => true;
      shown = false;
      constructor(readonly options: { title: string; body: string }) {
        super();
        notifications.push(this);
      }
      show() {
        this.shown = true;
      }
    },
    shell: {
      openExternal: (url: string) => {
        opened.push(url);
        return Promise.resolve();
      },
      showItemInFolder: (file: string) => opened.push(`folder:${file}`),
    },
  };

  return Object.assign(harness, {
    electron,
    calls,
    app,
    handlers,
    schemes,
    protocolHandlers,
    permission,
    windows,
    opened,
    asked,
    answers,
    errors,
    messages,
    protocolClients,
    notifications,
    updater: new FakeUpdater('10.0.0'),
    quitDone,
    ready: () => {
      isReady = true;
      resolveReady();
    },
  });
}

let bundle = '';
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  const result = await build(mainOptions({ write: false, logLevel: 'silent' }));
  bundle = result.outputFiles?.[0]?.text ?? '';
  if (!bundle) throw new Error('esbuild produced no main bundle');
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(options: { packaged?: boolean; gotLock?: boolean } = {}) {
  const base = await mkdtemp(path.join(os.tmpdir(), 'billpro-shell-main-'));
  const appRoot = path.join(base, 'app');
  const userData = path.join(base, 'user-data');
  await mkdir(path.join(appRoot, 'dist', 'renderer', 'assets'), { recursive: true });
  await writeFile(
    path.join(appRoot, 'dist', 'renderer', 'index.html'),
    '<!doctype html><title>BillPro Desk</title>',
  );
  await writeFile(path.join(appRoot, 'dist', 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(base, 'secret.txt'), 'not for the page');
  const h = fakeElectron({
    appRoot,
    userData,
    packaged: options.packaged ?? true,
    gotLock: options.gotLock ?? true,
  });

  const bundlePath = path.join(process.cwd(), 'dist', 'electron', 'main.cjs');
  const realRequire = createRequire(bundlePath);
  const module = { exports: {} };
  const wrapper = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname) {${bundle}\n})`,
    {
      filename: bundlePath,
    },
  ) as (...args: unknown[]) => void;
  const requireWithFakeElectron = (id: string) =>
    id === 'electron' ? h.electron : id === 'electron-updater' ? { autoUpdater: h.updater } : realRequire(id);
  wrapper(module.exports, requireWithFakeElectron, module, bundlePath, path.dirname(bundlePath));

  cleanups.push(async () => {
    if (h.windows.length > 0) {
      h.app.emit('window-all-closed');
      (h.app.quit as () => void)();
      await h.quitDone;
    }
    // The shell gives the Desk 5 s to close; on a loaded machine a sandbox sync started by the
    // test may still be writing its last files when the quit goes ahead, so the removal retries.
    await rm(base, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  });
  return { h, appRoot, userData };
}

async function readyWithWindow(h: Harness) {
  h.ready();
  await expect.poll(() => h.windows.length + h.errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(h.errors).toEqual([]);
  const window = h.windows[0];
  if (!window) throw new Error('no window');
  return window;
}

describe('main process start-up', () => {
  it('registers app:// and the sandbox before ready, then builds the Desk, IPC, menu and one hardened window', async () => {
    const { h, appRoot } = await start();
    expect(h.calls).toEqual(['registerSchemes', 'enableSandbox', 'requestSingleInstanceLock']);
    expect(h.schemes).toEqual([
      {
        scheme: 'app',
        privileges: {
          standard: true,
          secure: true,
          supportFetchAPI: true,
          bypassCSP: false,
          allowServiceWorkers: false,
        },
      },
    ]);
    expect(h.windows).toHaveLength(0);

    const window = await readyWithWindow(h);
    expect([...h.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelOf).sort());
    expect(window.loaded).toBe('app://desk/index.html');
    expect(window.options.webPreferences).toMatchObject({
      preload: path.join(appRoot, 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      devTools: false,
    });
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('answers the app page through the real Desk, and refuses any other sender', async () => {
    const { h } = await start();
    const window = await readyWithWindow(h);
    const infoHandler = h.handlers.get(channelOf('app.info'));
    const fromApp = { sender: window.webContents, senderFrame: { ...window.webContents.mainFrame } };
    await expect(infoHandler?.(fromApp, {})).resolves.toEqual({
      ok: true,
      value: { name: 'BillPro Desk', version: '9.9.9-test', mode: 'electron', platform: process.platform },
    });
    await expect(h.handlers.get(channelOf('profiles.list'))?.(fromApp, {})).resolves.toEqual({
      ok: true,
      value: { profiles: [], activeId: null, revision: expect.any(Number) },
    });
    const bad = await h.handlers.get(channelOf('profiles.add'))?.(fromApp, { name: '', token: 'x' });
    expect(bad?.ok === false && bad.error.code).toBe('BAD_INPUT');

    const subframe = {
      sender: window.webContents,
      senderFrame: { ...window.webContents.mainFrame, routingId: 9 },
    };
    const other = {
      sender: new FakeWebContents(),
      senderFrame: { url: 'app://desk/index.html', processId: 3, routingId: 1 },
    };
    for (const event of [subframe, other]) {
      const result = await infoHandler?.(event, {});
      expect(result?.ok === false && result.error.code).toBe('FORBIDDEN');
    }
  });

  it('serves the renderer on app:// with the CSP, and nothing outside its folder', async () => {
    const { h } = await start();
    await readyWithWindow(h);
    const serve = h.protocolHandlers.get('app');
    if (!serve) throw new Error('no app:// handler');
    const index = await serve(new Request('app://desk/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(cspHeader());
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>BillPro Desk</title>');
    const script = await serve(new Request('app://desk/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    for (const url of [
      'app://desk/..%2F..%2Fsecret.txt',
      'app://desk/assets/missing.js',
      'app://other/index.html',
    ]) {
      const response = await serve(new Request(url));
      expect(response.status, url).toBe(404);
    }
    expect((await serve(new Request('app://desk/index.html', { method: 'POST', body: 'x' }))).status).toBe(
      405,
    );
  });

  it('serves the streamed Orders CSV on app://desk/stream/ to the app page only, the same text as the IPC export', async () => {
    const { h } = await start();
    const window = await readyWithWindow(h);
    const serve = h.protocolHandlers.get('app');
    if (!serve) throw new Error('no app:// handler');
    const fromApp = { sender: window.webContents, senderFrame: { ...window.webContents.mainFrame } };
    const tried = await h.handlers.get(channelOf('profiles.trySandbox'))?.(fromApp, {});
    if (!tried?.ok) throw new Error('sandbox did not start');
    const profileId = (tried.value as { activeId: string }).activeId;
    await h.handlers.get(channelOf('sync.now'))?.(fromApp, { profileId });
    const input = { profileId, columns: ['order_id', 'customer_name', 'products', 'status'] };
    const whole = await h.handlers.get(channelOf('orders.exportCsv'))?.(fromApp, input);
    if (!whole?.ok) throw new Error('export failed');
    const { csv, rows } = whole.value as { csv: string; rows: number };
    expect(rows).toBeGreaterThan(0);

    const ask = (headers: Record<string, string>, body = JSON.stringify(input), url = 'app://desk/stream/orders.exportCsv') =>
      serve(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }));
    const streamed = await ask({ origin: 'app://desk' });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('x-desk-rows')).toBe(String(rows));
    expect(await streamed.text()).toBe(csv);

    expect((await ask({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await ask({})).status).toBe(403);
    expect((await ask({ origin: 'app://desk' }, JSON.stringify(input), 'app://desk/stream/orders.list')).status).toBe(404);
    const refused = await ask({ origin: 'app://desk' }, JSON.stringify({ profileId, columns: [] }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect((await serve(new Request('app://desk/stream/orders.exportCsv'))).status).toBe(405);

    // The page stops reading: the export is cancelled (its snapshot dropped), nothing hangs.
    const stopped = await ask({ origin: 'app://desk' });
    const reader = stopped.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
  });

  it('guards every webContents and denies every permission', async () => {
    const { h } = await start();
    const window = await readyWithWindow(h);
    const contents = window.webContents;
    for (const [event, url, blocked] of [
      ['will-navigate', 'https://evil.example/', true],
      ['will-navigate', 'file:///etc/passwd', true],
      ['will-navigate', 'app://desk/index.html', false],
      ['will-redirect', 'http://127.0.0.1:9/', true],
    ] as const) {
      const e = new Cancellable(url);
      contents.emit(event, e);
      expect(e.prevented, `${event} ${url}`).toBe(blocked);
    }
    const webview = new Cancellable();
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);

    expect(contents.windowOpenHandler?.({ url: 'https://docs.bill.pro/orders' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(h.opened).toEqual(['https://docs.bill.pro/orders']);
    expect(h.asked).toEqual([]);

    // A payment link on another host: the main process asks, host first; "Cancel" opens nothing.
    h.answers.push(1);
    expect(contents.windowOpenHandler?.({ url: 'https://pay.psp.example/c/123' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(h.asked).toEqual(['Open a page on pay.psp.example in your browser?']));
    expect(h.opened).toEqual(['https://docs.bill.pro/orders']);
    // Asked again; "Open in browser" opens it, and that host is not asked about again this run.
    h.answers.push(0);
    contents.windowOpenHandler?.({ url: 'https://pay.psp.example/c/123' });
    await vi.waitFor(() => expect(h.opened).toEqual(['https://docs.bill.pro/orders', 'https://pay.psp.example/c/123']));
    contents.windowOpenHandler?.({ url: 'https://pay.psp.example/c/456' });
    await vi.waitFor(() => expect(h.opened).toHaveLength(3));
    expect(h.asked).toHaveLength(2);

    const answers: boolean[] = [];
    (h.permission.request as (...a: unknown[]) => void)(
      contents,
      'media',
      (granted: boolean) => answers.push(granted),
      {},
    );
    expect(answers).toEqual([false]);
    expect(
      (h.permission.check as (...a: unknown[]) => boolean)(contents, 'notifications', 'app://desk', {}),
    ).toBe(false);
    expect((h.permission.device as (...a: unknown[]) => boolean)({})).toBe(false);
  });

  it('has a menu with Sync now, the API docs, and developer items only in development', async () => {
    const packaged = await start({ packaged: true });
    await readyWithWindow(packaged.h);
    const roles = (h: Harness) =>
      (h.menu?.template ?? []).flatMap((item) => [
        item.role ?? item.label,
        ...(item.submenu ?? []).map((s) => s.role ?? s.label),
      ]);
    expect(roles(packaged.h)).toEqual(
      expect.arrayContaining(['File', 'Sync now', 'editMenu', 'View', 'windowMenu', 'help']),
    );
    expect(roles(packaged.h)).not.toContain('toggleDevTools');
    expect(roles(packaged.h)).not.toContain('reload');
    const docs = packaged.h.menu?.template
      .find((m) => m.role === 'help')
      ?.submenu?.find((s) => s.label === 'BillPro API documentation');
    docs?.click?.();
    expect(packaged.h.opened).toEqual(['https://docs.bill.pro']);

    const dev = await start({ packaged: false });
    const devWindow = await readyWithWindow(dev.h);
    expect(roles(dev.h)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(devWindow.options.webPreferences.devTools).toBe(true);
  });

  it('focuses the existing window when a second copy starts, and a second copy only quits', async () => {
    const { h } = await start();
    const window = await readyWithWindow(h);
    h.app.emit('second-instance', {}, ['/opt/BillPro Desk/billpro-desk']);
    expect(window.focused).toBe(1);
    expect(h.windows).toHaveLength(1);

    const second = await start({ gotLock: false });
    expect(second.h.calls).toEqual(['registerSchemes', 'enableSandbox', 'requestSingleInstanceLock', 'quit']);
    second.h.ready();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.h.windows).toHaveLength(0);
    expect(second.h.handlers.size).toBe(0);
  });

  it('registers billpro-desk:// and opens links a second launch or macOS hands over, refusing bad ones', async () => {
    const { h } = await start();
    const window = await readyWithWindow(h);
    expect(h.protocolClients).toEqual(['billpro-desk']);
    const fromApp = { sender: window.webContents, senderFrame: { ...window.webContents.mainFrame } };
    const tried = await h.handlers.get(channelOf('profiles.trySandbox'))?.(fromApp, {});
    if (!tried?.ok) throw new Error('sandbox did not start');
    const profileId = (tried.value as { activeId: string }).activeId;
    const linkEvents = () => window.webContents.sent.filter((m) => (m[1] as { event: string }).event === 'openLink');

    h.app.emit('second-instance', {}, ['/opt/BillPro Desk/billpro-desk', `billpro-desk://${profileId}/orders/1042`]);
    expect(linkEvents().map((m) => m[1])).toEqual([
      { event: 'openLink', payload: { profileId, view: 'orders', id: 1042 } },
    ]);
    expect(window.focused).toBe(1);

    const openUrl = new Cancellable();
    h.app.emit('open-url', openUrl, `billpro-desk://${profileId}/customers/7`);
    expect(openUrl.prevented).toBe(true);
    expect(linkEvents()).toHaveLength(2);

    h.app.emit('second-instance', {}, ['x', 'billpro-desk://someone-else/orders/1']);
    h.app.emit('second-instance', {}, ['x', `billpro-desk://${profileId}/invoices/1`]);
    h.app.emit('second-instance', {}, ['x', `billpro-desk://${profileId}/orders/12abc`]);
    expect(linkEvents()).toHaveLength(2);
    expect(h.messages).toEqual([
      expect.stringMatching(/profile that is not on this device/),
      expect.stringMatching(/“invoices”, which Desk cannot open/),
      expect.stringMatching(/“12abc” is not a record number/),
    ]);
  }, 30_000);

  it('opens the link a first launch was started with once the page has loaded, or says why not', async () => {
    process.argv.push('billpro-desk://a-profile-elsewhere/orders/5');
    let h: Harness;
    try {
      ({ h } = await start());
    } finally {
      process.argv.pop();
    }
    const window = await readyWithWindow(h);
    expect(h.messages).toEqual([]);
    window.webContents.emit('did-finish-load');
    expect(h.messages).toEqual([expect.stringMatching(/not on this device \(a-profile-elsewhere\)/)]);
  });

  it('checks for updates on start with electron-updater, downloads with progress, and restarts only when told about unsent changes', async () => {
    const { h } = await start({ packaged: true });
    const window = await readyWithWindow(h);
    await expect.poll(() => h.updater.installs.length + h.updater.downloads, { timeout: 10_000 }).toBe(1);
    expect(h.updater.autoDownload).toBe(false);
    const states = () =>
      window.webContents.sent
        .map((m) => m[1] as { event: string; payload: { phase: string; percent: number | null } })
        .filter((e) => e.event === 'updateState')
        .map((e) => `${e.payload.phase}:${e.payload.percent ?? '-'}`);
    await expect.poll(states).toContain('ready:100');
    expect(states()).toEqual(['checking:-', 'available:-', 'downloading:0', 'downloading:10', 'downloading:55', 'downloading:100', 'ready:100']);
    const fromApp = { sender: window.webContents, senderFrame: { ...window.webContents.mainFrame } };
    const restart = await h.handlers.get(channelOf('updates.restart'))?.(fromApp, {});
    expect(restart).toEqual({ ok: true, value: { restarting: true } });
    expect(h.updater.installs).toEqual([[false, true]]);
  }, 30_000);

  it('does not run the updater or register the link scheme in a development build', async () => {
    const { h } = await start({ packaged: false });
    const window = await readyWithWindow(h);
    const fromApp = { sender: window.webContents, senderFrame: { ...window.webContents.mainFrame } };
    const status = await h.handlers.get(channelOf('updates.status'))?.(fromApp, {});
    expect(status?.ok && (status.value as { supported: boolean; phase: string })).toMatchObject({
      supported: false,
      phase: 'unsupported',
    });
    expect(h.updater.checks).toBe(0);
    // Nor does it claim billpro-desk:// from the OS.
    expect(h.protocolClients).toEqual([]);
  });

  it('Help → Export diagnostics writes the zip where the person chose', async () => {
    const { h, userData } = await start();
    await readyWithWindow(h);
    const target = path.join(path.dirname(userData), 'diag.zip');
    h.saveTo = target;
    const item = h.menu?.template.find((m) => m.role === 'help')?.submenu?.find((s) => s.label === 'Export diagnostics…');
    item?.click?.();
    await expect.poll(() => h.opened, { timeout: 10_000 }).toContain(`folder:${target}`);
    const zip = await readFile(target);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.toString('latin1')).toContain('versions.json');
  });

  it('closes the Desk and removes the IPC handlers before quitting', async () => {
    const { h } = await start();
    await readyWithWindow(h);
    (h.app.quit as () => void)();
    await h.quitDone;
    expect(h.calls.filter((c) => c === 'quit')).toHaveLength(2);
    expect(h.handlers.size).toBe(0);
    h.windows.splice(0);
  });
});
