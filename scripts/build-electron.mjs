// Bundles the Electron side: main.ts → dist/electron/main.cjs and preload.ts →
// dist/electron/preload.cjs. The preload runs in a sandboxed renderer, which can `require`
// nothing but 'electron', so what it uses (the contract's names, no schemas) is bundled into it.
// Native modules stay external in main: they load from node_modules (asarUnpack'ed).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'electron');

/** Loaded from node_modules at run time: Electron itself, its updater and the Node-API addons. */
export const MAIN_EXTERNALS = ['electron', 'electron-updater', 'keytar', 'libsql', '@libsql/*'];

/** Options shared by the app build and the tests that bundle the preload themselves. */
export function preloadOptions(overrides = {}) {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, 'electron', 'preload.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // A syntax floor both Electron 45's Chromium and its Node exceed.
    target: ['es2023'],
    external: ['electron'],
    outfile: path.join(outdir, 'preload.cjs'),
    // Minified: it parses on every page load.
    minify: true,
    logLevel: 'warning',
    legalComments: 'none',
    ...overrides,
  };
}

export function mainOptions(overrides = {}) {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, 'electron', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: ['es2023'],
    external: MAIN_EXTERNALS,
    // `import('keytar')` becomes `require('keytar')`: the CommonJS loader is the one that knows
    // app.asar and its unpacked native modules.
    supported: { 'dynamic-import': false },
    outfile: path.join(outdir, 'main.cjs'),
    logLevel: 'warning',
    legalComments: 'none',
    ...overrides,
  };
}

async function main() {
  const started = Date.now();
  const results = await Promise.all([build(mainOptions()), build(preloadOptions())]);
  // In a CommonJS bundle `import.meta` is empty: code relying on it would break only at run time.
  const emptyImportMeta = results
    .flatMap((result) => result.warnings)
    .filter((w) => w.id === 'empty-import-meta');
  if (emptyImportMeta.length > 0) {
    throw new Error(
      `import.meta is used in code bundled for Electron (${emptyImportMeta.map((w) => w.location?.file).join(', ')})`,
    );
  }
  console.log(
    `electron bundles → ${path.relative(root, outdir)}/ (main.cjs, preload.cjs) in ${Date.now() - started} ms`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
