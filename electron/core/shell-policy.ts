/**
 * The security decisions of the Electron shell, as plain functions so they are tested in Node
 * (DESIGN.md "Security (Electron)"). The shell files (main.ts, window.ts, ipc.ts) only wire
 * these into Electron's hooks; no decision is made there.
 *
 * The renderer is served from a privileged custom scheme, `app://desk/…`, rather than file://:
 * it gives the page a real origin of its own, so CSP 'self', the IPC sender check and the
 * navigation guard all mean "our bundled files" and nothing else on disk, and the response
 * headers (CSP, nosniff) are ours to set.
 */
import path from 'node:path';
import {
  isStreamName,
  STREAM_PREFIX,
  STREAM_ROWS_HEADER,
  streamStatusOf,
  type StreamName,
  type StreamOpening,
} from '../common/streams.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
export const APP_ENTRY_FILE = 'index.html';

/**
 * `scheme://host[:port]` of a URL, or null for URLs without one (file:, data:, javascript:,
 * about:, blob:). Node's URL gives `origin === 'null'` for schemes it does not know (like
 * `app:`), while Chromium treats our registered standard scheme as a real origin; this
 * function gives both the same answer.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '') return null;
  const scheme = parsed.protocol.toLowerCase();
  if (scheme !== `${APP_SCHEME}:` && scheme !== 'https:' && scheme !== 'http:') return null;
  if (parsed.host === '') return null;
  return `${scheme}//${parsed.host.toLowerCase()}`;
}

/** A page of the app itself: the only place the window may navigate or redirect to. */
export function isAllowedNavigation(url: string, appOrigin: string = APP_ORIGIN): boolean {
  return originOf(url) === appOrigin;
}

/** Links the person may open in their browser: https only, and no `user@host` disguise. */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' && parsed.hostname !== '' && parsed.username === '' && parsed.password === ''
  );
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null };

/** `window.open` / `target=_blank`: never a new Electron window; only safe links may go to the browser. */
export function decideWindowOpen(url: string): WindowOpenDecision {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) ? url : null };
}

/** BillPro's own sites (and their subdomains): links there open without asking. */
export const TRUSTED_LINK_DOMAINS: readonly string[] = ['bill.pro'];

export type ExternalLinkStep =
  | { kind: 'open'; url: string }
  | { kind: 'ask'; url: string; host: string }
  | { kind: 'refuse' };

/**
 * Which external links reach the person's browser (issue 12 finding 9). A link's URL may come
 * from BillPro data (an order's `payment_link`) or anything else the page shows, so the page
 * alone never decides: https links to BillPro's own domains open; a link to any other host is
 * shown to the person, host first, in a dialog of the main process, once per host per run;
 * anything that is not a plain https URL is refused.
 */
export class ExternalLinkGate {
  readonly #approved = new Set<string>();

  decide(url: string): ExternalLinkStep {
    if (!isSafeExternalUrl(url)) return { kind: 'refuse' };
    const parsed = new URL(url);
    const host = parsed.hostname.toLowerCase();
    const trusted = TRUSTED_LINK_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
    if (trusted || this.#approved.has(parsed.host.toLowerCase())) return { kind: 'open', url: parsed.href };
    return { kind: 'ask', url: parsed.href, host: parsed.host.toLowerCase() };
  }

  /** Called only after the person said yes in the main process's dialog. */
  approve(host: string): void {
    this.#approved.add(host.toLowerCase());
  }
}

/**
 * What the window's open handler does with a link: refuse it, ask the person (through `confirm`,
 * the main process's dialog) or open it (through `open`, the OS browser). A declined host is
 * asked again next time; an approved one is not.
 */
export async function openExternalLink(
  url: string,
  gate: ExternalLinkGate,
  confirm: (host: string, url: string) => Promise<boolean>,
  open: (url: string) => Promise<void>,
): Promise<'opened' | 'declined' | 'refused'> {
  const step = gate.decide(url);
  if (step.kind === 'refuse') return 'refused';
  if (step.kind === 'ask') {
    if (!(await confirm(step.host, step.url))) return 'declined';
    gate.approve(step.host);
  }
  await open(step.url);
  return 'opened';
}

/**
 * The page's Content-Security-Policy. Svelte 5 sets dynamic styles through CSSOM
 * (`element.style`), which CSP does not govern, and Vite emits styles as files, so style-src
 * needs no 'unsafe-inline'. The renderer talks to the Desk over IPC, never over the network,
 * so connect-src is 'self' only. It is written as one string literal assigned to its header
 * name so that electronegativity's CSP evaluator reads the real policy.
 */
const securityHeaders: Record<string, string> = {};
securityHeaders['content-security-policy'] =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function cspHeader(): string {
  return securityHeaders['content-security-policy'] ?? "default-src 'none'";
}

/**
 * The BrowserWindow's webPreferences. Spellcheck is off: on Windows and Linux Chromium would
 * download Hunspell dictionaries from Google's CDN, and a billing console's fields (names,
 * emails, ids) gain nothing from it. Dev tools exist only in unpackaged builds.
 */
export function windowWebPreferences(preloadPath: string, options: { devTools: boolean }) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    // Middle-click (auxclick) on a link would otherwise ask for a new window.
    disableBlinkFeatures: 'Auxclick',
    enableWebSQL: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools,
  } as const;
}

