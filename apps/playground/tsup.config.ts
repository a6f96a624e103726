import { defineConfig } from 'tsup';

export default defineConfig({
  // The tour, and the backend it starts as a stdio child process.
  entry: { main: 'src/main.ts', stdioBackend: 'src/backends/stdioBackend.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: false,
});
