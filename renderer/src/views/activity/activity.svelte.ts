/**
 * Activity's state: the outbox entries and recent syncs of one profile, kept fresh from the
 * Desk's events, and what the person is doing to them (retrying, editing, discarding). The
 * component only shows it; `dispose()` drops the subscriptions when the screen goes.
 */
import type { MethodOutput, OutboxEntrySummary } from '../../../../electron/common/contract.ts';
import { DeskCallError, call, messageOf, on } from '../../lib/bridge.ts';
import { applyEdits } from './edit-values.ts';

export type Filter = 'attention' | 'waiting' | 'all';
export type HistoryItem = MethodOutput<'sync.history'>['entries'][number];

const ATTENTION_STATES: readonly string[] = ['failed', 'conflict'];
const WAITING_STATES: readonly string[] = ['pending', 'sending', 'unknown'];
/** Failed or refused: waiting for the person. */
export const ATTENTION = { has: (state: string) => ATTENTION_STATES.includes(state) };
/** Will go out without the person doing anything. */
export const WAITING = { has: (state: string) => WAITING_STATES.includes(state) };

export class ActivityState {
  entries = $state.raw<OutboxEntrySummary[]>([]);
  history = $state.raw<HistoryItem[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  filter = $state<Filter>('all');

  /** Per entry: the action running, and what went wrong with it. */
  busy = $state<Record<number, 'retry' | 'edit' | undefined>>({});
  actionError = $state<Record<number, string | undefined>>({});
  editing = $state<number | null>(null);
  editErrors = $state<Record<string, string[]> | undefined>(undefined);
  editFailure = $state<string | null>(null);
  discarding = $state<OutboxEntrySummary | null>(null);
  discardBusy = $state(false);
  discardError = $state<string | null>(null);

  readonly counts = $derived({
    attention: this.entries.filter((e) => ATTENTION.has(e.state)).length,
    waiting: this.entries.filter((e) => WAITING.has(e.state)).length,
    all: this.entries.length,
  });
  readonly shown = $derived(
    this.filter === 'attention'
      ? this.entries.filter((e) => ATTENTION.has(e.state))
      : this.filter === 'waiting'
        ? this.entries.filter((e) => WAITING.has(e.state))
        : this.entries,
  );
  readonly editingEntry = $derived(this.entries.find((e) => e.seq === this.editing) ?? null);

  #generation = 0;
  #filterChosen = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #stops: (() => void)[];

  readonly profileId: string;

  constructor(profileId: string) {
    this.profileId = profileId;
    void this.load();
    const soon = () => {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.load(), 150);
    };
    this.#stops = [
      on('outboxChanged', (e) => e.profileId === profileId && soon()),
      on('dataRefreshed', (e) => e.profileId === profileId && soon()),
      on('progress', (e) => e.profileId === profileId && e.finished && soon()),
    ];
  }

  dispose(): void {
    for (const stop of this.#stops) stop();
    clearTimeout(this.#timer);
  }

  async load(): Promise<void> {
    const mine = ++this.#generation;
    try {
      const [outbox, syncs] = await Promise.all([
        call('outbox.list', { profileId: this.profileId, limit: 500 }),
        call('sync.history', { profileId: this.profileId, limit: 50 }),
      ]);
      if (mine !== this.#generation) return;
      // Newest first: the change just made is the one a person looks for.
      this.entries = [...outbox.entries].sort((a, b) => b.seq - a.seq);
      this.history = syncs.entries;
      this.loadError = null;
      if (!this.#filterChosen && this.entries.some((e) => ATTENTION.has(e.state))) this.filter = 'attention';
      this.#filterChosen = true;
      this.loaded = true;
    } catch (e) {
      if (mine === this.#generation) this.loadError = messageOf(e);
    }
  }

  async retry(entry: OutboxEntrySummary): Promise<void> {
    this.busy = { ...this.busy, [entry.seq]: 'retry' };
    this.actionError = { ...this.actionError, [entry.seq]: undefined };
    try {
      await call('outbox.retry', { profileId: this.profileId, seq: entry.seq });
      await this.load();
    } catch (e) {
      this.actionError = { ...this.actionError, [entry.seq]: messageOf(e) };
    } finally {
      this.busy = { ...this.busy, [entry.seq]: undefined };
    }
  }

  startEdit(entry: OutboxEntrySummary): void {
    this.editing = entry.seq;
    this.editErrors = entry.lastError?.fields;
    this.editFailure = null;
  }

  async saveEdit(entry: OutboxEntrySummary, values: Record<string, string>): Promise<void> {
    this.busy = { ...this.busy, [entry.seq]: 'edit' };
    this.editFailure = null;
    try {
      const payload = applyEdits(entry.payload, entry.fields, values);
      await call('outbox.retry', { profileId: this.profileId, seq: entry.seq, payload });
      this.editing = null;
      await this.load();
    } catch (e) {
      // The form stays open with what was typed; the messages go beside their fields.
      if (e instanceof DeskCallError && Object.keys(e.fields).length) this.editErrors = e.fields;
      this.editFailure = messageOf(e);
    } finally {
      this.busy = { ...this.busy, [entry.seq]: undefined };
    }
  }

  askDiscard(entry: OutboxEntrySummary): void {
    this.discarding = entry;
    this.discardError = null;
  }

  async confirmDiscard(): Promise<void> {
    const entry = this.discarding;
    if (!entry) return;
    this.discardBusy = true;
    this.discardError = null;
    try {
      await call('outbox.discard', { profileId: this.profileId, seq: entry.seq });
      if (this.editing === entry.seq) this.editing = null;
      this.discarding = null;
      await this.load();
    } catch (e) {
      this.discardError = messageOf(e);
    } finally {
      this.discardBusy = false;
    }
  }
}

export const createdHere = (entry: OutboxEntrySummary) => entry.kind.endsWith('.create') && entry.targetId < 0;
export const canDiscard = (entry: OutboxEntrySummary) =>
  ATTENTION.has(entry.state) || entry.state === 'pending' || entry.state === 'unknown';
