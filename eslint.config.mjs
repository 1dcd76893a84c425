// typescript-eslint's recommended rules over the whole project; prettier owns the layout.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', '.dev/', 'bench/results/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are errors except deliberate `_` placeholders.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The CLI entry is CommonJS: it requires the bundle.
    files: ['bin/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests and the simulator read loosely typed JSON answers, requests and EMF records.
    files: ['test/**/*.ts', 'bench/**', 'lambda/simulator/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
