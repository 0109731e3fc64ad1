/**
 * The update loop: checks on start and every few hours (per the mode in Settings), downloads in
 * the background with progress, offers "Restart to update", and guards the restart with the
 * outbox. It drives an UpdaterPort: electron-updater in the desktop app (main.ts), a plain feed
 * client in tests (node-port.ts).
 */
import type { RestartAnswer, UpdateMode, UpdateState } from '../../common/desktop.ts';
import type { UpdateFeed } from './feed.ts';
import { nextCheckIn, offerFor, restartDecision } from './policy.ts';

export interface UpdaterPort {
  /** The feed's latest release for this platform. */
  check(): Promise<UpdateFeed>;
  /** Downloads (and verifies) the installer of the release `check` found. */
  download(onProgress: (percent: number) => void): Promise<void>;
  /** Quits and installs the downloaded release. */
  install(): void;
}

export interface UpdateControllerOptions {
  port: UpdaterPort;
  currentVersion: string;
  mode: UpdateMode;
  /** Changes in every profile's outbox that have not reached BillPro. */
  unsentChanges: () => Promise<number>;
  onState: (state: UpdateState) => void;
  /** This install's stable 0–99 bucket for staged roll-outs. */
  bucket?: number;
  intervalMs?: number;
  now?: () => number;
}

export class UpdateController {
  private state: UpdateState;
  private timer: NodeJS.Timeout | null = null;
  private lastCheckedAt: number | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: UpdateControllerOptions) {
    this.state = {
      supported: true,
      mode: options.mode,
      phase: 'idle',
      currentVersion: options.currentVersion,
      availableVersion: null,
      percent: null,
      lastCheckedAt: null,
      message: null,
    };
  }

  get current(): UpdateState {
    return this.state;
  }

  /** Schedules the first check (now, unless updates are off) and the ones after it. */
  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  setMode(mode: UpdateMode): UpdateState {
    this.set({ mode });
    this.schedule();
    return this.state;
  }

  /**
   * Asks the feed now. `manual`: the person pressed Check — even with updates off, a newer
   * release is then offered (never downloaded unasked).
   */
  check(manual = false): Promise<void> {
    this.running ??= this.runCheck(manual).finally(() => {
      this.running = null;
      this.schedule();
    });
    return this.running;
  }

  /** Downloads the release on offer (the person said yes, or the mode is automatic). */
  async download(): Promise<void> {
    if (this.state.phase !== 'available') return;
    this.set({ phase: 'downloading', percent: 0, message: null });
    try {
      await this.options.port.download((percent) => {
        const rounded = Math.max(0, Math.min(100, Math.floor(percent)));
        if (rounded !== this.state.percent) this.set({ percent: rounded });
      });
      this.set({ phase: 'ready', percent: 100 });
    } catch (error) {
      this.set({ phase: 'available', percent: null, message: `The download did not finish: ${messageOf(error)}` });
    }
  }

  /** Restarts into the downloaded release, unless unsent changes need the person's word first. */
  async restart(confirmUnsent: boolean): Promise<RestartAnswer> {
    if (this.state.phase !== 'ready') {
      return { restarting: false, unsentChanges: 0, message: 'No update has been downloaded yet.' };
    }
    const decision = restartDecision(await this.options.unsentChanges(), confirmUnsent);
    if (!decision.restart) return { restarting: false, unsentChanges: decision.unsentChanges, message: decision.message };
    this.stop();
    this.options.port.install();
    return { restarting: true };
  }

  private async runCheck(manual: boolean): Promise<void> {
    if (this.state.phase === 'downloading' || this.state.phase === 'ready') return;
    this.set({ phase: 'checking', message: null });
    const now = this.options.now?.() ?? Date.now();
    let feed: UpdateFeed;
    try {
      feed = await this.options.port.check();
    } catch (error) {
      this.lastCheckedAt = now;
      this.set({ phase: 'error', lastCheckedAt: new Date(now).toISOString(), message: `Could not check for updates: ${messageOf(error)}` });
      return;
    }
    this.lastCheckedAt = now;
    const mode: UpdateMode = manual && this.state.mode === 'off' ? 'ask' : this.state.mode;
    const offer = offerFor({ mode, currentVersion: this.options.currentVersion, feed, bucket: this.options.bucket ?? 0 });
    const lastCheckedAt = new Date(now).toISOString();
    if (offer.action === 'none') {
      this.set({ phase: 'idle', availableVersion: null, lastCheckedAt });
      return;
    }
    this.set({ phase: 'available', availableVersion: offer.version, lastCheckedAt });
    if (offer.action === 'download') await this.download();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    const delay = nextCheckIn({
      mode: this.state.mode,
      lastCheckedAt: this.lastCheckedAt,
      now: this.options.now?.() ?? Date.now(),
      intervalMs: this.options.intervalMs,
    });
    if (delay === null) return;
    this.timer = setTimeout(() => void this.check(false), delay);
    this.timer.unref();
  }

  private set(changes: Partial<UpdateState>): void {
    this.state = { ...this.state, ...changes };
    this.options.onState(this.state);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
