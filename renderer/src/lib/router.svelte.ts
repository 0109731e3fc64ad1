/**
 * Where the operator is: a screen, optionally the record open on it, and the state of a list
 * (filters, search, sort, scroll position, selected row) as query parameters. All of it lives in
 * the URL hash (`#/orders?status=active&row=49995`), so Back and Forward restore a list exactly
 * as it was left, a reload keeps the place, and a view can be reopened from its link.
 *
 * Paths are matched against ROUTES in order; a new kind of address (say a profile-qualified
 * `#/<profile>/orders/<id>`) is one more entry there.
 */
export const VIEWS = ['dashboard', 'products', 'customers', 'orders', 'activity', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<ViewName, string> = {
  dashboard: 'Dashboard',
  products: 'Products',
  customers: 'Customers',
  orders: 'Orders',
  activity: 'Activity',
  settings: 'Settings',
};

/** A list's state as query parameters; every value is a string, absent means "default". */
export type RouteParams = Readonly<Record<string, string>>;

export interface Route {
  view: ViewName;
  id: number | null;
  action: string | null;
  params: RouteParams;
}

type Segments = Readonly<Record<string, string>>;

/**
 * A path pattern: literal segments, `:view` (one of VIEWS), `:id` (an integer; negative for a
 * record not yet sent) or `:action` (any word). The first pattern that matches wins.
 */
interface RouteEntry {
  path: readonly string[];
  to: (segments: Segments) => Omit<Route, 'params'>;
}

const isView = (value: string): value is ViewName => (VIEWS as readonly string[]).includes(value);

const ROUTES: readonly RouteEntry[] = [
  { path: [':view'], to: (s) => ({ view: s.view as ViewName, id: null, action: null }) },
  { path: [':view', 'new'], to: (s) => ({ view: s.view as ViewName, id: null, action: 'new' }) },
  { path: [':view', ':id'], to: (s) => ({ view: s.view as ViewName, id: Number(s.id), action: null }) },
  { path: [':view', ':id', ':action'], to: (s) => ({ view: s.view as ViewName, id: Number(s.id), action: s.action ?? null }) },
];

function matchSegment(pattern: string, value: string): boolean {
  if (pattern === ':view') return isView(value);
  if (pattern === ':id') return /^-?\d+$/.test(value);
  if (pattern === ':action') return /^[a-z][a-z-]*$/.test(value);
  return pattern === value;
}

function matchPath(parts: readonly string[]): Omit<Route, 'params'> {
  for (const entry of ROUTES) {
    if (entry.path.length !== parts.length) continue;
    const segments: Record<string, string> = {};
    let ok = true;
    for (const [i, pattern] of entry.path.entries()) {
      const value = parts[i]!;
      if (!matchSegment(pattern, value)) {
        ok = false;
        break;
      }
      if (pattern.startsWith(':')) segments[pattern.slice(1)] = value;
    }
    if (ok) return entry.to(segments);
  }
  return { view: 'dashboard', id: null, action: null };
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const question = raw.indexOf('?');
  const path = question === -1 ? raw : raw.slice(0, question);
  const query = question === -1 ? '' : raw.slice(question + 1);
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  return { ...matchPath(parts), params };
}

export function formatHash(route: Pick<Route, 'view'> & Partial<Route>): string {
  const parts = [route.view, ...(route.id !== null && route.id !== undefined ? [String(route.id)] : []), ...(route.action ? [route.action] : [])];
  const entries = Object.entries(route.params ?? {}).filter(([, v]) => v !== '');
  const query = entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
  return `#/${parts.map(encodeURIComponent).join('/')}${query}`;
}

export class Router {
  view = $state<ViewName>('dashboard');
  /** The record open on the screen (e.g. an order id), or null. */
  id = $state<number | null>(null);
  /** A sub-action such as `new` (create form) or `edit`. */
  action = $state<string | null>(null);
  /** The list state of the current address (see RouteParams). */
  params = $state.raw<RouteParams>({});
  /**
   * Bumped on every move to another screen or record (link, palette, Back, a row opened), not
   * when a list only records its state: the shell moves focus to the new screen on each bump.
   */
  moves = $state(0);
  /** How the last move happened: Back/Forward or a typed address ('pop'), or in the app ('push'). */
  lastMove = $state<'push' | 'pop'>('pop');
  /** The list state each list screen was last left in, so a link back to the list restores it. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read only when moving to a list, never rendered
  readonly #lists = new Map<ViewName, RouteParams>();

  constructor() {
    // Each history entry of the app records how many of the app's own entries lie behind it,
    // so "back" from a record knows whether Back stays in the app.
    if (depthOf(window.history.state) === null) window.history.replaceState({ deskDepth: 0 }, '', window.location.href);
    this.read();
    window.addEventListener('hashchange', () => {
      // A new entry made by a link (Back and Forward return to entries that already have one).
      if (depthOf(window.history.state) === null) window.history.replaceState({ deskDepth: this.#depth + 1 }, '', window.location.href);
      this.read();
    });
  }

  #depth = 0;
  /** The address `go` asked for, until the router follows it. */
  #leaving: string | null = null;

  /** Follow the address (Back, Forward, a typed or linked address, a sidebar link). */
  private read(): void {
    const pushed = this.#leaving !== null;
    this.#leaving = null;
    this.#depth = depthOf(window.history.state) ?? 0;
    const next = parseHash(window.location.hash);
    if (next.view === this.view && next.id === this.id && next.action === this.action && sameParams(next.params, this.params)) return;
    this.#apply(next, pushed ? 'push' : 'pop');
  }

  #apply(next: Route, how: 'push' | 'pop'): void {
    const moved = next.view !== this.view || next.id !== this.id || next.action !== this.action;
    // A bare list address (a sidebar link, a breadcrumb) reopens the list as it was left.
    const remembered = next.id === null && next.action === null && Object.keys(next.params).length === 0 ? this.#lists.get(next.view) : undefined;
    this.view = next.view;
    this.id = next.id;
    this.action = next.action;
    this.params = remembered ?? next.params;
    if (remembered) this.#replace();
    if (moved) {
      this.lastMove = how;
      this.moves += 1;
    }
  }

  go(view: ViewName, id: number | 'new' | null = null, action: string | null = null, params: RouteParams = {}): void {
    const hash = formatHash({ view, id: id === 'new' ? null : id, action: id === 'new' ? 'new' : action, params });
    if (window.location.hash === hash) {
      this.read();
      return;
    }
    // Through the address, so the leave guard (leave-guard.svelte.ts) hears of it first. Until
    // the router follows, a list must not record its state over the address being opened.
    this.#leaving = hash;
    window.location.hash = hash;
  }

  /**
   * Record the current list's state in the address without a new history entry (typing in a
   * search box must not take ten Backs to undo). Values equal to '' are left out.
   */
  setParams(params: RouteParams): void {
    if (this.#leaving !== null) return;
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== ''));
    if (sameParams(clean, this.params)) return;
    this.params = clean;
    if (this.id === null && this.action === null) this.#lists.set(this.view, clean);
    this.#replace();
  }

  /** Forget remembered list states (another profile's filters mean nothing here). */
  forgetLists(): void {
    this.#lists.clear();
  }

  /** Back to the previous place in the app (as the browser's Back would), else to `fallback`. */
  back(fallback: ViewName): void {
    if (this.#depth > 0) window.history.back();
    else this.go(fallback);
  }

  #replace(): void {
    const hash = formatHash({ view: this.view, id: this.id, action: this.action, params: this.params });
    if (window.location.hash !== hash) window.history.replaceState(window.history.state, '', hash);
  }
}

function depthOf(state: unknown): number | null {
  if (typeof state !== 'object' || state === null || !('deskDepth' in state)) return null;
  const depth = (state as { deskDepth: unknown }).deskDepth;
  return typeof depth === 'number' && Number.isInteger(depth) && depth >= 0 ? depth : null;
}

function sameParams(a: RouteParams, b: RouteParams): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

export const router = new Router();
