import { defineConfig, type Options } from 'tsup';

/** Options a package may set on top of the shared build. */
export interface BuildOptions {
  /** Entry points; they mirror the package's `exports` map. */
  entry: Record<string, string>;
}

/**
 * The one build every published package shares: ESM with declarations and source maps,
 * targeting Node 20. Dependencies stay external, so each package ships only its own code.
 */
export function defineBuild(options: BuildOptions) {
  const config: Options = {
    entry: options.entry,
    format: ['esm'],
    // The build tsconfig clears the `@org/source` condition: declarations must refer to
    // sibling packages by name, not inline their sources.
    tsconfig: 'tsconfig.build.json',
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    treeshake: true,
    splitting: true,
  };
  return defineConfig(config);
}
