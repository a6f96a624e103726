import { defineProject, mergeConfig } from 'vitest/config';
import { sharedVitestConfig } from '../../tooling/vitest.shared.ts';

export default mergeConfig(
  sharedVitestConfig,
  defineProject({ test: { name: '@org/bench', testTimeout: 60_000, hookTimeout: 60_000 } }),
);
