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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  ready: () => void;
  quitDone: Promise<void>;
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
  let isReady = false;
  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));
  let finishQuit: () => void = () => {};
  const quitDone = new Promise<void>((resolve) => (finishQuit = resolve));
  const harness = { menu: null } as Harness;

  const app = Object.assign(new Emitter(), {
    isPackaged: options.packaged,
    whenReady: () => readyPromise,
    isReady: () => isReady,
    getAppPath: () => options.appRoot,
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return options.userData;
    },
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
        asked.push((args.at(-1) as { message: string }).message);
        return Promise.resolve({ response: answers.shift() ?? 0 });
      },
    },
    shell: {
      openExternal: (url: string) => {
        opened.push(url);
        return Promise.resolve();
      },
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
  const requireWithFakeElectron = (id: string) => (id === 'electron' ? h.electron : realRequire(id));
  wrapper(module.exports, requireWithFakeElectron, module, bundlePath, path.dirname(bundlePath));

  cleanups.push(async () => {
    if (h.windows.length > 0) {
      h.app.emit('window-all-closed');
      (h.app.quit as () => void)();
      await h.quitDone;
    }
    await rm(base, { recursive: true, force: true });
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
      value: { profiles: [], activeId: null },
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
    h.app.emit('second-instance');
    expect(window.focused).toBe(1);
    expect(h.windows).toHaveLength(1);

    const second = await start({ gotLock: false });
    expect(second.h.calls).toEqual(['registerSchemes', 'enableSandbox', 'requestSingleInstanceLock', 'quit']);
    second.h.ready();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.h.windows).toHaveLength(0);
    expect(second.h.handlers.size).toBe(0);
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
