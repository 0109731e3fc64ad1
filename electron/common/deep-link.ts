/**
 * Links that open one record of one profile, the same in both places the console runs:
 *   desktop  billpro-desk://<profile>/orders/1042   (registered by the installer)
 *   browser  #/p/<profile>/orders/1042             (the same route as a URL fragment)
 * `<profile>` is the Desk's profile id (Settings shows it; notifications carry it). Pure: shared
 * by the main process, the Desk and the renderer. Anything else is refused with a sentence a
 * person can act on, never guessed at.
 */

export const DEEP_LINK_SCHEME = 'billpro-desk';
export const LINK_VIEWS = ['orders', 'customers', 'products', 'activity', 'dashboard'] as const;
export type LinkView = (typeof LINK_VIEWS)[number];
/** Views whose links may name a record. */
const RECORD_VIEWS: readonly LinkView[] = ['orders', 'customers', 'products'];

export interface LinkRoute {
  profileId: string;
  view: LinkView;
  /** The record's id (negative for one created offline and not yet sent), or null for the list. */
  id: number | null;
}

export type LinkParse = { ok: true; route: LinkRoute } | { ok: false; message: string };

const PROFILE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const RECORD_ID = /^-?[1-9]\d{0,15}$/;
const MAX_LINK_LENGTH = 512;

function refuse(message: string): LinkParse {
  return { ok: false, message };
}

/** The route of `<profile>/<view>[/<id>]` path segments, or why it is not one. */
function parseSegments(segments: string[], shown: string): LinkParse {
  const [profileId, view, id, ...rest] = segments;
  if (!profileId || !PROFILE_ID.test(profileId)) {
    return refuse(`“${shown}” does not name a profile (expected ${DEEP_LINK_SCHEME}://<profile>/orders/<id>).`);
  }
  if (!view) return { ok: true, route: { profileId, view: 'dashboard', id: null } };
  if (!(LINK_VIEWS as readonly string[]).includes(view)) {
    return refuse(`“${shown}” asks for “${view}”, which Desk cannot open: links open orders, customers, products or activity.`);
  }
  const linkView = view as LinkView;
  if (rest.length > 0 || (id !== undefined && id !== '' && !RECORD_VIEWS.includes(linkView))) {
    return refuse(`“${shown}” has more after “${view}” than Desk understands.`);
  }
  if (id === undefined || id === '') return { ok: true, route: { profileId, view: linkView, id: null } };
  if (!RECORD_ID.test(id)) return refuse(`“${shown}”: “${id}” is not a record number.`);
  return { ok: true, route: { profileId, view: linkView, id: Number(id) } };
}

/** Parses `billpro-desk://<profile>/<view>[/<id>]`. */
export function parseDeepLink(raw: string): LinkParse {
  const text = raw.trim();
  const shown = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  if (text.length > MAX_LINK_LENGTH) return refuse('This link is too long to be a Desk link.');
  const prefix = `${DEEP_LINK_SCHEME}://`;
  if (!text.toLowerCase().startsWith(prefix)) {
    return refuse(`“${shown}” is not a BillPro Desk link (they start with ${prefix}).`);
  }
  const rest = text.slice(prefix.length);
  if (/[?#\\\s%]/.test(rest)) return refuse(`“${shown}” has characters Desk links never contain.`);
  return parseSegments(rest.replace(/\/+$/, '').split('/'), shown);
}

/** Parses the browser-mode fragment `#/p/<profile>/<view>[/<id>]`; null when the hash is not one. */
export function parseLinkHash(hash: string): LinkParse | null {
  const path = hash.replace(/^#\/?/, '');
  if (!path.startsWith('p/')) return null;
  const rest = path.slice(2);
  if (/[?#\\\s%]/.test(rest) || rest.length > MAX_LINK_LENGTH) return refuse('This link has characters Desk links never contain.');
  return parseSegments(rest.replace(/\/+$/, '').split('/'), `#/${path}`);
}

export function deepLinkOf(route: LinkRoute): string {
  return `${DEEP_LINK_SCHEME}://${route.profileId}/${route.view}${route.id === null ? '' : `/${route.id}`}`;
}

export function linkHashOf(route: LinkRoute): string {
  return `#/p/${route.profileId}/${route.view}${route.id === null ? '' : `/${route.id}`}`;
}

/** The first Desk link in a process's command line (a second launch, or the first one). */
export function deepLinkInArgv(argv: readonly string[]): string | null {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`)) ?? null;
}
