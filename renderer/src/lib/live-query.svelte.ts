/**
 * One answer a screen shows (an order, a customer, the dashboard's summary, the sync status),
 * kept live: asked for as soon as the screen is created, asked again when the Desk says fresher
 * rows of its collections landed, and never painted over by a late answer — an answer for an
 * older request, or for the profile the operator just switched away from, is dropped. The
 * single-record sibling of `ProfileRows` (which pages long lists).
 *
 * A screen makes one with `liveQuery(...)` (`subscribe.ts`), which listens to the Desk's events
 * and stops when the component is destroyed; this class takes its events as a parameter, so its
 * logic is exercised in Node.
 */
import type { EventPayload } from '../../../electron/common/contract.ts';

export type Collection = EventPayload<'dataRefreshed'>['collections'][number];
export type Refreshed = EventPayload<'dataRefreshed'>;

export interface LiveQueryOptions<T> {
  /** The profile whose data this is. A view outside the per-profile `{#key}` calls `follow`. */
  profileId: string;
  /** Ask the Desk for the answer (for the profile given: the one current when asked). */
  fetch: (profileId: string) => Promise<T>;
  /** Reload when a `dataRefreshed` for this profile lists one of these; `'any'` for every one. */
  collections: readonly Collection[] | 'any';
  /** A sync lands its collections one after another: wait this long for the burst to end. */
  refreshDelayMs?: number;
  /** Start loading at once (the default); false for a query that waits for its first `load`. */
  eager?: boolean;
  /** Subscribe to `dataRefreshed`; returns the unsubscribe. Without it, it reloads only when asked. */
  listen?: (listener: (event: Refreshed) => void) => () => void;
}

export class LiveQuery<T> {
  /** The latest answer for the current profile; null until the first one lands. */
  value = $state.raw<T | null>(null);
  /** Why the latest load failed; cleared by the next answer. The value shown before is kept. */
  error = $state<unknown>(null);
  /** A load is in flight. */
  loading = $state(false);
  /** An answer or an error has landed for the current profile (the "Loading…" line can go). */
  settled = $state(false);

  #profileId: string;
  /** Bumped by every load, local update and profile change: only the newest may land. */
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stop: (() => void) | null = null;
  readonly #options: LiveQueryOptions<T>;

  constructor(options: LiveQueryOptions<T>) {
    this.#options = options;
    this.#profileId = options.profileId;
    if (options.eager !== false) void this.load();
  }

  get profileId(): string {
    return this.#profileId;
  }

  /** Ask again now. Resolves when this answer landed, or was dropped for a newer one. */
  async load(): Promise<void> {
    clearTimeout(this.#timer);
    const mine = ++this.#generation;
    const profileId = this.#profileId;
    this.loading = true;
    try {
      const answer = await this.#options.fetch(profileId);
      if (mine !== this.#generation) return;
      this.value = answer;
      this.error = null;
    } catch (error) {
      if (mine === this.#generation) this.error = error;
    } finally {
      if (mine === this.#generation) {
        this.loading = false;
        this.settled = true;
      }
    }
  }

  /**
   * Show an answer the screen got another way (the order an action returned): it replaces the
   * value at once, and a load already in flight — asked before the change — no longer lands.
   */
  set(value: T): void {
    clearTimeout(this.#timer);
    this.#generation += 1;
    this.value = value;
    this.error = null;
    this.loading = false;
    this.settled = true;
  }

  /**
   * Change part of the answer from an event that carries it (the count of waiting changes). A
   * load in flight still lands: it was asked no earlier than the last answer, and it is whole.
   */
  patch(change: Partial<T>): void {
    if (this.value === null) return;
    this.value = Object.assign({}, this.value, change);
  }

  /** What was asked no longer applies (the operator changed the question): show nothing, drop what is in flight. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#generation += 1;
    this.value = null;
    this.error = null;
    this.loading = false;
    this.settled = false;
  }

  /** The profile changed under a view that outlives it: forget the old answer, load the new. */
  follow(profileId: string): void {
    if (profileId === this.#profileId) return;
    this.#profileId = profileId;
    this.#generation += 1;
    this.value = null;
    this.error = null;
    this.settled = false;
    void this.load();
  }

  /** Listen for fresher data; returns the unsubscribe. */
  connect(): () => void {
    this.#stop?.();
    const unsubscribe = this.#options.listen?.((event) => this.#refreshed(event)) ?? (() => {});
    this.#stop = () => {
      unsubscribe();
      clearTimeout(this.#timer);
    };
    return () => this.dispose();
  }

  dispose(): void {
    this.#stop?.();
    this.#stop = null;
    // Whatever is still in flight lands nowhere.
    this.#generation += 1;
  }

  #refreshed(event: Refreshed): void {
    if (event.profileId !== this.#profileId) return;
    const { collections } = this.#options;
    if (collections !== 'any' && !event.collections.some((c) => collections.includes(c))) return;
    const delay = this.#options.refreshDelayMs ?? 0;
    if (delay <= 0) {
      void this.load();
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), delay);
  }
}
