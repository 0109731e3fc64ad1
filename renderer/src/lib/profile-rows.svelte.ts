/**
 * The rows of one profile's list screen: paged from the Desk, reloaded (debounced while the
 * operator types) when the query changes, refreshed when the Desk says fresher rows of the
 * collection landed. The first page is asked for as soon as the screen is created, while it is
 * still mounting, so the first rows paint as early as they can.
 */
import type { EventPayload } from '../../../electron/common/contract.ts';
import { on } from './bridge.ts';
import { PagedRows, type PageLoader } from './paged-rows.svelte.ts';

type Collection = EventPayload<'dataRefreshed'>['collections'][number];

/**
 * How long a list waits after a keystroke before it asks for the new term's rows. Short: the
 * operator's budget is 100 ms from the last key to its rows painted, debounce included, and a
 * superseded answer is never painted (PagedRows drops it), so asking per key costs only Desk time.
 */
export const TYPING_DEBOUNCE_MS = 30;

export class ProfileRows<T> extends PagedRows<T> {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #absorbFirstLoad = true;
  readonly #stop: () => void;

  constructor(profileId: string, collection: Collection, loader: PageLoader<T>) {
    super(loader);
    void this.reset(loader);
    this.#stop = on('dataRefreshed', (event) => {
      if (event.profileId === profileId && event.collections.includes(collection)) void this.refresh();
    });
  }

  /**
   * Load a new query, after `delayMs` of quiet (typing) or at once. The screen's first call —
   * its effect running with the query the constructor already loaded — changes nothing.
   */
  load(loader: PageLoader<T>, delayMs = 0): void {
    if (this.#absorbFirstLoad) {
      this.#absorbFirstLoad = false;
      return;
    }
    clearTimeout(this.#timer);
    if (delayMs <= 0) void this.reset(loader);
    else this.#timer = setTimeout(() => void this.reset(loader), delayMs);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#stop();
  }
}
