/**
 * What the first screen will ask for, asked at startup — in parallel with the profile list
 * instead of after it — so its first rows paint sooner. Only the last active profile (a local id,
 * remembered on this device) and the screen in the URL are used; when a guess is wrong the
 * screen simply asks again (see `callEarly`).
 */
import { OrderFilters } from '../views/orders/order-filters.svelte.ts';
import { callEarly } from './bridge.ts';
import { PagedRows } from './paged-rows.svelte.ts';
import { router } from './router.svelte.ts';

const LAST_PROFILE = 'billpro-desk.last-profile';

export function rememberActiveProfile(id: string | null): void {
  if (id) localStorage.setItem(LAST_PROFILE, id);
}

export function startEarly(): void {
  callEarly('profiles.list', {});
  const profileId = localStorage.getItem(LAST_PROFILE);
  if (!profileId || router.id !== null || router.action !== null) return;
  const firstPage = { offset: 0, limit: PagedRows.PAGE };
  // The same inputs the list screens build for their first page with no filter set.
  if (router.view === 'orders') callEarly('orders.list', { ...new OrderFilters().query(profileId), ...firstPage });
  else if (router.view === 'products') callEarly('products.list', { profileId, ...firstPage });
}
