/**
 * The rows of one profile's list screen: paged from the Desk, reloaded when the query changes,
 * refreshed when the Desk says fresher rows of the collection landed. The first page is asked
 * for as soon as the screen is created, while it is still mounting, so the first rows paint as
 * early as they can.
 */
import type { EventPayload } from '../../../electron/common/contract.ts';
import { on } from './bridge.ts';
import { PagedRows, type PageLoader } from './paged-rows.svelte.ts';

type Collection = EventPayload<'dataRefreshed'>['collections'][number];

export class ProfileRows<T> extends PagedRows<T> {
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
   * Load a new query at once — typing included: no debounce. The operator's budget is 100 ms from
   * the last key to its rows painted, and PagedRows already coalesces a burst of keys (one first
   * page on its way at a time; the terms typed past while it was are never asked for). The
   * screen's first call — its effect running with the query the constructor already loaded —
   * changes nothing.
   */
  load(loader: PageLoader<T>): void {
    if (this.#absorbFirstLoad) {
      this.#absorbFirstLoad = false;
      return;
    }
    void this.reset(loader);
  }

  dispose(): void {
    this.#stop();
  }
}
