/**
 * The contract on IPC (DESIGN.md rule 2, STYLE.md "One declared IPC surface"): one
 * `ipcMain.handle` per contract method, on the channel `channelOf` makes, and the Desk's events
 * forwarded to the window on `EVENT_CHANNEL`. Nothing else is listened to.
 *
 * Every call is checked first: it must come from our window's own top-level frame showing a
 * page of the app origin. Anything else (a subframe, a page that somehow navigated away, another
 * webContents) gets a FORBIDDEN Result and never reaches the Desk. Inputs reach the Desk raw,
 * as `unknown`: `Desk.dispatch` parses them with the contract's schemas.
 *
 * Typed against the few members of Electron's objects it uses, so the unit tests drive it with
 * a stand-in ipcMain (Electron's runtime is not available to Node) while `main.ts` passes the
 * real one and the type-checker holds the two together.
 */
import { EVENT_CHANNEL, METHOD_NAMES, ProfilesState, channelOf } from './common/contract.ts';
import type { EventEnvelope, MethodName, Result } from './common/contract.ts';
import { UNEXPECTED_MESSAGE } from './common/errors.ts';
import { originOf } from './core/shell-policy.ts';

export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface InvokeEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<Result<unknown>>,
  ): void;
  removeHandler(channel: string): void;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
}

/** What the shell needs of the Desk (electron/core/desk.ts satisfies it). */
export interface DeskPort {
  dispatch(name: MethodName, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (envelope: EventEnvelope) => void): () => void;
}

const FORBIDDEN: Result<never> = {
  ok: false,
  error: {
    code: 'FORBIDDEN',
    message: 'This request did not come from the BillPro Desk window, so it was refused.',
  },
};

const UNEXPECTED: Result<never> = {
  ok: false,
  error: {
    code: 'SERVER',
    message: UNEXPECTED_MESSAGE,
  },
};

/** True when the call comes from `window`'s top-level frame while it shows an app page. */
export function isTrustedSender(
  event: InvokeEventLike,
  window: WindowLike | null,
  appOrigin: string,
): boolean {
  if (window === null || event.sender !== window.webContents || event.sender.isDestroyed()) return false;
  const frame = event.senderFrame;
  if (frame === null) return false;
  const main = event.sender.mainFrame;
  // Electron may hand out distinct WebFrameMain objects for one frame; these ids do not change.
  const isMainFrame =
    frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return isMainFrame && originOf(frame.url) === appOrigin;
}

/** Registers the contract's handlers and event forwarding; the returned function undoes both. */
export function bindIpc(
  ipcMain: IpcMainLike,
  desk: DeskPort,
  getWindow: () => WindowLike | null,
  appOrigin: string,
): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(channelOf(name), async (event, ...args) => {
      if (!isTrustedSender(event, getWindow(), appOrigin)) return FORBIDDEN;
      try {
        return await desk.dispatch(name, args[0]);
      } catch {
        // dispatch promises never to throw; if it does, the renderer still gets a Result.
        return UNEXPECTED;
      }
    });
  }

  const stopForwarding = desk.onEvent((envelope) => {
    const window = getWindow();
    if (window === null || window.webContents.isDestroyed()) return;
    // Events carry merchant data: only an app page may receive them.
    if (originOf(window.webContents.mainFrame.url) !== appOrigin) return;
    window.webContents.send(EVENT_CHANNEL, envelope);
  });

  return () => {
    stopForwarding();
    for (const name of METHOD_NAMES) ipcMain.removeHandler(channelOf(name));
  };
}

/** "File → Sync now": sync the active profile through the Desk, which reports progress itself. */
export async function syncActiveProfileNow(desk: Pick<DeskPort, 'dispatch'>): Promise<Result<unknown>> {
  const listed = await desk.dispatch('profiles.list', {});
  if (!listed.ok) return listed;
  const state = ProfilesState.safeParse(listed.value);
  const activeId = state.success ? state.data.activeId : null;
  if (activeId === null) {
    return {
      ok: false,
      error: { code: 'PROFILE_REQUIRED', message: 'Connect a BillPro profile before syncing.' },
    };
  }
  return desk.dispatch('sync.now', { profileId: activeId });
}
