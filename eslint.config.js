import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'generated/', 'coverage/', '.tmp/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The unit, sandbox and CLI tiers run their files one after another in shared workers (vitest.config.ts,
    // isolate: false): a test may not leave behind what the next file sees. vi.stubEnv, vi.stubGlobal and vi.spyOn
    // are undone after each test (unstubEnvs, unstubGlobals, restoreMocks); these are not.
    files: ['test/**/*.ts'],
    ignores: ['test/support/global-setup.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['mock', 'doMock', 'useFakeTimers'].map((property) => ({
          object: 'vi',
          property,
          message: 'test files share workers (isolate: false): no module mocks or fake timers (inject a clock instead)',
        })),
        { object: 'process', property: 'chdir', message: 'test files share workers (isolate: false): pass a cwd instead' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "AssignmentExpression > MemberExpression.left[object.type='MemberExpression'][object.property.name='env']",
          message: 'test files share workers (isolate: false): vi.stubEnv, which is undone after the test, not process.env',
        },
        {
          selector: "UnaryExpression[operator='delete'] > MemberExpression[object.property.name='env']",
          message: 'test files share workers (isolate: false): vi.stubEnv, which is undone after the test, not process.env',
        },
      ],
    },
  },
);
