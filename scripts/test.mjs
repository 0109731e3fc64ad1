#!/usr/bin/env node
// `npm test`: everything that must be green before a change lands, in order, then one closing
// line with the counts. Type-check and lint, the GitHub Actions workflows (action-validator),
// unit + integration tests (vitest: real sandbox over
// loopback, real SQLite files, a private real keychain), the production builds, then end-to-end
// specs in Debian's Chromium against the browser mode, and the Electron end-to-end specs where
// an Electron binary exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, '.tmp', 'test-results');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const counts = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`--- ${label}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`);
  if (!ok) failures.push(label);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

run('type-check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
run('type-check (e2e specs)', bin('tsc'), ['--noEmit', '-p', 'test/e2e/tsconfig.json']);
run('svelte-check', bin('svelte-check'), ['--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings', '--output', 'human']);
run('lint', bin('eslint'), ['.']);

// Each workflow file is one test: valid for GitHub Actions, or failed with the validator's words.
console.log('\n=== GitHub Actions workflows (action-validator) ===');
try {
  const { validateWorkflows } = await import('./validate-workflows.mjs');
  const workflows = validateWorkflows();
  if (workflows.length === 0) failures.push('no workflow files');
  for (const { file, errors } of workflows) {
    console.log(`${errors.length ? '✗' : '✓'} ${file}`);
    for (const error of errors) console.log(`    ${error.title}: ${error.detail ?? ''}`);
    if (errors.length) counts.failed++;
    else counts.passed++;
  }
} catch (error) {
  console.log(`--- workflows: FAILED (${error instanceof Error ? error.message : error})`);
  failures.push('workflow validation');
}

const vitestJson = path.join(tmp, 'vitest.json');
run('unit + integration (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  counts.passed += vitest.numPassedTests ?? 0;
  counts.failed += vitest.numFailedTests ?? 0;
  counts.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
} else if (!failures.includes('unit + integration (vitest)')) {
  failures.push('vitest report missing');
}

run('build (renderer + electron bundles)', 'npm', ['run', '--silent', 'build']);

function playwright(label, config, jsonName) {
  const file = path.join(tmp, jsonName);
  run(label, bin('playwright'), ['test', '--config', config, '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
  });
  const report = readJson(file);
  if (!report) {
    failures.push(`${label} report missing`);
    return;
  }
  const stats = report.stats ?? {};
  counts.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  counts.failed += stats.unexpected ?? 0;
  counts.skipped += stats.skipped ?? 0;
}
playwright('end to end (Chromium, browser mode)', 'playwright.config.ts', 'e2e.json');
if (existsSync(path.join(root, 'playwright.electron.config.ts'))) {
  playwright('desktop end to end (Electron)', 'playwright.electron.config.ts', 'electron.json');
}

console.log('');
if (failures.length) console.log(`Failed steps: ${failures.join(', ')}`);
if (counts.skipped) console.log('Skipped tests did not run and are not counted as passed (see their reasons above).');
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failures.length || counts.failed ? 1 : 0);
