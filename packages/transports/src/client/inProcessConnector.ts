import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { errorMessage, ProxyError, ProxyErrorCode } from '../errors';
import { type Logger, noopLogger } from '../logger';
import { assertConnectable } from './connectGuard';
import type {
  BackendConnector,
  ConnectableServer,
  ConnectOptions,
  ConnectorOptions,
  InProcessTarget,
} from './targets';
import { whenClosed } from './whenClosed';

/**
 * Opens connections to a server in this process over a linked in-memory transport pair: the
 * server side is connected at once (after calling the factory, when `server` is one), the client
 * side is returned. Closing the client side closes the server side.
 */
export class InProcessConnector implements BackendConnector {
  /** The target's `name`, else `in-process`. */
  readonly name: string;
  /** Always `in-memory`. */
  readonly kind = 'in-memory' as const;
  readonly #target: InProcessTarget;
  readonly #logger: Logger;
  readonly #open = new Set<Transport>();
  #closed = false;

  /**
   * @param target - the server or server factory
   * @param options - the logger
   */
  constructor(target: InProcessTarget, options: ConnectorOptions = {}) {
    this.#target = target;
    this.name = target.name ?? 'in-process';
    this.#logger = options.logger ?? noopLogger;
  }

  /** Names the backend. */
  describe(): string {
    return `in-memory backend ${this.name}`;
  }

  /** Connects a fresh server side and returns the (not yet started) client side. */
  async connect(options: ConnectOptions = {}): Promise<Transport> {
    assertConnectable(this.name, this.#closed, options.signal);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    try {
      const server = await this.#server();
      assertConnectable(this.name, this.#closed, options.signal);
      await server.connect(serverSide);
    } catch (error) {
      await clientSide.close();
      if (error instanceof ProxyError) throw error;
      const reason = errorMessage(error);
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `Cannot connect in-process backend ${this.name}: ${reason}`,
        { cause: error },
      );
    }
    this.#open.add(clientSide);
    whenClosed(clientSide, () => this.#open.delete(clientSide));
    this.#logger.debug(`Connected ${this.describe()}`);
    return clientSide;
  }

  /** Closes the connections still open (and so their server sides). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#open].map((transport) => transport.close()));
  }

  #server(): ConnectableServer | Promise<ConnectableServer> {
    const server = this.#target.server;
    return typeof server === 'function' ? server() : server;
  }
}
