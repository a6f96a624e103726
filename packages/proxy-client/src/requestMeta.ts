import type { RequestMeta } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '@org/core';

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
 *
 * @example
 * ```ts
 * forwardableMeta({ progressToken: 7, 'example.com/trace': 'abc' });
 * // => { 'example.com/trace': 'abc' }
 * forwardableMeta({ progressToken: 7 }); // => undefined
 * ```
 */
export function forwardableMeta(
  meta: RequestMeta | undefined,
): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) if (!HOP_KEYS.has(key)) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Headers that belong to one hop and are never forwarded, even when named. */
const NEVER_FORWARDED =
  /^(host|content-length|content-type|connection|transfer-encoding|upgrade|te|keep-alive|expect|accept|proxy-.*|mcp-.*|last-event-id)$/i;

/** Whether a header may be forwarded at all (hop-by-hop and MCP transport headers never are). @internal */
export function isForwardableHeader(name: string): boolean {
  return !NEVER_FORWARDED.test(name);
}

/**
 * The headers named in `names` of the client request `front` came with over HTTP, to pass to
 * an HTTP backend when connecting. Returns `undefined` when none is named or present.
 * @internal
 */
export function forwardedHeaders(
  names: readonly string[] | undefined,
  front: Context | undefined,
): Record<string, string> | undefined {
  const source = front?.httpHeaders;
  if (!names?.length || !source) return undefined;
  const headers: Record<string, string> = {};
  const oauth = front?.authInfo?.extra?.oauth === true;
  for (const name of names) {
    if (NEVER_FORWARDED.test(name)) continue;
    if (oauth && name.toLowerCase() === 'authorization') {
      // MCP authorization spec: a token issued for this proxy must never reach a backend.
      throw new Error(
        'Refusing to forward the authorization header: the MCP authorization spec forbids token passthrough (the front token was issued for this proxy)',
      );
    }
    const value = source[name.toLowerCase()];
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
