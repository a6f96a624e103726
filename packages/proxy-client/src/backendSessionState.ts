import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { type FrontSession, LOG_LEVELS, runWithContext } from '@org/core';
import type { Logger } from '@org/transports';
import { failureMessage } from './backendErrors';

/**
 * One backend session as {@link BackendSessionState} sees it: something to send requests on.
 * @internal
 */
export interface BackendSessionHandle {
  /** Identifies the backend session (a new one after a reconnect). */
  readonly key: object;
  /** Whether the backend announced `logging`. */
  readonly logging: boolean;
  /** Sends one request whose answer is empty (`resources/subscribe`, `logging/setLevel`, ...). */
  send(method: string, params: Record<string, unknown>): Promise<void>;
}

/**
 * How a {@link BackendSessionState} reaches the backend through the client that owns it.
 * @internal
 */
export interface BackendSessionLink {
  /** The backend's name, for messages. */
  readonly name: string;
  /** Where restoring failures and releases that fail are reported. */
  readonly logger: Logger;
  /** The client session the client is bound to (`per-session`): its close closes the backend session. */
  readonly boundSession: FrontSession | undefined;
  /** Whether the client closes its backend session after each operation (`per-request`): nothing to keep. */
  readonly transient: boolean;
  /** Changes whenever the client is closed: a release that fails across a close is no news. */
  readonly generation: number;
  /**
   * Runs `work` as one operation of the client on its backend session: connecting first when
   * `connect`, else only when a session is open (nothing is run without one).
   */
  run(
    what: string,
    work: (session: BackendSessionHandle) => Promise<void>,
    connect: boolean,
  ): Promise<void>;
}

/** What a backend session was told, as far as the proxy knows. */
interface Applied {
  key: object;
  uris: Set<string>;
  level: LoggingLevel | undefined;
}

/** What {@link BackendSessionState.replay} restored on a new backend session. @internal */
export interface ReplayOutcome {
  /** The URIs subscribed to again. */
  subscribed: string[];
  /** The level set again, if any. */
  level: LoggingLevel | undefined;
  /** What could not be restored, with why. */
  failed: string[];
}

/** The most verbose of `levels` (the lowest in {@link LOG_LEVELS}), if any. */
function mostVerbose(levels: Iterable<LoggingLevel>): LoggingLevel | undefined {
  let best: LoggingLevel | undefined;
  for (const level of levels) {
    if (best === undefined || LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(best)) best = level;
  }
  return best;
}

/**
 * What the client sessions served by one backend client asked of its backend session, kept per
 * client session: the backend resources each subscribed to and the log level each set. One
 * per `ProxyClient` (see `ProxyClient.sessionState`); it outlives the client's backend
 * connections, so that a new backend session (after a crash, a restart or an expired session)
 * is told everything again before it is used.
 *
 * - A backend URI is subscribed to once, when a first client session wants it, and unsubscribed
 *   from when the last one that wanted it unsubscribes or closes.
 * - The backend's level is the most verbose level any client session set (`debug` wins over
 *   `error`). A client session that never set a level does not pull it down: the MCP default is
 *   that the server chooses, so such a session takes whatever the others asked for (each client
 *   session still gets only the messages at or above its own level, if it set one). When the
 *   sessions that set a level are gone, the backend keeps the last level it was sent: MCP has no
 *   way to unset it.
 * - Everything a client session asked for is released when it closes.
 *
 * Operations of client sessions that were not in a client request (a programmatic
 * subscription) count as one client session that never closes.
 *
 * @example
 * ```ts
 * // In a client request (a tool of the proxy, say):
 * const backend = new ProxyClient({ command: 'node', args: ['server.js'] });
 * await backend.sessionState.subscribe(requireContext().session, 'file:///log.txt');
 * backend.sessionState.subscriptions(); // ['file:///log.txt']
 * backend.sessionState.level; // the level sent to the backend, if any
 * ```
 */
