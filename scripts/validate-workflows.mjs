#!/usr/bin/env node
// Validates every GitHub Actions workflow under .github/workflows with action-validator (the
// published workflow JSON schema plus GitHub's own rules, compiled to WebAssembly: it runs from
// the npm package, nothing is downloaded). `npm test` counts one test per workflow file.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as actionValidator from '@action-validator/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every workflow file with the validator's errors (none when it is valid). */
export function validateWorkflows(dir = path.join(root, '.github', 'workflows')) {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const result = actionValidator.validateWorkflow(readFileSync(file, 'utf8'));
      return { file: path.relative(root, file), errors: result.errors };
    });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = validateWorkflows();
  for (const { file, errors } of results) {
    console.log(`${errors.length ? '✗' : '✓'} ${file}`);
    for (const error of errors) console.log(`    ${error.title}: ${error.detail ?? ''} ${'path' in error ? error.path : ''}`);
  }
  if (results.length === 0) console.log('no workflow files found');
  process.exit(results.length === 0 || results.some((r) => r.errors.length) ? 1 : 0);
}
