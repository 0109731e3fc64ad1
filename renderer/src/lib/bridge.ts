/**
 * The renderer's only way to the Desk. In Electron the preload exposes `window.billpro` (one
 * function per contract method); in the browser mode the same contract is reached over the web
 * host (`POST /rpc/<method>`, events over Server-Sent Events). Types come from the contract; no
 * method or channel name is typed by hand.
 */
import type {
  DeskBridge,
  EventEnvelope,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  PreloadApi,
  Result,
  SerializedError,
} from '../../../electron/common/contract.ts';

declare global {
  interface Window {
    billpro?: PreloadApi;
  }
}

export class DeskCallError extends Error {
  readonly code: SerializedError['code'];
  readonly fields: Record<string, string[]>;
  constructor(error: SerializedError) {
    super(error.message);
    this.name = 'DeskCallError';
    this.code = error.code;
    this.fields = error.fields ?? {};
  }
}

function electronBridge(api: PreloadApi): DeskBridge {
  return {
    call: (name, input) => (api.methods[name] as (i: typeof input) => Promise<Result<MethodOutput<typeof name>>>)(input),
    on: (event, listener) => api.on(event, listener),
  };
}

function webBridge(): DeskBridge {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<EventName, Set<Listener>>();
  let source: EventSource | null = null;

  const connect = () => {
    if (source) return;
    source = new EventSource('events');
    source.onmessage = (message) => {
      const envelope = JSON.parse(String(message.data)) as EventEnvelope;
      for (const listener of listeners.get(envelope.event) ?? []) listener(envelope.payload);
    };
  };

  return {
    async call(name, input) {
      let response: Response;
      try {
        response = await fetch(`rpc/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return {
          ok: false,
          error: { code: 'NETWORK', message: 'The Desk web host is not answering. Is `npm run web` still running?' },
        };
      }
      if (response.status === 401 || response.status === 403 || response.status === 421) {
        // 421: the web host was restarted and answers at a new address now.
        return {
          ok: false,
          error: {
            code: 'FORBIDDEN',
            message: 'This tab is not signed in to the running Desk web host: open the URL `npm run web` printed most recently.',
          },
        };
      }
      try {
        return (await response.json()) as Result<MethodOutput<typeof name>>;
      } catch {
        return { ok: false, error: { code: 'SERVER', message: `The Desk web host gave an answer this page cannot read (HTTP ${response.status}).` } };
      }
    },
    on(event, listener) {
      connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
  };
}

const bridge: DeskBridge = window.billpro ? electronBridge(window.billpro) : webBridge();

/** Calls started early (at startup, before the screen that needs them is mounted), by exact input. */
const early = new Map<string, Promise<Result<unknown>>>();
const EARLY_FOR_MS = 10_000;

/**
 * Start a call now whose answer a screen will ask for soon; that screen's identical `call` (same
 * method, same input, within a few seconds) takes this answer instead of asking again.
 */
export function callEarly<M extends MethodName>(name: M, input: MethodInput<M>): void {
  const key = `${name} ${JSON.stringify(input)}`;
  if (early.has(key)) return;
  early.set(key, bridge.call(name, input));
  setTimeout(() => early.delete(key), EARLY_FOR_MS);
}

/** Call a Desk method; a failed Result becomes a DeskCallError with its code and field messages. */
export async function call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const key = `${name} ${JSON.stringify(input)}`;
  const started = early.get(key);
  early.delete(key);
  // An early answer is used only if it succeeded; otherwise ask again now.
  let result = (started ? await started : null) as Result<MethodOutput<M>> | null;
  if (!result?.ok) result = await bridge.call(name, input);
  if (!result.ok) throw new DeskCallError(result.error);
  return result.value;
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(event, listener);
}

export function messageOf(error: unknown): string {
  if (error instanceof DeskCallError) return error.message;
  return 'Something went wrong. Try again.';
}
