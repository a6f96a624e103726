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
 *   since clients share the backend's state and server-to-client requests go to whichever
 *   client request is the latest in flight.
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
      return { factory: () => base, dispose: () => base.dispose() };
  }
}
