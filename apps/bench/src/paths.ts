import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the benchmark finds the programs it starts and writes its results. */
export interface BenchPaths {
  /** The `apps/bench` directory. */
  appDir: string;
  /** The monorepo root. */
  rootDir: string;
  /** The stdio echo backend script. */
  echoBackend: string;
  /** The script of the child process hosting the proxy of the memory scenario. */
  memoryChild: string;
  /** The `org-mcp-proxy` CLI script of `@org/proxy`. */
  ourCli: string;
  /** The `mcp-proxy` CLI script of the npm peer. */
  mcpProxyCli: string;
  /** The `mcp-proxy` version installed. */
  mcpProxyVersion: string;
}

function binOf(
  require: NodeJS.Require,
  pkg: string,
  bin: string,
): { file: string; version: string } {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  const relative = manifest.bin[bin];
  if (!relative) throw new Error(`Package has no such bin: ${pkg} ${bin}`);
  return { file: path.join(path.dirname(manifestPath), relative), version: manifest.version };
}

/** Resolves the paths from the location of the built runner (`apps/bench/dist`). */
export function benchPaths(): BenchPaths {
  const distDir = path.dirname(fileURLToPath(import.meta.url));
  const appDir = path.dirname(distDir);
  const require = createRequire(path.join(appDir, 'package.json'));
  const ours = binOf(require, '@org/proxy', 'org-mcp-proxy');
  const peer = binOf(require, 'mcp-proxy', 'mcp-proxy');
  return {
    appDir,
    rootDir: path.resolve(appDir, '../..'),
    echoBackend: path.join(distDir, 'echoBackend.js'),
    memoryChild: path.join(distDir, 'memoryChild.js'),
    ourCli: ours.file,
    mcpProxyCli: peer.file,
    mcpProxyVersion: peer.version,
  };
}
