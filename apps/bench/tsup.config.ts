import { defineConfig } from 'tsup';

export default defineConfig({
  // The runner, the stdio echo backend it starts as a child process, and the child process that
  // hosts the proxy whose memory scenario 5 measures.
  entry: {
    run: 'src/run.ts',
    echoBackend: 'src/backends/echoBackend.ts',
    memoryChild: 'src/scenarios/memoryChild.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: false,
});
