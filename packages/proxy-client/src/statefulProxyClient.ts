import { type FrontSession, requireContext } from '@org/core';
import { ProxyClient } from './proxyClient';

/**
 * A proxy client that keeps one backend session per client session: hand
 * {@link StatefulProxyClient.newStateful} to a proxy as its client factory. The backend session
 * is opened on first use, reused by every request of the client session, closed when the client
 * session ends, and reopened after a failure (it never stays broken).
 *
 * @example
 * ```ts
 * const stateful = new StatefulProxyClient({ command: 'node', args: ['browser-server.js'] });
 * const proxy = new ProxyServer({ clientFactory: () => stateful.newStateful() });
 * ```
 */
export class StatefulProxyClient extends ProxyClient {
  readonly #clients = new Map<FrontSession, ProxyClient>();

  /**
   * The backend client of the current client session, made on first use.
   * @throws ProxyError `NO_CONTEXT` outside a client request
   */
  newStateful(): ProxyClient {
    const session = requireContext('StatefulProxyClient.newStateful').session;
    const existing = this.#clients.get(session);
    if (existing) return existing;
    const client = this.new({ closeWhenIdle: false });
    client.bindSession(session);
    this.#clients.set(session, client);
    session.onClose(async () => {
      this.#clients.delete(session);
      await client.close();
    });
    return client;
  }

  /** How many client sessions have a backend client. */
  get size(): number {
    return this.#clients.size;
  }

  /** Closes every backend client. */
  async clear(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  /** Closes every backend client, then the connector. */
  override async dispose(): Promise<void> {
    await this.clear();
    await super.dispose();
  }
}
