import type { Logger } from '../logger';

/** A session as the registry sees it. */
export interface RegisteredSession {
  /** Closes the session (its transport); the session removes itself from the registry. */
  close(): Promise<void>;
  /** Whether a request is in flight or a stream is open (never idle then). */
  readonly busy: boolean;
  /** When the session was last active, in ms since the epoch. */
  readonly lastActive: number;
}

/** Options of {@link SessionRegistry}. */
export interface SessionRegistryOptions {
  /** Close sessions idle for this long; 0 disables. */
  idleTimeoutMs: number;
  /** Where idle closes are reported. */
  logger: Logger;
}

/**
 * The open sessions of one kind, by session id, with the idle timeout: one unref'd sweep timer
 * runs while sessions exist, so a request costs no timer work at all.
 */
export class SessionRegistry<S extends RegisteredSession> {
  readonly #sessions = new Map<string, S>();
  readonly #idleTimeoutMs: number;
  readonly #logger: Logger;
  #sweep: NodeJS.Timeout | undefined;

  /** @param options - idle timeout and logger */
  constructor(options: SessionRegistryOptions) {
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#logger = options.logger;
  }

  /** The number of open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session with this id, if open. */
  get(sessionId: string): S | undefined {
    return this.#sessions.get(sessionId);
  }

  /** Registers an open session. */
  add(sessionId: string, session: S): void {
    this.#sessions.set(sessionId, session);
    if (this.#idleTimeoutMs > 0 && this.#sweep === undefined) {
      const every = Math.min(Math.max(Math.floor(this.#idleTimeoutMs / 4), 10), 60_000);
      this.#sweep = setInterval(this.#closeIdle, every);
      this.#sweep.unref();
    }
  }

  /** Forgets a session (after it closed). */
  delete(sessionId: string): void {
    this.#sessions.delete(sessionId);
    if (this.#sessions.size === 0) this.#stopSweep();
  }

  /** Closes every session and stops the sweep. */
  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#stopSweep();
    await Promise.allSettled(sessions.map((session) => session.close()));
  }

  #stopSweep(): void {
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  readonly #closeIdle = (): void => {
    const threshold = Date.now() - this.#idleTimeoutMs;
    for (const [sessionId, session] of this.#sessions) {
      if (session.busy || session.lastActive > threshold) continue;
      this.#logger.info(`Closing idle session: ${sessionId.slice(0, 8)}`);
      this.delete(sessionId);
      session
        .close()
        .catch((error: unknown) => this.#logger.warn('Closing an idle session failed', error));
    }
  };
}
