import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Logger, noopLogger } from '../logger';
import { ChildSlots } from './childLimit';
import { ChildProcessTransport, leaseChild } from './childProcessTransport';
import { assertConnectable } from './connectGuard';
import { type StdioChild, stdioTargetName } from './stdioChild';
import type {
  BackendConnector,
  ChildExitInfo,
  ConnectOptions,
  ConnectorOptions,
  StdioTarget,
} from './targets';

/**
 * Opens stdio connections to one command. Without `keepAlive` every connection runs its own
 * child, killed when the connection closes. With `keepAlive` the connector keeps at most one
 * idle child: a connection reuses it when it is alive (a dead one is replaced), a connection
 * opened while it is in use gets another child, and a closing connection's child becomes the
 * idle one when there is none (else it is killed). `close()` kills every child (with its
 * process group, on POSIX).
 */
export class StdioConnector implements BackendConnector {
  /** The target's `name`, else the command's base name. */
  readonly name: string;
  /** Always `stdio`. */
  readonly kind = 'stdio' as const;
  readonly #target: StdioTarget;
  readonly #options: ConnectorOptions;
  readonly #logger: Logger;
  readonly #children = new Set<StdioChild>();
  readonly #open = new Set<ChildProcessTransport>();
  readonly #slots: ChildSlots;
  #idle: StdioChild | undefined;
  #closed = false;

  /**
   * @param target - the command to run
   * @param options - logger, stderr sink, kill grace period, exit callback
   */
  constructor(target: StdioTarget, options: ConnectorOptions = {}) {
    this.#target = target;
    this.name = stdioTargetName(target);
    this.#logger = options.logger ?? noopLogger;
    this.#slots = new ChildSlots(options.childLimit, this.name);
    this.#options = { ...options, onExit: (exit) => this.#onExit(exit, options) };
  }

  /** Names the backend and its command; never its arguments or environment. */
  describe(): string {
    return `stdio backend ${this.name}: ${this.#target.command}`;
  }

  /** A new, not yet started transport; starting it spawns a child or takes the idle one. */
  async connect(options: ConnectOptions = {}): Promise<Transport> {
    assertConnectable(this.name, this.#closed, options.signal);
    const transport = new ChildProcessTransport(this.#target, {
      ...this.#options,
      signal: options.signal,
    });
    const idle = this.#takeIdle();
    // Throws, spawning nothing, when a new child would exceed the shared childLimit.
    const lease = this.#slots.guard({
      child: idle,
      spawned: (child) => this.#children.add(child),
      release: (child) => this.#release(transport, child),
    });
    leaseChild(transport, lease);
    this.#open.add(transport);
    return transport;
  }

  /** Closes open connections and kills every child, kept or in use. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#open].map((transport) => transport.close()));
    this.#idle = undefined;
    await Promise.all([...this.#children].map((child) => child.kill()));
    this.#children.clear();
  }

  #takeIdle(): StdioChild | undefined {
    const idle = this.#idle;
    this.#idle = undefined;
    if (!this.#target.keepAlive || !idle) return undefined;
    if (idle.alive) {
      this.#logger.debug(`Reusing backend ${this.name}: pid ${idle.pid}`);
      return idle;
    }
    this.#children.delete(idle);
    return undefined;
  }

  async #release(transport: ChildProcessTransport, child: StdioChild | undefined): Promise<void> {
    this.#open.delete(transport);
    if (!child) return;
    const keep = this.#target.keepAlive && !this.#closed && child.alive && !this.#idle;
    if (keep) {
      this.#idle = child;
      return;
    }
    await child.kill();
    this.#children.delete(child);
  }

  #onExit(exit: ChildExitInfo, options: ConnectorOptions): void {
    this.#slots.exited(exit.pid);
    for (const child of this.#children) {
      if (child.pid === exit.pid) this.#children.delete(child);
    }
    if (this.#idle?.pid === exit.pid) {
      this.#logger.info(`Kept backend ${this.name} exited; it restarts on the next connect`);
      this.#idle = undefined;
    }
    options.onExit?.(exit);
  }
}
