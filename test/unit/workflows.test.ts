/**
 * The GitHub Actions workflows: valid for GitHub (action-validator, as `npm test` runs it), and
 * doing what the release process relies on — the README's test command on Linux with the system
 * packages .ci/run installs; type-check, unit tests and the Electron specs on macOS and Windows;
 * installers for every target built and published from a version tag, signed only from secrets.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateWorkflows } from '../../scripts/validate-workflows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  strategy?: { matrix: { os?: string[]; include?: Array<{ os: string; args: string }> } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const load = (file: string) => yaml.load(read(file)) as Workflow;
const runs = (job: Job | undefined) => (job?.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('workflow files', () => {
  it('are valid GitHub Actions workflows', () => {
    const results = validateWorkflows();
    expect(results.map((r) => r.file)).toEqual(['.github/workflows/ci.yml', '.github/workflows/release.yml']);
    for (const result of results) expect(result.errors, result.file).toEqual([]);
  });

  it('a broken workflow is rejected by the same check (it has teeth)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'workflows-'));
    try {
      writeFileSync(path.join(dir, 'bad.yml'), read('.github/workflows/ci.yml').replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04'));
      writeFileSync(path.join(dir, 'worse.yml'), 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps: nope\n');
      const results = validateWorkflows(dir);
      expect(results).toHaveLength(2);
      for (const result of results) expect(result.errors.length, result.file).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ci.yml', () => {
  const ci = load('.github/workflows/ci.yml');

  it('runs on every push', () => {
    expect(ci.on).toHaveProperty('push');
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it("runs the README's test command on Linux, after installing every package .ci/run installs", () => {
    const readmeCommand = /## Test it\s+```sh\n([^\n]+)\n```/.exec(read('README.md'))?.[1];
    expect(readmeCommand).toBe('npm test');
    const linux = ci.jobs.linux;
    expect(linux?.['runs-on']).toMatch(/^ubuntu-/);
    expect(runs(linux)).toMatch(/^xvfb-run --auto-servernum npm test$/m);
    const ciRun = read('.ci/run');
    const packages = (text: string) =>
      new Set(/apt-get install -y -qq --no-install-recommends \\\n([\s\S]*?)(?:>\/dev\/null|\n(?! )|$)/.exec(text)?.[1]?.split(/[\s\\]+/).filter(Boolean) ?? []);
    const wanted = packages(ciRun);
    expect(wanted.size).toBeGreaterThan(5);
    const installed = packages(runs(linux));
    for (const pkg of wanted) expect(installed.has(pkg), pkg).toBe(true);
    expect(runs(linux)).toContain('npm ci');
  });

  it('type-checks, unit-tests and runs the Electron specs with the real binary on macOS and Windows', () => {
    const desktop = ci.jobs.desktop;
    expect(desktop?.strategy?.matrix.os?.map((os) => os.split('-')[0]).sort()).toEqual(['macos', 'windows']);
    const script = runs(desktop);
    expect(script).toContain('tsc --noEmit -p tsconfig.json');
    expect(script).toContain('vitest run test/unit');
    expect(script).toContain('npm run test:electron');
    // No ELECTRON_SKIP_BINARY_DOWNLOAD: these runners download Electron, so the specs really run.
    expect(read('.github/workflows/ci.yml')).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
  });
});

describe('release.yml', () => {
  const release = load('.github/workflows/release.yml');
  const text = read('.github/workflows/release.yml');

  it('runs on version tags only, and checks the tag against package.json', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(runs(release.jobs.check)).toContain(`require('./package.json').version`);
  });

  it('builds AppImage + deb, dmg for x64 and arm64, and nsis, publishing to the release', () => {
    const include = release.jobs.build?.strategy?.matrix.include ?? [];
    expect(include.map((i) => [i.os.split('-')[0], i.args])).toEqual([
      ['ubuntu', '--linux AppImage deb'],
      ['macos', '--mac dmg --x64 --arm64'],
      ['windows', '--win nsis'],
    ]);
    expect(runs(release.jobs.build)).toContain('electron-builder --config build/electron-builder.config.cjs ${{ matrix.args }} --publish always');
    expect(text).toContain('release/latest*.yml');
    expect(runs(release.jobs.publish)).toContain('gh release edit "$GITHUB_REF_NAME" --draft=false');
    expect(release.permissions).toEqual({ contents: 'write' });
  });

  it('signs and notarizes only from repository secrets, and says when a build is unsigned', () => {
    const env = release.jobs.build?.steps.find((s) => s.run?.includes('electron-builder'))?.env ?? {};
    for (const name of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
      expect(env[name], name).toMatch(/^\$\{\{ .*secrets\.[A-Z_]+.* \}\}$/);
    }
    expect(env.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(runs(release.jobs.build)).toContain('this installer is NOT signed');
  });
});
