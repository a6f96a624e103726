import { currentContext } from '@org/core';
import type { ProxyClient } from '@org/proxy-client';
import { StatefulProxyClient } from '@org/proxy-client';
import type { ClientFactory } from '../components/clientFactory';

/**
 * How backend sessions map to client sessions:
 * - `per-session`: one backend session per client session, reused by its requests and closed
 *   with it. What a direct connection would be; clients are isolated from each other.
 * - `per-request`: a fresh backend session for every request (FastMCP's default). Isolated,
 *   but each request pays a connection and an initialize, and backend state never persists.
 *   No backend session outlives a request, so resource subscriptions are refused (and not
 *   announced), and a backend `list_changed` arrives only while a request is in flight: the
 *   list cache stays fresh by its TTL.
 * - `shared`: one backend session for every client. Cheapest; only for stateless backends,
 *   since clients share the backend's state. Unless the base client names its capabilities,
 *   the backend is told everything the proxy can route (`capabilities: 'routable'`), and each
 *   of its requests is checked against the client it goes to (refused, naming the capability
 *   and the client, when that client lacks it). A client's roots change is not passed on: the
 *   backend session serves many clients.
 */
export type SessionStrategy = 'per-session' | 'per-request' | 'shared';

/** The strategies, for validation and help texts. */
export const SESSION_STRATEGIES: readonly SessionStrategy[] = [
  'per-session',
  'per-request',
  'shared',
];

/** A client factory implementing a strategy over a base client, and how to release it. */
export interface StrategyFactory {
  /** The factory to hand a proxy provider. */
  factory: ClientFactory;
  /** Closes every backend session the strategy opened. */
  dispose(): Promise<void>;
}

/**
 * Builds the client factory of a strategy. For `per-session`, calls outside a client request
 * (a programmatic list, say) use the base client's own session.
 */
export function strategyFactory(base: ProxyClient, strategy: SessionStrategy): StrategyFactory {
  switch (strategy) {
    case 'per-session': {
      const stateful =
        base instanceof StatefulProxyClient
          ? base
          : new StatefulProxyClient(base.connector, base.options);
      return {
        factory: () => (currentContext() ? stateful.newStateful() : stateful),
        dispose: async () => {
          await stateful.dispose();
          if (stateful !== base) await base.dispose();
        },
      };
    }
    case 'per-request':
      return { factory: () => base.new({ closeWhenIdle: true }), dispose: () => base.dispose() };
    case 'shared':
      // One backend session serves every client: announce what the proxy can route to any of
      // them (each request is checked against its own client), not the first client's set.
      if (base.options.capabilities === undefined) base.announceByDefault('routable');
      return { factory: () => base, dispose: () => base.dispose() };
  }
}
