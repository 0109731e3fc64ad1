/**
 * Links that open one record of one profile: `openLink` events (a billpro-desk:// link the
 * desktop app received, a clicked notification) and `#/p/<profile>/<view>/<id>` fragments in
 * browser mode. Both switch to the profile, then show the record through the router; a link to
 * a profile not on this device, or one that is malformed, leaves a notice saying why.
 * Browser mode also shows the Desk's notifications with the Notification API, when allowed.
 */
import { parseDeepLink, parseLinkHash, type LinkRoute } from '../../../electron/common/deep-link.ts';
import type { DeskNotification } from '../../../electron/common/desktop.ts';
import { call, on } from './bridge.ts';
import { profiles } from './profiles.svelte.ts';
import { router } from './router.svelte.ts';

export class LinkHandler {
  notice = $state<string | null>(null);
  private started = false;
  private mode: 'electron' | 'web' | null = null;
  /** A link that arrived before the profile list (the desktop app's first launch by a link). */
  private early: LinkRoute | null = null;

  constructor() {
    on('openLink', (route) => {
      if (this.started) void this.open(route);
      else this.early = route;
    });
  }

  /** Call once the profile list is loaded. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.early) void this.open(this.early);
    this.early = null;
    on('notify', (note) => this.notify(note));
    window.addEventListener('hashchange', () => this.fromHash());
    call('app.info', {})
      .then((info) => (this.mode = info.mode))
      .catch(() => undefined);
    this.fromHash();
  }

  async open(route: LinkRoute): Promise<void> {
    const profile = profiles.state.profiles.find((p) => p.id === route.profileId);
    if (!profile) {
      this.notice = `That link is for a profile that is not on this device (${route.profileId}).`;
      router.go(router.view);
      return;
    }
    this.notice = null;
    await profiles.setActive(profile.id);
    router.go(route.view, route.id);
  }

  private fromHash(): void {
    const parsed = parseLinkHash(window.location.hash);
    if (parsed === null) return;
    if (!parsed.ok) {
      this.notice = parsed.message;
      router.go('dashboard');
      return;
    }
    void this.open(parsed.route);
  }

  private notify(note: DeskNotification): void {
    // The desktop app shows its own system notifications; the page shows them in browser mode.
    if (this.mode !== 'web' || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const shown = new Notification(note.title, { body: note.body, tag: note.key });
    shown.onclick = () => {
      window.focus();
      const parsed = parseDeepLink(note.link);
      if (parsed.ok) void this.open(parsed.route);
      shown.close();
    };
  }
}

export const links = new LinkHandler();
