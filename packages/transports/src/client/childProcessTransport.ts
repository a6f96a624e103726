import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import { type ChildAttachment, StdioChild, stdioTargetName } from './stdioChild';
import type { ConnectorOptions, StdioTarget } from './targets';

/** Options of {@link ChildProcessTransport}. */
export interface ChildProcessTransportOptions extends ConnectorOptions {
  /** Aborts starting the child; once it runs the signal is ignored. */
  signal?: AbortSignal;
}

/**
 * How a connector lends children to its connections (internal): an idle child to reuse, a hook
 * for a freshly spawned one, and who decides what happens to the child when the connection ends.
 */
export interface ChildLease {
  /** A running child to use instead of spawning one. */
  child?: StdioChild;
  /** Called with a child this connection spawned. */
  spawned(child: StdioChild): void;
  /** Called once when the connection is done with its child (alive or not); keeps or kills it. */
  release(child: StdioChild | undefined): Promise<void>;
}

type State = 'new' | 'starting' | 'open' | 'closed';

let setLease: (transport: ChildProcessTransport, lease: ChildLease) => void;

/**
 * Hands a transport a {@link ChildLease} before it starts. Internal: used by the stdio
 * connector for kept-alive children.
 */
export function leaseChild(transport: ChildProcessTransport, lease: ChildLease): void {
  setLease(transport, lease);
}

/**
 * An SDK client transport to a child process speaking MCP over stdio (newline-delimited JSON).
 * Unlike the SDK's `StdioClientTransport`, the child may outlive the connection: a
 * {@link BackendConnector} with `keepAlive` hands it to the next connection.
 *
 * On POSIX the child runs in a process group of its own, and ending it ends the whole group:
 * a server started through a wrapper (`npx`, `uvx`, `sh -c`) goes with the wrapper.
 *
 * Used on its own, `start()` spawns the child (rejecting with a `BackendUnavailable`
 * {@link ProxyError} when it cannot start) and `close()` ends it: stdin closed, SIGTERM to the
 * group, then SIGKILL to the group after `killGraceMs` if any of it still runs, resolving once
 * every process of the group has exited. A child that exits while the connection is open fires
 * `onerror` with a `BackendClosed` {@link ProxyError}, then `onclose` (and what it left of its
 * group is ended the same way). Children still alive when this process exits are killed with
 * their groups, including when SIGTERM, SIGINT or SIGHUP ends it (unless the application
 * handles that signal itself: then the shutdown is its business). A SIGKILL of this process
 * cannot be caught: a child then only sees its stdin close.
 *
 * @example
 * ```ts
 * const transport = new ChildProcessTransport({ command: 'node', args: ['server.js'], stderr: 'pipe' });
 * await client.connect(transport);
 * console.log(transport.pid, transport.stderrTail());
 * await client.close(); // the child is gone
 * ```
 */
export class ChildProcessTransport implements Transport {
  /** Called once when the connection closes, for whatever reason. */
  onclose?: () => void;
  /** Called on errors: unparsable output, a broken pipe, the child exiting. */
  onerror?: (error: Error) => void;
  /** Called with each message the child writes. */
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  static {
    setLease = (transport, lease) => {
      transport.#lease = lease;
    };
  }

  readonly #target: StdioTarget;
  readonly #options: ChildProcessTransportOptions;
  readonly #attachment: ChildAttachment;
  #lease: ChildLease | undefined;
  #child: StdioChild | undefined;
  #state: State = 'new';
  #starting: Promise<void> | undefined;
  #released = false;

  /**
   * @param target - the command to run and how
   * @param options - logger, stderr sink, kill grace period, abort signal
   */
  constructor(target: StdioTarget, options: ChildProcessTransportOptions = {}) {
    this.#target = target;
    this.#options = options;
    this.#attachment = {
      message: (message) => this.onmessage?.(message),
      error: (error) => this.onerror?.(error),
      exit: (error) => void this.#onChildExit(error),
    };
  }

  /** The backend's name: the target's `name`, else the command's base name. */
  get name(): string {
    return stdioTargetName(this.#target);
  }

  /** The child's process id, once started (kept after close). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The last ~8 KB the child wrote to stderr; empty unless the target's `stderr` is `pipe`. */
  stderrTail(): string {
    return this.#child?.stderrTail() ?? '';
  }

  /** Spawns the child (or takes over a kept one) and starts reading its output. */
  start(): Promise<void> {
    if (this.#state !== 'new') {
      return Promise.reject(
        new ProxyError(ProxyErrorCode.Internal, `Transport already started: ${this.name}`),
      );
    }
    this.#state = 'starting';
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    let child = this.#lease?.child;
    if (!child?.alive) {
      try {
        child = await StdioChild.spawn(this.#target, this.#options);
      } catch (error) {
        this.#state = 'closed';
        await this.#release(undefined);
        throw error;
      }
      this.#lease?.spawned(child);
    }
    this.#child = child;
    if (this.#state === 'closed') {
      await this.#release(child);
      throw new ProxyError(ProxyErrorCode.Closed, `Transport closed while starting: ${this.name}`);
    }
    this.#state = 'open';
    child.attach(this.#attachment);
  }

  /** Writes a message to the child's stdin. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#state !== 'open' || !this.#child) {
      throw new ProxyError(ProxyErrorCode.Closed, `Transport is not open: ${this.name}`);
    }
    await this.#child.send(message);
  }

  /**
   * Closes the connection. The child is killed (and awaited) unless a keep-alive connector
   * takes it back. Fires `onclose`.
   */
  async close(): Promise<void> {
    const previous = this.#state;
    if (previous === 'closed') return;
    this.#state = 'closed';
    if (previous === 'starting') {
      await this.#starting?.catch(() => {});
    } else {
      if (this.#child) this.#child.detach(this.#attachment);
      await this.#release(this.#child ?? this.#lease?.child);
    }
    this.onclose?.();
  }

  async #onChildExit(error: ProxyError): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    this.onerror?.(error);
    await this.#release(this.#child);
    this.onclose?.();
  }

  /** Gives the child back to the lease, or kills it; once. */
  async #release(child: StdioChild | undefined): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    if (this.#lease) await this.#lease.release(child);
    else await child?.kill();
  }
}
