import type { Context } from '@org/core';
import type { ProxyClient } from '@org/proxy-client';

/** How many client sessions want updates of each backend URI, per backend client. */
const subscribers = new WeakMap<ProxyClient, Map<string, number>>();

/**
 * Subscribes a client session to a backend resource through `client`. A backend session
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
