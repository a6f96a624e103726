import { createHash } from 'node:crypto';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

const serialised = new WeakMap<object, string>();

/**
 * The key telling apart backend sessions that may list different components: the client
 * capabilities announced to the backend (a backend may show some tools only to clients that
 * support sampling) and, when client headers are forwarded (a per-user token, say), a digest of
 * their values: two users never share a cached list. The digest is one-way, so the key is safe
 * to log or to store in a shared cache.
 *
 * @example
 * ```ts
 * cachePartitionKey({ sampling: {} }); // => '{"sampling":{}}'
 * const alice = cachePartitionKey({}, { authorization: 'Bearer alice' });
 * const bob = cachePartitionKey({}, { authorization: 'Bearer bob' });
 * // alice !== bob, and neither contains the token
 * ```
 */
export function cachePartitionKey(
  capabilities: ClientCapabilities,
  headers?: Record<string, string>,
): string {
  let key = serialised.get(capabilities);
  if (key === undefined) {
    key = JSON.stringify(capabilities);
    serialised.set(capabilities, key);
  }
  if (!headers || Object.keys(headers).length === 0) return key;
  const entries = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
  const digest = createHash('sha256')
    .update(JSON.stringify(entries))
    .digest('base64url')
    .slice(0, 22);
  return `${key}|${digest}`;
}
