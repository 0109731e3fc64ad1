import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  contentTypeOf,
  cspHeader,
  decideWindowOpen,
  denyPermissionCheck,
  denyPermissionRequest,
  isAllowedNavigation,
  isSafeExternalUrl,
  originOf,
  rendererResponseHeaders,
  resolveRendererFile,
  windowWebPreferences,
} from '../../electron/core/shell-policy.ts';

function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

describe('window webPreferences', () => {
  it('are exactly the hardened set, with the preload and dev tools as given', () => {
    expect(windowWebPreferences('/app/dist/electron/preload.cjs', { devTools: false })).toStrictEqual({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
      enableWebSQL: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: false,
    });
    expect(windowWebPreferences('/p.cjs', { devTools: true }).devTools).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(cspHeader());

  it('allows scripts from the app itself only: no eval, no inline, no remote source', () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(cspHeader()).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|strict-dynamic/);
    for (const sources of csp.values()) {
      for (const source of sources) expect(source).toMatch(/^('self'|'none'|data:)$/);
    }
  });

  it('closes plugins, base tags, framing, form posts and network access beyond the app', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('comes with every file the app scheme serves, with nosniff', () => {
    const headers = rendererResponseHeaders('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toBe(cspHeader());
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('navigation', () => {
  it('stays on the app origin', () => {
    expect(APP_ORIGIN).toBe('app://desk');
    expect(isAllowedNavigation(APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation('app://desk/customers?page=2#top')).toBe(true);
    expect(isAllowedNavigation('app://DESK/index.html')).toBe(true);
  });

  it.each([
    'https://app.bill.pro/api/v1',
    'http://127.0.0.1:5173/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'about:blank',
    'app://desk.evil.example/index.html',
    'app://other/index.html',
    'app://evil@desk/index.html',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAllowedNavigation(url)).toBe(false);
  });

  it('gives Chromium-style origins for the custom scheme, where Node says "null"', () => {
    expect(new URL('app://desk/x').origin).toBe('null');
    expect(originOf('app://desk/x')).toBe('app://desk');
    expect(originOf('https://docs.bill.pro/a?b')).toBe('https://docs.bill.pro');
    expect(originOf('file:///x')).toBeNull();
  });
});

describe('external links and window.open', () => {
  it.each(['https://docs.bill.pro', 'https://app.bill.pro/orders/12?tab=payments'])(
    'opens %s in the browser',
    (url) => {
      expect(isSafeExternalUrl(url)).toBe(true);
      expect(decideWindowOpen(url)).toEqual({ action: 'deny', openExternally: url });
    },
  );

  it.each([
    'http://docs.bill.pro',
    'javascript:alert(document.domain)',
    'file:///C:/Windows/System32/calc.exe',
    'smb://fileserver/share',
    'ms-msdt:/id PCWDiagnostic',
    'app://desk/index.html',
    'https://docs.bill.pro@evil.example/',
    'https://',
    'about:blank',
    'not a url',
  ])('never opens %s, and never in a new window', (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
    expect(decideWindowOpen(url)).toEqual({ action: 'deny', openExternally: null });
  });
});

describe('permissions', () => {
  it.each([
    'media',
    'notifications',
    'geolocation',
    'clipboard-read',
    'openExternal',
    'fullscreen',
    'hid',
    'unknown',
  ])('denies a %s request and check', (permission) => {
    const answers: boolean[] = [];
    denyPermissionRequest({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false]);
    expect(denyPermissionCheck()).toBe(false);
  });
});

describe('serving the renderer from app://desk', () => {
  const root = path.resolve('/srv/desk/dist/renderer');

  it('maps app paths to files under the renderer folder', () => {
    expect(resolveRendererFile(root, 'app://desk/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://desk/assets/index-3f2a.js')).toBe(
      path.join(root, 'assets', 'index-3f2a.js'),
    );
    expect(resolveRendererFile(root, 'app://desk/assets/Logo%20Dark.svg')).toBe(
      path.join(root, 'assets', 'Logo Dark.svg'),
    );
  });

  it('answers index.html for the root and for screens of the single-page app', () => {
    expect(resolveRendererFile(root, 'app://desk/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://desk')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://desk/customers/12?x=1')).toBe(path.join(root, 'index.html'));
  });

  it.each([
    'app://desk/../../../etc/passwd',
    'app://desk/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    'app://desk/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://desk/assets/..%5C..%5C..%5Cwindows%5Cwin.ini',
    'app://desk/index.html%00.png',
    'app://desk/%E0%A4%A.js',
    'app://other/index.html',
    'https://desk/index.html',
    'file:///srv/desk/dist/renderer/index.html',
  ])('refuses %s', (url) => {
    const resolved = resolveRendererFile(root, url);
    if (resolved !== null) expect(resolved.startsWith(root + path.sep)).toBe(true);
    expect(resolved === null || resolved === path.join(root, 'index.html')).toBe(true);
    expect(String(resolved)).not.toMatch(/passwd|win\.ini/);
  });

  it('refuses traversal hidden from the URL parser (encoded slashes and backslashes)', () => {
    expect(resolveRendererFile(root, 'app://desk/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(resolveRendererFile(root, 'app://desk/assets/..%2f..%2fsecret.txt')).toBeNull();
    expect(resolveRendererFile(root, 'app://desk/a%5C..%5C..%5Csecret.txt')).toBeNull();
  });

  it('keeps dot segments the URL parser resolves (as Chromium does) inside the folder', () => {
    expect(resolveRendererFile(root, 'app://desk/a/%2e%2e/%2e%2e/secret.txt')).toBe(
      path.join(root, 'secret.txt'),
    );
    expect(resolveRendererFile(root, 'app://desk/../../assets/app.js')).toBe(
      path.join(root, 'assets', 'app.js'),
    );
  });

  it('labels what it serves', () => {
    expect(contentTypeOf('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a/app.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('a/app.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a/font.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a/blob')).toBe('application/octet-stream');
  });
});
