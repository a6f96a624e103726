import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The entry script of `@modelcontextprotocol/server-everything`, a real third-party backend. */
export function everythingServerScript(): string {
  const manifest = require.resolve('@modelcontextprotocol/server-everything/package.json');
  return path.join(path.dirname(manifest), 'dist', 'index.js');
}

/** A stdio command spec that starts server-everything with this Node binary. */
export function everythingStdioCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [everythingServerScript(), 'stdio'] };
}
