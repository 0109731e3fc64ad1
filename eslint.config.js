// Lint rules that keep each room of the house in its place (STYLE.md "Code that says where it runs").
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

const SHELL_FILES = ['electron/main.ts', 'electron/window.ts', 'electron/ipc.ts', 'electron/preload.ts'];
/** Import specifiers that reach the shell or the browser-mode host from below. */
const SHELL_IMPORTS = ['**/main.ts', '**/window.ts', '**/ipc.ts', '**/preload.ts', '**/web-host.ts', '**/web-host-cli.ts'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', '.tmp/**', 'artifacts/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // DESIGN.md rules 1 and 6: only the four shell files import Electron, and layers point down.
  // common/ imports nothing of ours; core and sandbox import common/ only (never each other,
  // never the shell); the renderer imports common/ only. One block per folder, because a later
  // block's options replace an earlier one's for the same rule.
  layer(['**/*.ts', '**/*.svelte', '**/*.js', '**/*.mjs'], [], SHELL_FILES),
  layer(['electron/common/**'], [{ group: ['../*', '!./*'], message: 'electron/common imports nothing of ours (DESIGN.md rule 6).' }]),
  layer(['electron/core/**'], [
    { group: ['**/sandbox/*', '**/sandbox'], message: 'Core never imports the sandbox: the entry points hand the Desk a launcher (DESIGN.md rule 5).' },
    { group: SHELL_IMPORTS, message: 'Core never imports the shell or the web host (DESIGN.md rule 6).' },
    { group: ['**/renderer/**'], message: 'Core never imports the renderer (DESIGN.md rule 6).' },
  ]),
  layer(['electron/sandbox/**'], [
    { group: ['**/core/*', '**/core/**'], message: 'The sandbox is just another BillPro: it imports electron/common, never core (DESIGN.md rule 5).' },
    { group: SHELL_IMPORTS, message: 'The sandbox never imports the shell or the web host (DESIGN.md rule 6).' },
    { group: ['**/renderer/**'], message: 'The sandbox never imports the renderer (DESIGN.md rule 6).' },
  ]),
  layer(['renderer/**'], [
    { group: ['**/electron/core/**', '**/electron/sandbox/**', ...SHELL_IMPORTS], message: 'The renderer imports electron/common only (DESIGN.md rule 6).' },
  ]),
);

/** A `no-restricted-imports` block for one folder: the Electron ban plus that folder's layer rules. */
function layer(files, patterns, ignores = []) {
  return {
    files,
    ignores: [...SHELL_FILES, ...ignores],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only the four shell files import electron (DESIGN.md rule 1).' }], patterns },
      ],
    },
  };
}
