import type { RequestMeta } from '@modelcontextprotocol/sdk/types.js';

const HOP_KEYS = new Set([
  'progressToken',
  'io.modelcontextprotocol/related-task',
  'io.modelcontextprotocol/protocolVersion',
  'io.modelcontextprotocol/clientInfo',
  'io.modelcontextprotocol/clientCapabilities',
]);

/**
 * The part of a client request's `_meta` to pass to the backend: everything but what belongs
 * to one hop (the progress token, which the proxy replaces with its own, task and connection
 * keys). Returns `undefined` when nothing is left.
 */
export function forwardableMeta(
  meta: RequestMeta | undefined,
): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) if (!HOP_KEYS.has(key)) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}
