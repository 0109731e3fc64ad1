// Lint rules that keep each room of the house in its place (STYLE.md "Code that says where it runs").
import svelte from 'eslint-plugin-svelte';
import tseslint from 'typescript-eslint';

const SHELL_FILES = ['electron/main.ts', 'electron/window.ts', 'electron/ipc.ts', 'electron/preload.ts'];

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
  {
    // DESIGN.md rule 1: only the four shell files import Electron.
    files: ['**/*.ts', '**/*.svelte', '**/*.js', '**/*.mjs'],
    ignores: SHELL_FILES,
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only the four shell files import electron (DESIGN.md rule 1).' }] }],
    },
  },
);
