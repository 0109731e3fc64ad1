/**
 * Subscriptions that end with the component that made them. Each is made at once, while the
 * component is being initialised (so an event fired between its first load and its mount is not
 * missed), and undone when the component is destroyed: no screen listens after it is gone.
 * Call these only from a component's `<script>` or from a function it calls while initialising.
 */
import { onDestroy } from 'svelte';
import type { EventName, EventPayload } from '../../../electron/common/contract.ts';
import { on } from './bridge.ts';
import { LiveQuery, type LiveQueryOptions } from './live-query.svelte.ts';

/** Listen to a Desk event for as long as the current component lives. */
export function onEvent<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): void {
  disposeWith(on(event, listener));
}

/** Run `stop` (an unsubscribe, a `dispose`, a `clearInterval`) when the current component is destroyed. */
export function disposeWith(stop: () => void): void {
  onDestroy(stop);
}

/**
 * A LiveQuery owned by the current component: it starts loading now, reloads when the Desk says
 * fresher rows of its collections landed, and stops listening when the component is destroyed.
 */
export function liveQuery<T>(options: Omit<LiveQueryOptions<T>, 'listen'>): LiveQuery<T> {
  const query = new LiveQuery<T>({ ...options, listen: (listener) => on('dataRefreshed', listener) });
  disposeWith(query.connect());
  return query;
}
