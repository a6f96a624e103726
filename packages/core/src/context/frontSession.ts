import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type {
  ClientCapabilities,
  Implementation,
  LoggingLevel,
  ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';

/** The severity order of MCP log levels, lowest first. */
export const LOG_LEVELS: readonly LoggingLevel[] = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
];

let sessionCounter = 0;

/**
 * One client session of a {@link ProviderServer}: the client connected to the server (the
 * "front" in a proxy), its capabilities, its log level and what it owns. Everything registered
 * with {@link FrontSession.onClose} is released when the session ends.
 */
export class FrontSession {
  /** A process-unique id (the transport's session id when it has one). */
  readonly id: string;
  /** The SDK low-level server serving this session. */
  readonly server: Server;
  /** Per-session state that providers and tools may keep. Cleared when the session closes. */
  readonly state = new Map<unknown, unknown>();
  /** The resource URIs this session subscribed to. */
  readonly subscriptions = new Set<string>();
  /** Whether the session finished initializing (notifications may be sent). */
  initialized = false;
  /** The capabilities the server announced to this session at initialize. */
  serverCapabilities: ServerCapabilities = {};
  #logLevel: LoggingLevel | undefined;
  #closed = false;
  #closeCallbacks: Array<() => unknown> = [];

  /**
   * @param server - the SDK server of this session
   * @param transportSessionId - the transport's session id, when it has one
   */
  constructor(server: Server, transportSessionId?: string) {
    sessionCounter += 1;
    this.id = transportSessionId ?? `session-${sessionCounter}`;
    this.server = server;
  }

  /** The capabilities the client declared at initialize (empty before). */
  get clientCapabilities(): ClientCapabilities {
    return this.server.getClientCapabilities() ?? {};
  }

  /** The client's name and version, once initialized. */
  get clientInfo(): Implementation | undefined {
    return this.server.getClientVersion();
  }

  /** The minimum level the client asked for with `logging/setLevel`, if it did. */
  get logLevel(): LoggingLevel | undefined {
    return this.#logLevel;
  }

  /** Records the level the client asked for. */
  setLogLevel(level: LoggingLevel): void {
    this.#logLevel = level;
  }

  /** Whether a message at `level` passes the client's threshold. */
  wantsLog(level: LoggingLevel): boolean {
    if (!this.#logLevel) return true;
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.#logLevel);
  }

  /** Whether the session has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `callback` when the session ends (at once if it already has). Returns a function that
   * unregisters it.
   */
  onClose(callback: () => unknown): () => void {
    if (this.#closed) {
      void Promise.resolve().then(callback);
      return () => {};
    }
    this.#closeCallbacks.push(callback);
    return () => {
      this.#closeCallbacks = this.#closeCallbacks.filter((c) => c !== callback);
    };
  }

  /**
   * Marks the session closed and runs its close callbacks, last registered first. Errors of
   * callbacks are collected, never thrown: one failing release must not stop the others.
   * @internal
   */
  async markClosed(): Promise<unknown[]> {
    if (this.#closed) return [];
    this.#closed = true;
    const callbacks = this.#closeCallbacks.reverse();
    this.#closeCallbacks = [];
    const errors: unknown[] = [];
    for (const callback of callbacks) {
      try {
        await callback();
      } catch (error) {
        errors.push(error);
      }
    }
    this.state.clear();
    return errors;
  }
}
