import type { Context } from '@org/core';
import type { ProxyClient } from '@org/proxy-client';
import { ProxyError, ProxyErrorCode } from '@org/transports';

/** How many client sessions want updates of each backend URI, per backend client. */
const subscribers = new WeakMap<ProxyClient, Map<string, number>>();

/**
 * Whether a backend client can hold a resource subscription: not when it closes its session as
 * soon as it is idle (the `per-request` strategy), since no update could ever arrive.
 * @internal
 */
export function holdsSubscriptions(client: ProxyClient): boolean {
  return client.options.closeWhenIdle !== true;
}

/**
 * Subscribes a client session to a backend resource through `client`. A client that closes its
 * backend session after each request (the `per-request` strategy) is refused with an error
 * saying which strategies support subscriptions, rather than subscribing a session that is
 * about to close. A backend session
 * serving several client sessions (the `shared` strategy) is subscribed once, by the first of
 * them; a session already subscribed to `uri` changes nothing.
 * @internal
 */
export async function subscribeBackend(
  client: ProxyClient,
  uri: string,
  exposedUri: string,
  context: Context | undefined,
): Promise<void> {
  if (!holdsSubscriptions(client)) {
    throw new ProxyError(
      ProxyErrorCode.Unsupported,
      `Cannot subscribe to ${exposedUri}: backend ${client.name} is reached with a new session per request (the per-request strategy), which closes before any update could arrive; use the per-session or shared strategy for resource subscriptions`,
    );
  }
  if (context?.session.subscriptions.has(exposedUri)) return;
  const counts = subscribers.get(client) ?? new Map<string, number>();
  subscribers.set(client, counts);
  const count = counts.get(uri) ?? 0;
  counts.set(uri, count + 1);
  if (count > 0) return;
  try {
    await client.subscribeResource(uri);
  } catch (error) {
    release(counts, uri);
    throw error;
  }
}

/**
 * Unsubscribes a client session from a backend resource through `client`: the backend session
 * is unsubscribed when no client session it serves wants the updates any more.
 * @internal
 */
export async function unsubscribeBackend(client: ProxyClient, uri: string): Promise<void> {
  const counts = subscribers.get(client);
  if (counts && release(counts, uri) > 0) return;
  await client.unsubscribeResource(uri);
}

function release(counts: Map<string, number>, uri: string): number {
  const left = (counts.get(uri) ?? 1) - 1;
  if (left > 0) counts.set(uri, left);
  else counts.delete(uri);
  return left;
}
