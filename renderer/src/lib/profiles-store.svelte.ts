/**
 * Profiles as the renderer knows them: the list (no tokens, ever), the active one, and the
 * actions of the switcher and the Connect screen. Every per-profile store listens for
 * `profilesChanged` and resets when the active profile changes, so no screen ever shows the
 * previous merchant's data.
 */
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  ProfileSummary,
  ProfilesState,
} from '../../../electron/common/contract.ts';

/** What the store needs of the bridge (bridge.ts's `call` and `on`); a test hands in its own. */
export interface ProfilesBridge {
  call<M extends MethodName>(name: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export class ProfilesStore {
  state = $state.raw<ProfilesState>({ profiles: [], activeId: null, revision: 0 });
  loaded = $state(false);
  active: ProfileSummary | null = $derived(this.state.profiles.find((p) => p.id === this.state.activeId) ?? null);

  private readonly call: ProfilesBridge['call'];
  /** The profile of the switch still on its way, if any. */
  private asked: string | null = null;

  constructor(bridge: ProfilesBridge) {
    this.call = bridge.call;
    const on = bridge.on;
    on('profilesChanged', (next) => this.adopt(next));
    on('connectivity', ({ profileId, state }) => this.patch(profileId, { connectivity: state }));
    on('outboxChanged', ({ profileId, pending, needsAttention }) => this.patch(profileId, { pendingChanges: pending + needsAttention }));
  }

  async load(): Promise<void> {
    this.adopt(await this.call('profiles.list', {}));
    this.loaded = true;
  }

  async setActive(id: string): Promise<void> {
    // Compared with the last profile asked for, not the one shown: a quick click back to the
    // shown profile while a switch away is still on its way must switch back.
    if (id === (this.asked ?? this.state.activeId)) return;
    this.asked = id;
    performance.mark('desk:switch-start');
    try {
      this.adopt(await this.call('profiles.setActive', { id }));
    } finally {
      if (this.asked === id) this.asked = null;
    }
  }

  async trySandbox(): Promise<void> {
    performance.mark('desk:try-sandbox');
    this.adopt(await this.call('profiles.trySandbox', {}));
  }

  async add(input: MethodInput<'profiles.add'>): Promise<ProfileSummary> {
    const added = await this.call('profiles.add', input);
    this.adopt(await this.call('profiles.setActive', { id: added.id }));
    return added;
  }

  /**
   * Answers and `profilesChanged` events travel separately (in the browser, over two channels), so
   * an older state can arrive after a newer one: keep the newest the Desk handed out.
   */
  private adopt(next: ProfilesState): void {
    if (next.revision >= this.state.revision) this.state = next;
  }

  private patch(id: string, change: Partial<ProfileSummary>): void {
    this.state = {
      ...this.state,
      profiles: this.state.profiles.map((p) => (p.id === id ? { ...p, ...change } : p)),
    };
  }
}

