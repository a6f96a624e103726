import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

function mergeSection(a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return b;
  const merged: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [key, value] of Object.entries(b as Record<string, unknown>)) {
    const current = merged[key];
    merged[key] =
      typeof value === 'boolean' && typeof current === 'boolean'
        ? current || value
        : mergeSection(current, value);
  }
  return merged;
}

/** The union of two sets of server capabilities (a flag is on when either has it on). */
export function mergeCapabilities(
  a: ServerCapabilities,
  b: ServerCapabilities,
): ServerCapabilities {
  return mergeSection(a, b) as ServerCapabilities;
}
