import type { McpConfig } from './types';

/**
 * What error messages call a config no file or source was recorded for: one built in code (or
 * copied from a loaded one).
 */
export const IN_CODE_CONFIG_SOURCE = 'config (built in code)';

// The source each config returned by parseMcpConfig (and so loadMcpConfig) was read from. A
// WeakMap rather than a property: the config stays the plain JSON-shaped object it documents.
const sources = new WeakMap<McpConfig, string>();

/** Records what messages about `config` call it (its file, as the user named it). Internal. */
export function rememberConfigSource(config: McpConfig, source: string): void {
  sources.set(config, source);
}

/**
 * The source a config was read from (its file, as the user named it), as `parseMcpConfig` and
 * `loadMcpConfig` recorded it; `undefined` for a config they did not return.
 */
export function recordedConfigSource(config: McpConfig): string | undefined {
  return sources.get(config);
}

// The file each config returned by loadMcpConfig was read from, as the user named it.
const files = new WeakMap<McpConfig, string>();

/** Records the file `config` was read from. Internal. */
export function rememberConfigFile(config: McpConfig, file: string): void {
  files.set(config, file);
}

/** The file a config was read from by `loadMcpConfig`; `undefined` for any other config. */
export function recordedConfigFile(config: McpConfig): string | undefined {
  return files.get(config);
}
