import { setMaxListeners } from 'node:events';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

const quieted = new WeakSet<AbortSignal>();

/**
 * Wraps a fetch so that the abort signal the SDK's HTTP transports share between all their
 * requests accepts any number of listeners. Node's fetch adds a listener per request and
 * releases it only at garbage collection, so a long-lived backend connection would print a
 * `MaxListenersExceededWarning` on every request past the 1,500th (on Node 20): the listeners
 * are not a leak, the warning is noise on a proxy's stderr.
 */
export function quietFetch(base: FetchLike = (url, init) => fetch(url, init)): FetchLike {
  return (url, init) => {
    const signal = init?.signal;
    if (signal && !quieted.has(signal)) {
      setMaxListeners(0, signal);
      quieted.add(signal);
    }
    return base(url, init);
  };
}
