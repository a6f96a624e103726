import { createHash } from 'node:crypto';

/** What MCP clients accept as a tool name (Claude: 64 characters; some clients fewer). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The longest composed name, by default. */
export const MAX_TOOL_NAME_LENGTH = 64;

/**
 * The name `name` of server `namespace` gets in a composed proxy: `namespace_name` when that is
 * a name clients accept (`^[a-zA-Z0-9_-]{1,64}$`); otherwise the characters clients reject are
 * replaced by `_`, the name is cut to fit, and it ends with `_` and 8 hex digits of a hash of the
 * full name (deterministic, so it is stable, and names cleaned alike stay apart).
 */
export function composedName(
  namespace: string,
  name: string,
  maxLength = MAX_TOOL_NAME_LENGTH,
): string {
  const full = `${namespace}_${name}`;
  if (full.length <= maxLength && TOOL_NAME_PATTERN.test(full)) return full;
  // Cleaned or cut names end with a hash of the full name, so that two names cleaned alike
  // (`a b` and `a_b`) stay apart.
  const clean = full.replace(/[^a-zA-Z0-9_-]/g, '_');
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${clean.slice(0, Math.min(clean.length, maxLength - 9))}_${hash}`;
}

/** A namespace made from a server name: characters outside `[A-Za-z0-9_-]` become `_`. */
export function namespaceFor(serverName: string): string {
  const clean = serverName.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean.length > 0 ? clean : 'server';
}