export class BackendSessionState {
  readonly #link: BackendSessionLink;
  readonly #subscriptions = new Map<FrontSession | undefined, Set<string>>();
  readonly #levels = new Map<FrontSession | undefined, LoggingLevel>();
  readonly #watched = new Map<FrontSession, () => void>();
  #applied: Applied | undefined;
  #sessions = 0;
  #lock: Promise<void> = Promise.resolve();

  /** @internal */
  constructor(link: BackendSessionLink) {
    this.#link = link;
  }

  /** Every backend URI some client session is subscribed to, in the order first asked. */
  subscriptions(): string[] {
    const all = new Set<string>();
    for (const uris of this.#subscriptions.values()) for (const uri of uris) all.add(uri);
    return [...all];
  }

  /** The backend URIs one client session is subscribed to (`undefined`: outside client requests). */
  subscriptionsOf(session: FrontSession | undefined): string[] {
    return [...(this.#subscriptions.get(session) ?? [])];
  }

  /** Whether any client session is subscribed to anything. */
  get hasSubscriptions(): boolean {
    for (const uris of this.#subscriptions.values()) if (uris.size > 0) return true;
    return false;
  }

  /** The level the backend session should have: the most verbose any client session set. */
  get level(): LoggingLevel | undefined {
    return mostVerbose(this.#levels.values());
  }

  /** The level one client session set, if it did. */
  levelOf(session: FrontSession | undefined): LoggingLevel | undefined {
    return this.#levels.get(session);
  }

  /**
   * Subscribes `session` to the backend resource `uri`: the backend session is subscribed when
   * `session` is the first to want it. A failure leaves `session` unsubscribed.
   */
  async subscribe(session: FrontSession | undefined, uri: string): Promise<void> {
    const uris = this.#subscriptions.get(session) ?? new Set<string>();
    if (uris.has(uri)) return;
    uris.add(uri);
    this.#subscriptions.set(session, uris);
    this.#watch(session);
    try {
      await this.#link.run(`resources/subscribe ${uri}`, (s) => this.#sync(s, [uri], false), true);
    } catch (error) {
      uris.delete(uri);
      if (uris.size === 0) this.#subscriptions.delete(session);
      throw error;
    }
  }

  /**
   * Unsubscribes `session` from `uri`: the backend session is unsubscribed when no client
   * session wants the updates any more (without opening a backend session to say so: a new
   * one starts unsubscribed).
   */
  async unsubscribe(session: FrontSession | undefined, uri: string): Promise<void> {
    const uris = this.#subscriptions.get(session);
    if (!uris?.delete(uri)) return;
    if (uris.size === 0) this.#subscriptions.delete(session);
    await this.#link.run(`resources/unsubscribe ${uri}`, (s) => this.#sync(s, [uri], false), false);
  }

  /**
   * Records the level `session` asked for and sends the backend the most verbose level of all
   * client sessions when that changed. A client that closes its backend session after each
   * operation (`per-request`) keeps nothing: the level is just sent.
   */
  async setLevel(session: FrontSession | undefined, level: LoggingLevel): Promise<void> {
    if (this.#link.transient) {
      await this.#link.run('logging/setLevel', (s) => s.send('logging/setLevel', { level }), true);
      return;
    }
    this.#levels.set(session, level);
    this.#watch(session);
    await this.#link.run('logging/setLevel', (s) => this.#sync(s, [], true), true);
  }

  /**
   * Forgets what `session` asked for (it closed): unsubscribes the backend from what no other
   * client session wants and sends the new effective level. Failures are logged, never thrown.
   * The backend session of a client bound to `session` closes with it: nothing is sent then.
   */
  async release(session: FrontSession): Promise<void> {
    this.#watched.get(session)?.();
    this.#watched.delete(session);
    const uris = [...(this.#subscriptions.get(session) ?? [])];
    const hadLevel = this.#levels.delete(session);
    this.#subscriptions.delete(session);
    if (this.#link.boundSession === session || (uris.length === 0 && !hadLevel)) return;
    const generation = this.#link.generation;
    try {
      await this.#link.run(
        `releasing client session ${session.id}`,
        (s) => this.#sync(s, uris, hadLevel),
        false,
      );
    } catch (error) {
      const closed = generation !== this.#link.generation;
      this.#link.logger[closed ? 'debug' : 'warn'](
        `Backend ${this.#link.name}: cannot release what client session ${session.id} asked for: ${failureMessage(error)}`,
      );
    }
  }

  /**
   * Tells a new backend session everything: the effective level, then a subscription to every
   * URI some client session wants. Never throws: what fails is reported in the outcome (and
   * logged as a warning naming the backend), and is tried again by the next subscription or
   * level change that needs it. @internal
   */
  async replay(session: BackendSessionHandle): Promise<ReplayOutcome> {
    const outcome: ReplayOutcome = { subscribed: [], level: undefined, failed: [] };
    const again = this.#sessions > 0;
    this.#sessions += 1;
    await this.#exclusive(async () => {
      const applied: Applied = { key: session.key, uris: new Set(), level: undefined };
      this.#applied = applied;
      const level = this.level;
      if (level !== undefined && session.logging) {
        try {
          await session.send('logging/setLevel', { level });
          applied.level = level;
          outcome.level = level;
        } catch (error) {
          outcome.failed.push(`log level ${level}: ${failureMessage(error)}`);
        }
      }
      for (const uri of this.subscriptions()) {
        try {
          await session.send('resources/subscribe', { uri });
          applied.uris.add(uri);
          outcome.subscribed.push(uri);
        } catch (error) {
          outcome.failed.push(`subscription to ${uri}: ${failureMessage(error)}`);
        }
      }
    });
    if (outcome.failed.length > 0) {
      this.#link.logger.warn(
        `Backend ${this.#link.name}: cannot restore on its new session ${outcome.failed.join('; ')}`,
      );
    }
    if (again && (outcome.subscribed.length > 0 || outcome.level !== undefined)) {
      const parts = [
        ...(outcome.subscribed.length > 0
          ? [`${outcome.subscribed.length} resource subscription(s)`]
          : []),
        ...(outcome.level !== undefined ? [`log level ${outcome.level}`] : []),
      ];
      this.#link.logger.info(
        `Backend ${this.#link.name}: restored ${parts.join(' and ')} on its new session`,
      );
    }
    return outcome;
  }

  /** Releases `session`'s state when it closes (registered once per session). */
  #watch(session: FrontSession | undefined): void {
    if (!session || this.#watched.has(session) || session.closed) return;
    // Not awaited: a slow backend must not hold up the rest of the session's closing.
    this.#watched.set(
      session,
      session.onClose(() => {
        void this.release(session);
      }),
    );
  }

  /** Whether some client session wants `uri`. */
  #wanted(uri: string): boolean {
    for (const uris of this.#subscriptions.values()) if (uris.has(uri)) return true;
    return false;
  }

  /**
   * Brings the backend session in line with what client sessions want, for `uris` (and the
   * level, when `level`): subscribes to what is wanted and not yet subscribed, unsubscribes
   * from what is subscribed and no longer wanted, and sends the effective level when it changed.
   */
  #sync(session: BackendSessionHandle, uris: string[], level: boolean): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#applied?.key !== session.key) {
        this.#applied = { key: session.key, uris: new Set(), level: undefined };
      }
      const applied = this.#applied;
      for (const uri of uris) {
        const wanted = this.#wanted(uri);
        if (wanted && !applied.uris.has(uri)) {
          await session.send('resources/subscribe', { uri });
          applied.uris.add(uri);
        } else if (!wanted && applied.uris.has(uri)) {
          await session.send('resources/unsubscribe', { uri });
          applied.uris.delete(uri);
        }
      }
      const effective = this.level;
      if (level && effective !== undefined && effective !== applied.level && session.logging) {
        await session.send('logging/setLevel', { level: effective });
        applied.level = effective;
      }
    });
  }

  /** Runs `work` after every earlier one (never two at once), whatever they did. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work);
    // Made outside any client request: the promise kept would otherwise keep its context alive.
    this.#lock = runWithContext(undefined, () =>
      run.then(
        () => {},
        () => {},
      ),
    );
    return run;
  }
}
