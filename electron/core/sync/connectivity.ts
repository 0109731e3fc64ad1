/**
 * A profile's connectivity, derived from the outcomes of real requests (never from
 * `navigator.onLine`): any answer from BillPro means it is reachable; a refused token means the
 * person must supply a new one; a network failure means offline (no route or name) or
 * unreachable (BillPro did not answer). While not online, a light probe asks again now and then.
 */
import type { Connectivity as State } from '../../common/contract.ts';
import { DeskError, isDeskError } from '../../common/errors.ts';

const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);

export function connectivityOf(error: unknown): State | null {
  if (!isDeskError(error)) return null;
  switch (error.code) {
    case 'AUTH_INVALID':
      return 'token_rejected';
    case 'NETWORK': {
      const code = (error.cause as { code?: string } | undefined)?.code;
      return code && OFFLINE_CODES.has(code) ? 'offline' : 'unreachable';
    }
    case 'TIMEOUT':
    case 'SERVER':
      return 'unreachable';
    default:
      // 4xx answers (validation, not found, rate limited …) came from a reachable BillPro.
      return 'online';
  }
}

export class ConnectivityTracker {
  state: State = 'unknown';
  detail: string | null = null;
  private probeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onChange: (state: State, detail: string | null) => void,
    private readonly probe: () => Promise<void>,
    private readonly probeIntervalMs: number,
  ) {}

  get online(): boolean {
    return this.state === 'online' || this.state === 'unknown';
  }

  /** Record a request's outcome: `null` for success, the error otherwise. */
  report(error: unknown): void {
    const next = error === null ? 'online' : connectivityOf(error);
    if (next === null) return;
    const detail = next === 'online' ? null : error instanceof DeskError ? error.message : null;
    if (next === this.state && detail === this.detail) return;
    this.state = next;
    this.detail = detail;
    this.onChange(next, detail);
    if (next === 'online' || next === 'token_rejected') this.stopProbing();
    else this.startProbing();
  }

  private startProbing(): void {
    if (this.probeTimer) return;
    this.probeTimer = setInterval(() => {
      this.probe().then(
        () => this.report(null),
        (error: unknown) => this.report(error),
      );
    }, this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private stopProbing(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  close(): void {
    this.stopProbing();
  }
}
