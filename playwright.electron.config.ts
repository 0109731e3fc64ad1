import { defineConfig } from '@playwright/test';

/**
 * The desktop end-to-end specs: the built app (`npm run build` first) launched by Playwright's
 * `_electron`. They need Electron's binary, which machines with ELECTRON_SKIP_BINARY_DOWNLOAD=1
 * do not have; there the specs are skipped and say so (a skip is never a pass).
 */
export default defineConfig({
  testDir: 'test/e2e-electron',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e-electron',
  globalSetup: './test/e2e-electron/global-setup.ts',
  reporter: [['list']],
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
});
