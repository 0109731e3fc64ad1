/**
 * Profiles as the renderer knows them: the list (no tokens, ever), the active one, and the
 * actions of the switcher and the Connect screen. Every per-profile store listens for
 * `profilesChanged` and resets when the active profile changes, so no screen ever shows the
 * previous merchant's data.
 */
import type { MethodInput, ProfileSummary, ProfilesState } from '../../../electron/common/contract.ts';
import { call, on } from './bridge.ts';

export class ProfilesStore {
  state = $state.raw<ProfilesState>({ profiles: [], activeId: null });
  loaded = $state(false);
  active: ProfileSummary | null = $derived(this.state.profiles.find((p) => p.id === this.state.activeId) ?? null);

  constructor() {
    on('profilesChanged', (next) => (this.state = next));
    on('connectivity', ({ profileId, state }) => this.patch(profileId, { connectivity: state }));
    on('outboxChanged', ({ profileId, pending, needsAttention }) => this.patch(profileId, { pendingChanges: pending + needsAttention }));
  }

  async load(): Promise<void> {
    this.state = await call('profiles.list', {});
    this.loaded = true;
  }

  async setActive(id: string): Promise<void> {
    if (id === this.state.activeId) return;
    performance.mark('desk:switch-start');
    this.state = await call('profiles.setActive', { id });
  }

  async trySandbox(): Promise<void> {
    performance.mark('desk:try-sandbox');
    this.state = await call('profiles.trySandbox', {});
  }

  async add(input: MethodInput<'profiles.add'>): Promise<ProfileSummary> {
    const added = await call('profiles.add', input);
    this.state = await call('profiles.setActive', { id: added.id });
    return added;
  }

  private patch(id: string, change: Partial<ProfileSummary>): void {
    this.state = {
      ...this.state,
      profiles: this.state.profiles.map((p) => (p.id === id ? { ...p, ...change } : p)),
    };
  }
}

export const profiles = new ProfilesStore();
