/**
 * The desktop app's update state, shared by the status bar item and Settings: read once, then
 * kept current by `updateState` events. Restarting goes through the Desk, which refuses while
 * changes have not reached BillPro until the person confirms.
 */
import type { MethodOutput } from '../../../electron/common/contract.ts';
import type { UpdateState } from '../../../electron/common/desktop.ts';
import { call, messageOf, on } from './bridge.ts';

export class UpdatesStore {
  state = $state.raw<UpdateState | null>(null);
  error = $state<string | null>(null);
  /** Set when a restart was refused because of unsent changes: the question to ask. */
  pendingRestart = $state.raw<{ unsentChanges: number; message: string } | null>(null);
  private started = false;

  start(): void {
    if (this.started) return;
    this.started = true;
    on('updateState', (next) => (this.state = next));
    call('updates.status', {})
      .then((value) => (this.state ??= value))
      .catch((e: unknown) => (this.error = messageOf(e)));
  }

  async run(method: 'updates.check' | 'updates.download'): Promise<void> {
    this.error = null;
    try {
      this.state = await call(method, {});
    } catch (e) {
      this.error = messageOf(e);
    }
  }

  async restart(confirmUnsent = false): Promise<void> {
    this.error = null;
    try {
      const answer: MethodOutput<'updates.restart'> = await call('updates.restart', { confirmUnsent });
      this.pendingRestart = answer.restarting || answer.unsentChanges === 0 ? null : answer;
      if (!answer.restarting && answer.unsentChanges === 0) this.error = answer.message;
    } catch (e) {
      this.error = messageOf(e);
    }
  }
}

export const updates = new UpdatesStore();