export type ShellWebPreferences = ReturnType<typeof windowWebPreferences>;

/** Session permission requests (camera, notifications, geolocation, …): the Desk needs none. */
export function denyPermissionRequest(
  _webContents: unknown,
  _permission: string,
  callback: (granted: boolean) => void,
): void {
  callback(false);
}

/** Session permission checks: the synchronous twin of the request handler. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Headers of every file the app scheme serves. */
export function rendererResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': cspHeader(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `rootDir` that an `app://desk/…` request names, or null when the request is
 * not ours or tries to leave the folder (`..`, encoded slashes or backslashes, NUL bytes).
 * A path without an extension is a screen of the single-page app and gets index.html.
 */
export function resolveRendererFile(
  rootDir: string,
  requestUrl: string,
  appOrigin: string = APP_ORIGIN,
): string | null {
  if (originOf(requestUrl) !== appOrigin) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return null;
  const relative = segments.join('/');
  const root = path.resolve(rootDir);
  if (relative === '' || path.posix.extname(relative) === '') return path.join(root, APP_ENTRY_FILE);
  const resolved = path.resolve(root, relative);
  if (!resolved.startsWith(root + path.sep)) return null;
  return resolved;
}

/** What the app scheme needs of the Desk to serve streamed answers (Desk.openStream). */
export type StreamOpener = (name: StreamName, input: unknown, signal?: AbortSignal) => Promise<StreamOpening>;

/** The largest JSON input a stream request may carry (the export's filters: a few hundred bytes). */
export const STREAM_MAX_INPUT_BYTES = 64 * 1024;

/** Is this `app://desk/stream/…`? (Then `streamResponse` answers it, not the file server.) */
export function isStreamRequest(requestUrl: string, appOrigin: string = APP_ORIGIN): boolean {
  if (originOf(requestUrl) !== appOrigin) return false;
  try {
    return new URL(requestUrl).pathname.startsWith(`/${STREAM_PREFIX}`);
  } catch {
    return false;
  }
}

/**
 * `POST app://desk/stream/<name>` with the JSON input, answered as the web host answers it
 * (common/streams.ts): only from the app's own page (its Origin), JSON of bounded size, a known
 * name, the Desk's refusal as the contract's error with its status; else the text as a
 * ReadableStream pulled piece by piece (the Desk builds the next piece only when the page has
 * taken the last: backpressure), cancelled when the page stops reading (the export stops).
 */
export async function streamResponse(
  request: Request,
  open: StreamOpener | null,
  appOrigin: string = APP_ORIGIN,
): Promise<Response> {
  const plain = (status: number, text: string) =>
    new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' } });
  if (request.method !== 'POST') return plain(405, 'Use POST.');
  if (request.headers.get('origin') !== appOrigin) return plain(403, 'Refused: a call must come from the Desk page.');
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) return plain(415, 'Send JSON.');
  if (Number(request.headers.get('content-length') ?? 0) > STREAM_MAX_INPUT_BYTES) {
    return json(413, { ok: false, error: { code: 'BAD_INPUT', message: 'The request is too large for the Desk.' } });
  }
  let name: string;
  try {
    name = decodeURIComponent(new URL(request.url).pathname.slice(`/${STREAM_PREFIX}`.length));
  } catch {
    name = '';
  }
  if (!isStreamName(name)) return json(404, { ok: false, error: { code: 'BAD_INPUT', message: 'Unknown Desk method.' } });
  if (!open) return json(503, { ok: false, error: { code: 'SERVER', message: 'The Desk is still starting. Try again.' } });
  const text = await request.text();
  if (Buffer.byteLength(text) > STREAM_MAX_INPUT_BYTES) {
    return json(413, { ok: false, error: { code: 'BAD_INPUT', message: 'The request is too large for the Desk.' } });
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return json(400, { ok: false, error: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' } });
  }
  const opened = await open(name, input);
  if (!opened.ok) return json(streamStatusOf(opened.error.code), opened);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // A failure here errors the stream: the page's reader fails, no file is saved.
        const next = await opened.chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await opened.chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      [STREAM_ROWS_HEADER]: String(opened.rows),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}
