// Lint for the whole repository (run by `npm test`, before the unit tests). Formatting is
// Prettier's (.prettierrc.json); eslint-config-prettier turns off the rules that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.ci/', 'corpus/', 'runs/', 'screenshots/', 'sample-workspace/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // Unused names are errors, except deliberate ones spelled with a leading underscore.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Note intake refuses control characters and terminal escapes on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // An op without attributes is `{}` in the op table: "nothing here" is what it means.
    files: ['src/engine/ops.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
  {
    // `import x = require()` keeps the modules' own objects, which the guard patches.
    files: ['test/harness/network-guard.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
