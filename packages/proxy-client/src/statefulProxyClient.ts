import { type FrontSession, requireContext } from '@org/core';
import { ProxyError, ProxyErrorCode } from '@org/transports';
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
  readonly #clients = new Map<FrontSession, { client: ProxyClient; release: () => void }>();

  /**
   * The backend client of the current client session, made on first use.
   * @throws ProxyError `NO_CONTEXT` outside a client request, `CLOSED` when its session has ended
   */
  newStateful(): ProxyClient {
    const session = requireContext('StatefulProxyClient.newStateful').session;
    const existing = this.#clients.get(session);
    if (existing) return existing.client;
    if (session.closed) {
      throw new ProxyError(ProxyErrorCode.Closed, `Client session has ended: ${session.id}`);
    }
    // A plain client: the per-session client keeps no sessions of its own.
    const client = this.copyAs(ProxyClient, { closeWhenIdle: false });
    client.bindSession(session);
    const release = session.onClose(async () => {
      if (this.#clients.get(session)?.client === client) this.#clients.delete(session);
      await client.close();
    });
    this.#clients.set(session, { client, release });
    return client;
  }

  /** How many client sessions have a backend client. */
  get size(): number {
    return this.#clients.size;
  }

  /** Closes every backend client; a client session that makes another request gets a new one. */
  async clear(): Promise<void> {
    const entries = [...this.#clients.values()];
    this.#clients.clear();
    for (const entry of entries) entry.release();
    await Promise.allSettled(entries.map((entry) => entry.client.close()));
  }

  /** Closes every backend client, then the connector. */
  override async dispose(): Promise<void> {
    await this.clear();
    await super.dispose();
  }
}
