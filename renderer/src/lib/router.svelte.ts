/**
 * Where the operator is: a screen and, optionally, the record open on it. Kept in the URL hash
 * (`#/orders/1042`) so Back/Forward work in the browser mode and a reload keeps the place.
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

function parse(hash: string): { view: ViewName; id: number | null; action: string | null } {
  const [view, id, action] = hash.replace(/^#\/?/, '').split('/');
  const known = (VIEWS as readonly string[]).includes(view ?? '') ? (view as ViewName) : 'dashboard';
  const number = id !== undefined && /^-?\d+$/.test(id) ? Number(id) : null;
  return { view: known, id: number, action: id === 'new' ? 'new' : (action ?? null) };
}

export class Router {
  view = $state<ViewName>('dashboard');
  /** The record open on the screen (e.g. an order id), or null. */
  id = $state<number | null>(null);
  /** A sub-action such as `new` (create form) or `edit`. */
  action = $state<string | null>(null);

  constructor() {
    this.read();
    window.addEventListener('hashchange', () => this.read());
  }

  private read(): void {
    const next = parse(window.location.hash);
    this.view = next.view;
    this.id = next.id;
    this.action = next.action;
  }

  go(view: ViewName, id: number | 'new' | null = null, action: string | null = null): void {
    const parts = [view, ...(id !== null ? [String(id)] : []), ...(action ? [action] : [])];
    const hash = `#/${parts.join('/')}`;
    if (window.location.hash !== hash) window.location.hash = hash;
    else this.read();
  }
}

export const router = new Router();
