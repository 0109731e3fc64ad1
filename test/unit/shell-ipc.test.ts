/**
 * The IPC shell (electron/ipc.ts) driven through a stand-in ipcMain: Electron's runtime cannot
 * run under Node, so this records `handle()` registrations and plays the renderer's calls with
 * frames and webContents shaped like Electron's. What is checked is what the app relies on:
 * one handler per contract method, the sender check, the raw input reaching the Desk, events
 * reaching only an app page, and unbinding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EVENT_CHANNEL,
  EVENT_NAMES,
  METHOD_NAMES,
  channelOf,
  events,
  methods,
  type EventEnvelope,
  type MethodName,
  type Result,
} from '../../electron/common/contract.ts';
import { APP_ORIGIN } from '../../electron/core/shell-policy.ts';
import {
  bindIpc,
  syncActiveProfileNow,
  type DeskPort,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type WebContentsLike,
  type WindowLike,
} from '../../electron/ipc.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<Result<unknown>>;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  readonly registrations: string[] = [];

  handle(channel: string, listener: Listener): void {
    // Electron throws on a second handler for one channel; so does this stand-in.
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.registrations.push(channel);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  invoke(channel: string, event: InvokeEventLike, input: unknown): Promise<Result<unknown>> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, input);
  }
}

class FakeDesk implements DeskPort {
  readonly calls: Array<{ name: MethodName; input: unknown }> = [];
  readonly listeners = new Set<(envelope: EventEnvelope) => void>();
  answer: (name: MethodName, input: unknown) => Promise<Result<unknown>> = async (name) => ({
    ok: true,
    value: { answeredBy: name },
  });

  dispatch(name: MethodName, input: unknown): Promise<Result<unknown>> {
    this.calls.push({ name, input });
    return this.answer(name, input);
  }

  onEvent(listener: (envelope: EventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(envelope: EventEnvelope): void {
    for (const listener of this.listeners) listener(envelope);
  }
}

class FakeWebContents implements WebContentsLike {
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  mainFrame: FrameLike;

  constructor(url: string, processId = 4, routingId = 1) {
    this.mainFrame = { url, processId, routingId };
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
}

function setup() {
  const ipc = new FakeIpcMain();
  const desk = new FakeDesk();
  const contents = new FakeWebContents(`${APP_ORIGIN}/index.html`);
  let window: WindowLike | null = { webContents: contents };
  const unbind = bindIpc(ipc, desk, () => window, APP_ORIGIN);
  const fromApp = (): InvokeEventLike => ({ sender: contents, senderFrame: { ...contents.mainFrame } });
  return { ipc, desk, contents, unbind, fromApp, closeWindow: () => (window = null) };
}

describe('bindIpc', () => {
  it('registers exactly one handler per contract method, on its contract channel', () => {
    const { ipc } = setup();
    expect(ipc.registrations).toHaveLength(METHOD_NAMES.length);
    expect([...ipc.registrations].sort()).toEqual(METHOD_NAMES.map(channelOf).sort());
    expect(new Set(ipc.registrations).size).toBe(ipc.registrations.length);
  });

  it('hands a call from the app window to the Desk with the raw, unparsed input and returns its Result', async () => {
    const { ipc, desk, fromApp } = setup();
    const input = { profileId: 'p-1', offset: 'not a number', extra: ['kept as sent'] };
    const result = await ipc.invoke(channelOf('customers.list'), fromApp(), input);
    expect(result).toEqual({ ok: true, value: { answeredBy: 'customers.list' } });
    expect(desk.calls).toHaveLength(1);
    expect(desk.calls[0]?.name).toBe('customers.list');
    expect(desk.calls[0]?.input).toBe(input);
  });

  it('routes every method name to the Desk under that same name', async () => {
    const { ipc, desk, fromApp } = setup();
    for (const name of METHOD_NAMES) await ipc.invoke(channelOf(name), fromApp(), {});
    expect(desk.calls.map((call) => call.name)).toEqual(METHOD_NAMES);
  });

  const forbidden: Array<[string, (s: ReturnType<typeof setup>) => InvokeEventLike]> = [
    [
      'a page of another origin in the window',
      (s) => {
        s.contents.mainFrame = { ...s.contents.mainFrame, url: 'https://evil.example/' };
        return s.fromApp();
      },
    ],
    [
      'a file:// page in the window',
      (s) => {
        s.contents.mainFrame = { ...s.contents.mainFrame, url: 'file:///tmp/index.html' };
        return s.fromApp();
      },
    ],
    [
      'a subframe of the app page',
      (s) => ({
        sender: s.contents,
        senderFrame: { url: `${APP_ORIGIN}/index.html`, processId: 4, routingId: 7 },
      }),
    ],
    [
      'a frame of another renderer process',
      (s) => ({
        sender: s.contents,
        senderFrame: { url: `${APP_ORIGIN}/index.html`, processId: 9, routingId: 1 },
      }),
    ],
    ['a frame already gone', (s) => ({ sender: s.contents, senderFrame: null })],
    [
      'another webContents showing an app URL',
      () => {
        const other = new FakeWebContents(`${APP_ORIGIN}/index.html`);
        return { sender: other, senderFrame: { ...other.mainFrame } };
      },
    ],
    [
      'a window already closed',
      (s) => {
        s.closeWindow();
        return s.fromApp();
      },
    ],
    [
      'a destroyed webContents',
      (s) => {
        s.contents.destroyed = true;
        return s.fromApp();
      },
    ],
  ];

  it.each(forbidden)('answers FORBIDDEN to %s and never reaches the Desk', async (_label, makeEvent) => {
    const s = setup();
    const result = await s.ipc.invoke(channelOf('profiles.list'), makeEvent(s), {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('FORBIDDEN');
      expect(result.error.message).toMatch(/BillPro Desk window/);
    }
    expect(s.desk.calls).toEqual([]);
  });

  it('answers a Result even if the Desk breaks its promise never to throw', async () => {
    const { ipc, desk, fromApp } = setup();
    desk.answer = async () => {
      throw new Error('token abc123 leaked?');
    };
    const result = await ipc.invoke(channelOf('app.info'), fromApp(), {});
    expect(result).toEqual({ ok: false, error: { code: 'SERVER', message: expect.any(String) } });
    expect(JSON.stringify(result)).not.toContain('abc123');
  });

  it('forwards Desk events to the app page on the event channel', () => {
    const { desk, contents } = setup();
    const envelope: EventEnvelope = {
      event: 'outboxChanged',
      payload: { profileId: 'p-1', pending: 2, needsAttention: 0 },
    };
    desk.emit(envelope);
    expect(contents.sent).toEqual([{ channel: EVENT_CHANNEL, args: [envelope] }]);
  });

  it('keeps events from a page that is not the app, from a destroyed window and from no window', () => {
    const s = setup();
    const envelope: EventEnvelope = {
      event: 'dataRefreshed',
      payload: { profileId: 'p-1', collections: ['orders'] },
    };
    s.contents.mainFrame = { ...s.contents.mainFrame, url: 'https://evil.example/' };
    s.desk.emit(envelope);
    s.contents.mainFrame = { ...s.contents.mainFrame, url: `${APP_ORIGIN}/index.html` };
    s.contents.destroyed = true;
    s.desk.emit(envelope);
    s.closeWindow();
    expect(() => s.desk.emit(envelope)).not.toThrow();
    expect(s.contents.sent).toEqual([]);
  });

  it('unbinds every handler and the event forwarding', () => {
    const { ipc, desk, unbind } = setup();
    expect(ipc.handlers.size).toBe(METHOD_NAMES.length);
    expect(desk.listeners.size).toBe(1);
    unbind();
    expect(ipc.handlers.size).toBe(0);
    expect(desk.listeners.size).toBe(0);
    // Binding again after unbinding works (Electron refuses duplicate handlers).
    expect(() => bindIpc(ipc, desk, () => null, APP_ORIGIN)).not.toThrow();
  });
});

describe('File → Sync now', () => {
  it('syncs the active profile through the Desk', async () => {
    const desk = new FakeDesk();
    desk.answer = async (name) =>
      name === 'profiles.list'
        ? { ok: true, value: { profiles: [], activeId: 'p-7', revision: 1 } }
        : { ok: true, value: { ok: true } };
    expect(await syncActiveProfileNow(desk)).toEqual({ ok: true, value: { ok: true } });
    expect(desk.calls).toEqual([
      { name: 'profiles.list', input: {} },
      { name: 'sync.now', input: { profileId: 'p-7' } },
    ]);
  });

  it('asks for a profile when none is active, without syncing', async () => {
    const desk = new FakeDesk();
    desk.answer = async () => ({ ok: true, value: { profiles: [], activeId: null, revision: 1 } });
    const result = await syncActiveProfileNow(desk);
    expect(result.ok === false && result.error.code).toBe('PROFILE_REQUIRED');
    expect(desk.calls.map((c) => c.name)).toEqual(['profiles.list']);
  });
});

describe('the declared IPC surface', () => {
  it('matches the reviewed snapshot (a changed contract shows up as a diff here)', async () => {
    const surface = {
      eventChannel: EVENT_CHANNEL,
      methods: Object.fromEntries(
        METHOD_NAMES.map((name) => [
          name,
          {
            channel: channelOf(name),
            summary: methods[name].summary,
            input: z.toJSONSchema(methods[name].input, { io: 'input', unrepresentable: 'any' }),
          },
        ]),
      ),
      events: Object.fromEntries(
        EVENT_NAMES.map((name) => [
          name,
          z.toJSONSchema(events[name], { io: 'output', unrepresentable: 'any' }),
        ]),
      ),
    };
    await expect(`${JSON.stringify(surface, null, 2)}\n`).toMatchFileSnapshot(
      '__snapshots__/ipc-surface.json',
    );
  });
});

describe('where Electron is imported (DESIGN.md rule 1)', () => {
  const SHELL_FILES = ['electron/ipc.ts', 'electron/main.ts', 'electron/preload.ts', 'electron/window.ts'];
  const SOURCE = /\.(?:[cm]?[jt]s|svelte)$/;
  // import/export … from 'electron' (statements start a line; text inside strings does not),
  // a bare import, require('electron') or import('electron'), subpaths included.
  const SPECIFIER = `['"]electron(?:/[^'"]*)?['"]`;
  const IMPORTS_ELECTRON = new RegExp(
    [
      `^\\s*(?:import|export)\\b[^;]*?\\bfrom\\s*${SPECIFIER}`,
      `^\\s*import\\s*${SPECIFIER}`,
      `\\brequire\\s*\\(\\s*${SPECIFIER}\\s*\\)`,
      `\\bimport\\s*\\(\\s*${SPECIFIER}\\s*\\)`,
    ].join('|'),
    'm',
  );
  const thisFile = path
    .relative(repoRoot, fileURLToPath(import.meta.url))
    .split(path.sep)
    .join('/');

  function* walk(dir: string): Generator<string> {
    let entries;
    try {
      entries = readdirSync(path.join(repoRoot, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') yield* walk(relative);
      } else if (SOURCE.test(entry.name) && relative !== thisFile) {
        yield relative;
      }
    }
  }

  it('is imported by the four shell files only', () => {
    const importers: string[] = [];
    let scanned = 0;
    for (const dir of ['electron', 'renderer/src', 'scripts', 'test']) {
      for (const file of walk(dir)) {
        scanned++;
        if (IMPORTS_ELECTRON.test(readFileSync(path.join(repoRoot, file), 'utf8'))) importers.push(file);
      }
    }
    expect(scanned).toBeGreaterThan(10);
    expect(importers.filter((file) => !SHELL_FILES.includes(file))).toEqual([]);
    // The pattern does see real imports (main, window and preload use Electron's runtime).
    expect(importers).toEqual(
      expect.arrayContaining(['electron/main.ts', 'electron/preload.ts', 'electron/window.ts']),
    );
    for (const sample of [
      "import type { App } from 'electron';",
      "import {\n  app,\n  BrowserWindow,\n} from 'electron/main';",
      "export { shell } from 'electron';",
      "import 'electron';",
      "const { ipcRenderer } = require('electron');",
      "const electron = await import('electron');",
    ]) {
      expect(IMPORTS_ELECTRON.test(sample), sample).toBe(true);
    }
    expect(IMPORTS_ELECTRON.test('const fixture = "import { app } from \'electron\';";')).toBe(false);
    expect(IMPORTS_ELECTRON.test("import { x } from 'electron-builder';")).toBe(false);
  });
});
