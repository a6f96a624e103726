import { defineConfig } from 'vitest/config';

/**
 * The vitest settings every package shares. Sibling packages resolve to their sources through
 * the `@org/source` export condition, so tests never need a prior build of a dependency.
 */
export const sharedVitestConfig = defineConfig({
  resolve: {
    conditions: ['@org/source', 'module', 'node', 'import', 'default'],
  },
  ssr: {
    resolve: {
      conditions: ['@org/source', 'module', 'node', 'import', 'default'],
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
