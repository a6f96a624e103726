import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * Headers an HTTP backend connection takes from the client request each message is sent
 * for, at send time, rather than once when the connection opens: a connection shared by
 * several clients then sends each client's own credential with its own requests, never
 * another's.
 *
 * @example
 * ```ts
 * const requestHeaders: RequestHeaders = {
 *   names: ['authorization'],
 *   current: () => headersOfTheClientRequestBeingServed(),
 * };
 * await connector.connect({ requestHeaders });
 * ```
 */
export interface RequestHeaders {
  /** The names that may be taken (lower case); they are removed from a POST that has none. */
  names: readonly string[];
  /**
   * The values for the message being sent now: `undefined` when it serves no client request
   * (such a POST, and every GET and DELETE, keeps the connection's own headers).
   */
  current: () => Record<string, string> | undefined;
}

/**
 * Wraps `base` so that each POST carries the {@link RequestHeaders} of the client request it
 * is sent for. Names the target sets itself (`protectedNames`) are never changed.
 * @internal
 */
export function requestScopedFetch(
  base: FetchLike,
  request: RequestHeaders | undefined,
  protectedNames: ReadonlySet<string>,
): FetchLike {
  if (!request || request.names.length === 0) return base;
  const names = request.names
    .map((name) => name.toLowerCase())
    .filter((n) => !protectedNames.has(n));
  return (url, init) => {
    if ((init?.method ?? 'GET').toUpperCase() !== 'POST') return base(url, init);
    const values = request.current();
    if (values === undefined) return base(url, init);
    const headers = new Headers(init?.headers);
    for (const name of names) {
      const value = values[name];
      if (value === undefined) headers.delete(name);
      else headers.set(name, value);
    }
    return base(url, { ...init, headers });
  };
}
