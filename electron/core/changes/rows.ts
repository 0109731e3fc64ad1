/** Cached rows the change modules read while planning a change. */
import { DeskError } from '../../common/errors.ts';
import type { Cache, CachedRow } from '../store/cache.ts';
import type { Collection } from '../store/collections.ts';

export function requireRow<C extends Collection>(cache: Cache, collection: C, id: number): CachedRow<C> {
  const row = cache.get(collection, id);
  if (!row) throw new DeskError('NOT_FOUND', "That record is not in this device's copy. Sync, then try again.");
  return row;
}
