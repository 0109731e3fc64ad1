/**
 * Bundle figures: the production renderer build (vite, the project's own config), into a folder of
 * the benchmark's own so a build someone else is serving from dist/ is never replaced midway.
 * Every .js in its assets is gzipped at level 9. Two sums: the start-up JavaScript — what
 * index.html loads (its scripts and module preloads) and every chunk those import statically, all
 * of which the browser must fetch and evaluate before the console starts — which the goal is on;
 * and the total, which adds the chunks loaded on demand (a form's phone check, a screen opened
 * later).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './processes.ts';

export interface BundleFigures {
  /** gzip -9 of the start-up JavaScript (see above), in KiB: the figure the goal is on. */
  startupGzipKb: number;
  startupRawKb: number;
  /** The start-up scripts' names. */
  startupFiles: string[];
  /** gzip -9 of every .js in assets, summed, in KiB (start-up and on demand). */
  gzipKb: number;
  rawKb: number;
  /** The script index.html names (part of the start-up figure). */
  entryGzipKb: number;
  files: { name: string; rawKb: number; gzipKb: number; startup: boolean }[];
  buildMs: number;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export function buildRenderer(outDir: string): BundleFigures {
  const started = performance.now();
  const build = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`the renderer build failed:\n${build.stderr}`);
  const buildMs = performance.now() - started;
  const assets = path.join(outDir, 'assets');
  const index = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  const files = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(assets, name));
      return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  const entry = files.filter((f) => index.includes(`assets/${f.name}`));
  const startup = startupScripts(
    entry.map((f) => f.name),
    (name) => readFileSync(path.join(assets, name), 'utf8'),
  );
  const atStart = files.filter((f) => startup.has(f.name));
  return {
    startupGzipKb: kb(atStart.reduce((sum, f) => sum + f.gzip, 0)),
    startupRawKb: kb(atStart.reduce((sum, f) => sum + f.raw, 0)),
    startupFiles: atStart.map((f) => f.name),
    gzipKb: kb(files.reduce((sum, f) => sum + f.gzip, 0)),
    rawKb: kb(files.reduce((sum, f) => sum + f.raw, 0)),
    entryGzipKb: kb(entry.reduce((sum, f) => sum + f.gzip, 0)),
    files: files.map((f) => ({
      name: f.name,
      rawKb: kb(f.raw),
      gzipKb: kb(f.gzip),
      startup: startup.has(f.name),
    })),
    buildMs: Math.round(buildMs),
  };
}

/**
 * The scripts index.html names and every chunk they import statically, transitively (`import …
 * from "./x.js"` or `import "./x.js"` in the minified output; `import("./x.js")` is on demand).
 */
export function startupScripts(entries: string[], read: (name: string) => string): Set<string> {
  const found = new Set<string>();
  const queue = [...entries];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (found.has(name)) continue;
    found.add(name);
    const source = read(name);
    for (const match of source.matchAll(
      /(?<![\w$.])import\s*(?:[\w$*{][^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g,
    ))
      queue.push(match[1]!);
  }
  return found;
}
