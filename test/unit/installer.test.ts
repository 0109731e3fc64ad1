/**
 * The installer configuration (build/electron-builder.config.cjs), checked with electron-builder's
 * own validator (app-builder-lib's `validateConfiguration`, the JSON schema `npm run dist`
 * applies) and against what the app needs at run time: its native modules outside app.asar,
 * its entry point inside the packaged files, the icon and the macOS entitlements.
 * Installers themselves cannot be built here (no Electron binary to package).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { Configuration } from 'app-builder-lib';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { describe, expect, it } from 'vitest';
import { mainOptions, preloadOptions } from '../../scripts/build-electron.mjs';
import { drawIcon } from '../../scripts/make-icon.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const config = require('../../build/electron-builder.config.cjs') as Configuration;
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};

// The glob matcher electron-builder itself uses for `files` and `asarUnpack`.
const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
const { minimatch } = builderRequire('minimatch') as {
  minimatch: (file: string, pattern: string, options: { dot: boolean }) => boolean;
};

const quietLogger = { isEnabled: false, add() {} } as unknown as Parameters<typeof validateConfiguration>[1];

function matchesAny(file: string, patterns: readonly string[]): boolean {
  const positive = patterns.filter((p) => !p.startsWith('!'));
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return (
    positive.some((p) => minimatch(file, p, { dot: true })) &&
    !negative.some((p) => minimatch(file, p, { dot: true }))
  );
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) throw new Error(`expected a list of globs, got ${JSON.stringify(value)}`);
  return value.map((entry) => {
    if (typeof entry !== 'string') throw new Error(`expected a glob, got ${JSON.stringify(entry)}`);
    return entry;
  });
}

function targetsOf(platform: unknown): string[] {
  const target = (platform as { target?: unknown } | undefined)?.target;
  return stringList(target);
}

/** Every native addon (*.node) a production dependency brings, as a path inside the app. */
function nativeAddons(): string[] {
  const found: string[] = [];
  const visit = (relative: string): void => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) visit(child);
      else if (entry.name.endsWith('.node')) found.push(child);
    }
  };
  for (const name of [...Object.keys(pkg.dependencies), '@libsql']) {
    if (existsSync(path.join(root, 'node_modules', name))) visit(`node_modules/${name}`);
  }
  return found;
}

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('would be rejected by that validator if it were wrong (the check has teeth)', async () => {
    const mistyped = { ...config, linux: { ...config.linux, categroy: 'Office' } } as Configuration;
    await expect(validateConfiguration(mistyped, quietLogger)).rejects.toThrow(/configuration\.linux/);
    const badTarget = {
      ...config,
      mac: { ...config.mac, hardenedRuntime: 'yes please' },
    } as unknown as Configuration;
    await expect(validateConfiguration(badTarget, quietLogger)).rejects.toThrow(/hardenedRuntime/);
  });

  it('names the app and puts installers in release/', () => {
    expect(config.appId).toBe('pro.bill.desk');
    expect(config.productName).toBe('BillPro Desk');
    expect(config.directories).toEqual({ output: 'release', buildResources: 'build' });
    expect(pkg.scripts.dist).toContain('--config build/electron-builder.config.cjs');
  });

  it('builds AppImage + deb, dmg and nsis, with the finance categories', () => {
    expect(targetsOf(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(config.linux?.category?.split(';')).toEqual(['Office', 'Finance']);
    expect(targetsOf(config.mac)).toEqual(['dmg']);
    expect(config.mac?.category).toBe('public.app-category.finance');
    expect(targetsOf(config.win)).toEqual(['nsis']);
  });

  it('packages the entry point and preload the build script writes', () => {
    const files = stringList(config.files);
    const relative = (file: unknown) => path.relative(root, String(file)).split(path.sep).join('/');
    expect(relative(mainOptions().outfile)).toBe(pkg.main);
    for (const file of [
      pkg.main,
      relative(preloadOptions().outfile),
      'dist/renderer/index.html',
      'package.json',
    ]) {
      expect(matchesAny(file, files), file).toBe(true);
    }
    expect(matchesAny('electron/main.ts', files)).toBe(false);
    expect(matchesAny('test/unit/installer.test.ts', files)).toBe(false);
  });

  it('keeps keytar and libsql (every native addon of the dependencies) outside app.asar, without rebuilding them', () => {
    const unpack = stringList(config.asarUnpack);
    expect(unpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/keytar/**',
        '**/node_modules/libsql/**',
        '**/node_modules/@libsql/**',
      ]),
    );
    const addons = nativeAddons();
    expect(addons.some((a) => a.startsWith('node_modules/keytar/'))).toBe(true);
    expect(addons.some((a) => a.startsWith('node_modules/@libsql/'))).toBe(true);
    for (const addon of addons) expect(matchesAny(addon, unpack), addon).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  it('flips the Electron fuses that close run-as-node, NODE_OPTIONS, --inspect and file:// privileges', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      onlyLoadAppFromAsar: true,
    });
  });

  it('signs macOS builds with the hardened runtime and an entitlements file that exists', () => {
    expect(config.mac?.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(path.join(root, String(config.mac?.entitlements)), 'utf8');
    const plist = builderRequire('plist') as { parse: (xml: string) => unknown };
    const parsed = plist.parse(entitlements) as Record<string, unknown>;
    expect(parsed['com.apple.security.cs.allow-jit']).toBe(true);
    // Not an App Store build: no App Sandbox, and nothing broader than V8 needs.
    expect(parsed['com.apple.security.app-sandbox']).toBeUndefined();
    expect(Object.keys(parsed).every((key) => key.startsWith('com.apple.security.cs.'))).toBe(true);
    expect(config.mac?.entitlementsInherit).toBe(config.mac?.entitlements);
  });
});

describe('links, updates and signing in the installers', () => {
  it('registers billpro-desk:// — the Linux .desktop entry electron-builder writes hands the link to the app', async () => {
    const { DEEP_LINK_SCHEME } = await import('../../electron/common/deep-link.ts');
    expect(config.protocols).toEqual([{ name: 'BillPro Desk link', schemes: [DEEP_LINK_SCHEME] }]);
    // electron-builder's own .desktop writer, on our configuration (a stand-in for the rest of
    // its packager: the entry needs only the config, names and file associations).
    const { LinuxTargetHelper } = builderRequire('./out/targets/LinuxTargetHelper.js') as {
      LinuxTargetHelper: new (packager: unknown) => { computeDesktopEntry(options: unknown): Promise<string> };
    };
    const helper = new LinuxTargetHelper({
      config,
      platformSpecificBuildOptions: config.linux,
      info: { metadata: { desktopName: 'billpro-desk.desktop' } },
      appInfo: { productName: 'BillPro Desk', sanitizedProductName: 'BillPro Desk' },
      executableName: config.linux?.executableName,
      fileAssociations: [],
    });
    const entry = await helper.computeDesktopEntry(config.linux);
    expect(entry).toMatch(/^MimeType=x-scheme-handler\/billpro-desk;$/m);
    expect(entry).toMatch(/^Exec="\/opt\/BillPro Desk\/billpro-desk" %U$/m);
  });

  it('publishes installers and update feeds to a draft GitHub release, and notarizes only with credentials in the environment', () => {
    expect(config.publish).toEqual([expect.objectContaining({ provider: 'github', releaseType: 'draft' })]);
    const saved = { ...process.env };
    try {
      for (const key of ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) delete process.env[key];
      const path_ = require.resolve('../../build/electron-builder.config.cjs');
      delete require.cache[path_];
      expect((require(path_) as Configuration).mac?.notarize).toBe(false);
      Object.assign(process.env, { APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' });
      delete require.cache[path_];
      expect((require(path_) as Configuration).mac?.notarize).toBe(true);
    } finally {
      process.env = saved;
      delete require.cache[require.resolve('../../build/electron-builder.config.cjs')];
    }
    expect(pkg.dependencies['electron-updater']).toBeDefined();
  });
});

describe('the icon', () => {
  const iconPath = path.join(root, 'build', 'icon.png');

  function decode(png: Buffer) {
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    const idat: Buffer[] = [];
    for (let at = 8; at < png.length;) {
      const length = png.readUInt32BE(at);
      if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
      at += 12 + length;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const pixel = (x: number, y: number) => [
      ...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 1 + x * 4 + 4),
    ];
    return { width, height, colourType: png[25], pixel };
  }

  it('is a 512×512 RGBA PNG: transparent corners, blue square, white letter', () => {
    const icon = decode(readFileSync(iconPath));
    expect([icon.width, icon.height, icon.colourType]).toEqual([512, 512, 6]);
    expect(icon.pixel(2, 2)[3]).toBe(0);
    const [r, g, b, a] = icon.pixel(256, 60);
    expect(a).toBe(255);
    expect(b).toBeGreaterThan(200);
    expect(r).toBeLessThan(100);
    expect(g).toBeLessThan(160);
    expect(icon.pixel(190, 256)).toEqual([255, 255, 255, 255]); // the B's stem
  });

  it('is exactly what scripts/make-icon.mjs draws', () => {
    expect(drawIcon(512).equals(readFileSync(iconPath))).toBe(true);
    expect(config.linux?.icon).toBe('build/icon.png');
  });
});
