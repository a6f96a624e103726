import type { Context } from '@org/core';
import type { ProxyClient } from '@org/proxy-client';
import { ProxyError, ProxyErrorCode } from '@org/transports';

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
 * about to close. The backend session is subscribed once, by the first client session that
 * wants `uri` (several do under the `shared` strategy); the client's `sessionState` keeps who
 * wants what, releases it when a client session closes and subscribes a new backend session
 * again after a reconnect.
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
  await client.sessionState.subscribe(context?.session, uri);
}

/**
 * Unsubscribes a client session from a backend resource through `client`: the backend session
 * is unsubscribed when no client session it serves wants the updates any more.
 * @internal
 */
export async function unsubscribeBackend(
  client: ProxyClient,
  uri: string,
  context: Context | undefined,
): Promise<void> {
  await client.sessionState.unsubscribe(context?.session, uri);
}
