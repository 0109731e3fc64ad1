/**
 * The preload as it ships: bundled with the app's own esbuild options, then run in a fresh
 * `node:vm` context whose only module is a stand-in 'electron' (a sandboxed preload gets no
 * other). Checks the bundle needs nothing else, and that the page gets actions — one function
 * per contract method plus contract events — and never ipcRenderer or an IPC event object.
 */
import { build, type Metafile } from 'esbuild';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, METHOD_NAMES, channelOf } from '../../electron/common/contract.ts';
import { preloadOptions } from '../../scripts/build-electron.mjs';

interface Exposed {
  key: string;
  api: unknown;
}

interface Invocation {
  channel: string;
  args: unknown[];
}

type IpcListener = (event: unknown, ...args: unknown[]) => void;

function fakeElectron() {
  const exposed: Exposed[] = [];
  const invocations: Invocation[] = [];
  const listeners = new Map<string, Set<IpcListener>>();
  const ipcRenderer = {
    invoke(channel: string, ...args: unknown[]) {
      invocations.push({ channel, args });
      return Promise.resolve({ ok: true, value: { channel } });
    },
    on(channel: string, listener: IpcListener) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: IpcListener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    send() {
      throw new Error('the preload must not use ipcRenderer.send');
    },
    sendSync() {
      throw new Error('the preload must not use ipcRenderer.sendSync');
    },
  };
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      exposed.push({ key, api });
    },
  };
  const deliver = (envelope: unknown) => {
    const ipcEvent = { senderId: 0, sender: ipcRenderer, ports: [] };
    for (const listener of listeners.get(EVENT_CHANNEL) ?? []) listener(ipcEvent, envelope);
  };
  return { module: { contextBridge, ipcRenderer }, ipcRenderer, exposed, invocations, listeners, deliver };
}

let code = '';
let metafile: Metafile;

beforeAll(async () => {
  const result = await build(preloadOptions({ write: false, metafile: true }));
  const output = result.outputFiles?.[0];
  if (!output || !result.metafile) throw new Error('esbuild produced no preload bundle');
  code = output.text;
  metafile = result.metafile;
});

function runPreload() {
  const electron = fakeElectron();
  const required: string[] = [];
  const module = { exports: {} };
  const context = vm.createContext({
    module,
    exports: module.exports,
    require(specifier: string) {
      required.push(specifier);
      if (specifier === 'electron') return electron.module;
      throw new Error(`a sandboxed preload cannot require '${specifier}'`);
    },
    console,
  });
  vm.runInContext(code, context, { filename: 'preload.cjs' });
  return { ...electron, required };
}

describe('the preload bundle', () => {
  it('is CommonJS that imports nothing but electron', () => {
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports);
    expect(imports.filter((i) => i.external).map((i) => i.path)).toEqual(['electron']);
    const requires = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/\bimport\s*\(/);
  });

  it('loads with only electron available and requires it', () => {
    const { required, exposed } = runPreload();
    expect(required).toEqual(['electron']);
    expect(exposed).toHaveLength(1);
  });
});

describe('window.billpro', () => {
  function exposedApi() {
    const run = runPreload();
    const [only] = run.exposed;
    if (!only) throw new Error('nothing exposed');
    return { ...run, key: only.key, api: only.api as Record<string, unknown> };
  }

  it('is exposed under "billpro" with just methods and on', () => {
    const { key, api } = exposedApi();
    expect(key).toBe('billpro');
    expect(Object.keys(api).sort()).toEqual(['methods', 'on']);
    expect(typeof api.on).toBe('function');
  });

  it('has one function per contract method and nothing else', () => {
    const { api } = exposedApi();
    const methods = api.methods as Record<string, unknown>;
    expect(Object.keys(methods).sort()).toEqual([...METHOD_NAMES].sort());
    for (const name of METHOD_NAMES) expect(typeof methods[name]).toBe('function');
  });

  it('calls each method on its own channel with the input as the only argument', async () => {
    const { api, invocations } = exposedApi();
    const methods = api.methods as Record<string, (input: unknown) => Promise<unknown>>;
    const input = { profileId: 'p-1', id: 12 };
    await expect(methods['orders.pause']?.(input)).resolves.toEqual({
      ok: true,
      value: { channel: channelOf('orders.pause') },
    });
    for (const name of METHOD_NAMES) await methods[name]?.({});
    expect(invocations[0]).toEqual({ channel: channelOf('orders.pause'), args: [input] });
    expect(invocations[0]?.args[0]).toBe(input);
    expect(invocations.slice(1).map((i) => i.channel)).toEqual(METHOD_NAMES.map(channelOf));
  });

  it('leaks neither ipcRenderer nor anything holding it', () => {
    const { api, ipcRenderer, module } = exposedApi();
    const seen = new Set<unknown>();
    const visit = (value: unknown): void => {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value))
        return;
      seen.add(value);
      expect(value).not.toBe(ipcRenderer);
      expect(value).not.toBe(module);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
        if (descriptor && 'value' in descriptor) visit(descriptor.value);
      }
    };
    visit(api);
    expect(seen.size).toBeGreaterThan(METHOD_NAMES.length);
  });

  it('delivers an event payload (never the IPC event) to listeners of that event only, until unsubscribed', () => {
    const { api, deliver, listeners } = exposedApi();
    const on = api.on as (event: string, listener: (...args: unknown[]) => void) => () => void;
    const progress: unknown[][] = [];
    const outbox: unknown[][] = [];
    const stopProgress = on('progress', (...args) => progress.push(args));
    on('outboxChanged', (...args) => outbox.push(args));
    expect(listeners.get(EVENT_CHANNEL)?.size).toBe(2);

    const payload = {
      profileId: 'p-1',
      task: 'sync',
      collection: 'orders',
      done: 3,
      total: 9,
      finished: false,
    };
    deliver({ event: 'progress', payload });
    deliver({ event: 'noSuchEvent', payload });
    deliver('not an envelope');
    deliver(null);
    expect(progress).toEqual([[payload]]);
    expect(outbox).toEqual([]);

    stopProgress();
    deliver({ event: 'progress', payload });
    expect(progress).toHaveLength(1);
    expect(listeners.get(EVENT_CHANNEL)?.size).toBe(1);
  });

  it('refuses to subscribe to a name the contract does not declare', () => {
    const { api, listeners } = exposedApi();
    const on = api.on as (event: string, listener: () => void) => () => void;
    expect(() => on('billpro:app.info', () => {})).toThrow(/no event called/);
    expect(() => on('__proto__', () => {})).toThrow(/no event called/);
    expect(listeners.get(EVENT_CHANNEL)?.size ?? 0).toBe(0);
  });
});
