/**
 * The bridge the page sees as `window.billpro` (STYLE.md "A preload that exposes actions, not a
 * pipe"): one function per contract method and a subscription to contract events. The page
 * never gets `ipcRenderer`, a channel name or an IPC event object.
 *
 * The window is sandboxed, so this file may `require` nothing but 'electron' at run time;
 * scripts/build-electron.mjs bundles the contract's names into it.
 */
import { contextBridge, ipcRenderer } from 'electron';
// Names only (no schema library): the preload stays small. Types are erased from the bundle.
import { EVENT_CHANNEL, METHOD_NAMES, channelOf, isEventName } from './common/contract-names.ts';
import type { EventEnvelope, PreloadApi } from './common/contract.ts';

function isEnvelope(value: unknown): value is EventEnvelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    'event' in value &&
    isEventName(value.event) &&
    'payload' in value
  );
}

const methods: Record<string, (input: unknown) => Promise<unknown>> = {};
for (const name of METHOD_NAMES) {
  const channel = channelOf(name);
  methods[name] = (input: unknown) => ipcRenderer.invoke(channel, input);
}

const api: PreloadApi = {
  methods: methods as PreloadApi['methods'],
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError(`BillPro Desk has no event called ${String(event)}.`);
    const forward = (_ipcEvent: unknown, envelope: unknown) => {
      if (isEnvelope(envelope) && envelope.event === event)
        listener(envelope.payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('billpro', api);
