import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layersPlugin } from './eslint/layers.js';

export default tseslint.config(
  // src/hashing/assembly is AssemblyScript (WebAssembly types such as v128): asc type-checks it.
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'scratch/', 'src/hashing/assembly/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { layers: layersPlugin(fileURLToPath(new URL('./src', import.meta.url))) },
    rules: { 'layers/imports': 'error' },
  },
);
