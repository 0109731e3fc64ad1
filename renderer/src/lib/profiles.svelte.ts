/**
 * The window's one profile store, on the real bridge. The class lives in profiles-store.svelte.ts
 * so it can be built in Node with a bridge a test controls.
 */
import { call, on } from './bridge.ts';
import { ProfilesStore } from './profiles-store.svelte.ts';

export { ProfilesStore };
export const profiles = new ProfilesStore({ call, on });
