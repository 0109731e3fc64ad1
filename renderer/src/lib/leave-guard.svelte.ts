/**
 * One guard for every form: nothing typed is thrown away without the operator saying so.
 *
 * A form `hold`s the guard while it is open, with a function that says whether it has unsaved
 * changes. Leaving by any way the app offers — a sidebar or breadcrumb link, Ctrl+K, Back, a
 * profile switch — goes through `leave()`, which asks first when a held form is dirty; closing
 * or reloading the window gets the browser's own "leave site?" question (`beforeunload`).
 *
 * In-app links are caught before they change the address (a click on a `#/…` link, in the
 * capture phase); anything else that changes the hash (Ctrl+K's `router.go`, Back, a typed
 * address) is caught on `hashchange` before the router hears it, and the address is put back.
 * Listeners on window run in the order they were added, so main.ts loads this module first.
 */
export interface Hold {
  /** True while the form holds changes that are not saved. */
  dirty: () => boolean;
  /** What is lost, for the question: "the new customer", "the order being created". */
  what: string;
  /**
   * False for a form whose draft survives in-app navigation (Create order keeps it for the
   * session): only closing the window asks then.
   */
  asksInApp?: boolean;
}

export class LeaveGuard {
  /** The question on screen: what would be lost, and what to do if the operator agrees. */
  asking = $state<{ what: string; proceed: () => void } | null>(null);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read on demand when leaving; nothing renders it.
  private readonly holds = new Set<Hold>();
  private current = window.location.hash;
  private bypass = false;
  /**
   * How to undo the last navigation, where the Navigation API says how it happened: a push is
   * stepped back from (-1), a Back/Forward traversal is stepped the other way.
   */
  private undoSteps: number | null = null;

  constructor() {
    document.addEventListener('click', (event) => this.onClick(event), { capture: true });
    window.addEventListener('hashchange', (event) => this.onHashChange(event));
    if ('navigation' in window) {
      const navigation = window.navigation;
      navigation.addEventListener('navigate', (event) => {
        const from = navigation.currentEntry?.index ?? -1;
        const to = event.destination.index;
        this.undoSteps =
          event.navigationType === 'push' ? -1 : event.navigationType === 'traverse' && from >= 0 && to >= 0 ? from - to : null;
      });
    }
    window.addEventListener('beforeunload', (event) => {
      if (this.unsaved(false)) event.preventDefault();
    });
  }

  /** Hold the guard while a form is open; call the result when it closes (or is discarded). */
  hold(hold: Hold): () => void {
    this.holds.add(hold);
    return () => this.holds.delete(hold);
  }

  /** The first dirty form that would be lost by leaving in-app (or by closing the window). */
  private unsaved(inApp: boolean): Hold | null {
    for (const hold of this.holds) {
      if ((!inApp || hold.asksInApp !== false) && hold.dirty()) return hold;
    }
    return null;
  }

  /** Do `proceed` now, or after the operator agrees to lose the unsaved changes. */
  leave(proceed: () => void): void {
    const hold = this.unsaved(true);
    if (!hold) {
      proceed();
      return;
    }
    this.asking = {
      what: hold.what,
      proceed: () => {
        // The form is left: it no longer holds anything worth asking about.
        this.holds.delete(hold);
        proceed();
      },
    };
  }

  /** The operator chose to lose the changes. */
  discard(): void {
    const asked = this.asking;
    this.asking = null;
    asked?.proceed();
  }

  /** The operator chose to stay. */
  stay(): void {
    this.asking = null;
  }

  private go(hash: string): void {
    this.bypass = true;
    window.location.hash = hash;
    // Setting the same hash fires no event: the flag must not outlive this call then.
    queueMicrotask(() => (this.bypass = false));
  }

  private onClick(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    const hash = link?.getAttribute('href');
    if (!hash || hash === window.location.hash || !this.unsaved(true)) return;
    event.preventDefault();
    this.leave(() => this.go(hash));
  }

  private onHashChange(event: HashChangeEvent): void {
    const target = window.location.hash;
    if (this.bypass || target === this.current || !this.unsaved(true)) {
      this.bypass = false;
      this.current = target;
      return;
    }
    // Not yet: the router must not hear of it, and the address goes back to the form's entry —
    // by undoing the step (a push or a Back/Forward), so the history keeps no extra entry of
    // the form; where the step is not known, the address is replaced in place.
    event.stopImmediatePropagation();
    const undo = this.undoSteps;
    this.undoSteps = null;
    if (undo !== null && undo !== 0) history.go(undo);
    else history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}${this.current}`);
    this.leave(() => this.go(target));
  }
}

export const leaveGuard = new LeaveGuard();
