import { createHash } from 'node:crypto';

/** What MCP clients accept as a tool name (Claude: 64 characters; some clients fewer). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The longest composed name, by default. */
export const MAX_TOOL_NAME_LENGTH = 64;

/**
 * The name `name` of server `namespace` gets in a composed proxy: `namespace_name`, with
 * characters clients reject replaced by `_`, and, when longer than `maxLength`, cut and ended
 * with `_` and 8 hex digits of a hash of the full name (deterministic, so it is stable).
 */
export function composedName(
  namespace: string,
  name: string,
  maxLength = MAX_TOOL_NAME_LENGTH,
): string {
  const full = `${namespace}_${name}`;
  const clean = full.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (clean.length <= maxLength && clean === full) return clean;
  if (clean.length <= maxLength) return clean;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${clean.slice(0, maxLength - 9)}_${hash}`;
}

/** A namespace made from a server name: characters outside `[A-Za-z0-9_-]` become `_`. */
export function namespaceFor(serverName: string): string {
  const clean = serverName.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean.length > 0 ? clean : 'server';
}
