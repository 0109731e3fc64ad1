/**
 * Bundle figure: the production renderer build (vite, the project's own config), into a folder of
 * the benchmark's own so a build someone else is serving from dist/ is never replaced midway.
 * Every .js in its assets is gzipped at level 9; the sum is the figure.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './processes.ts';

export interface BundleFigures {
  /** gzip -9 of every .js in assets, summed, in KiB. */
  gzipKb: number;
  rawKb: number;
  /** The script index.html loads (the rest is loaded on demand). */
  entryGzipKb: number;
  files: { name: string; rawKb: number; gzipKb: number }[];
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
  return {
    gzipKb: kb(files.reduce((sum, f) => sum + f.gzip, 0)),
    rawKb: kb(files.reduce((sum, f) => sum + f.raw, 0)),
    entryGzipKb: kb(entry.reduce((sum, f) => sum + f.gzip, 0)),
    files: files.map((f) => ({ name: f.name, rawKb: kb(f.raw), gzipKb: kb(f.gzip) })),
    buildMs: Math.round(buildMs),
  };
}
