/**
 * A paged list bound to one profile that refreshes itself when the Desk says fresher rows of its
 * collection landed. Screens create one per list and call `dispose()` when they go.
 */
import type { EventPayload } from '../../../electron/contract.ts';
import { on } from './bridge.ts';
import { PagedRows, type PageLoader } from './paged-rows.svelte.ts';

type Collection = EventPayload<'dataRefreshed'>['collections'][number];

export function profileRows<T>(
  profileId: string,
  collection: Collection,
  loader: PageLoader<T>,
): { rows: PagedRows<T>; dispose: () => void } {
  const rows = new PagedRows<T>(loader);
  const stop = on('dataRefreshed', (event) => {
    if (event.profileId === profileId && event.collections.includes(collection)) void rows.refresh();
  });
  return { rows, dispose: stop };
}
