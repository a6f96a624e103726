import { readFileSync } from 'node:fs';

const PACKAGE_NAME = '@org/proxy';

/** Reads `name` and `version` of a package.json, or nothing if it is not there. */
function readManifest(url: URL): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * The version of `@org/proxy`, read from its package.json: one level up from the built
 * `dist/cli.js`, two from the sources in `src/cli/`. `0.0.0` if it cannot be found.
 */
export function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json', '../../../package.json']) {
    const manifest = readManifest(new URL(relative, import.meta.url));
    if (manifest?.name === PACKAGE_NAME && typeof manifest.version === 'string') {
      return manifest.version;
    }
  }
  return '0.0.0';
}
