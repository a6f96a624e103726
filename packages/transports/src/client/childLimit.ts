import { ProxyError, ProxyErrorCode } from '../errors';
import type { ChildLease } from './childProcessTransport';
import type { StdioChild } from './stdioChild';

/** The most stdio child processes a proxy runs at once by default (see {@link ChildLimit}). */
export const DEFAULT_MAX_CHILDREN = 100;

/**
 * A limit on the stdio child processes running at once, shared by every connector given it
 * (`ConnectorOptions.childLimit`; `createProxy` makes one per proxy from its `maxChildren`).
 * A connection that would start a child beyond the limit is refused: `connect()` throws a
 * `BACKEND_UNAVAILABLE` {@link ProxyError} naming the backend and the limit, and nothing is
 * spawned. Reusing a kept-alive child takes no new place. A child's place is given back when
 * it exits (closed, crashed or killed), so sessions that end make room again.
 *
 * @example
 * ```ts
 * const childLimit = new ChildLimit(20);
 * const a = createConnector({ command: 'node', args: ['a.js'] }, { childLimit });
 * const b = createConnector({ command: 'node', args: ['b.js'] }, { childLimit });
 * // at most 20 children of a and b together
 * ```
 */
export class ChildLimit {
  /** The most children at once (`Infinity`: no limit). */
  readonly max: number;
  #running = 0;

  /**
   * @param max - the most children at once; `0` or `Infinity` for no limit
   * @throws {@link ProxyError} `INVALID_CONFIG` when `max` is not a whole number of 0 or more
   */
  constructor(max: number = DEFAULT_MAX_CHILDREN) {
    if (max === 0 || max === Number.POSITIVE_INFINITY) {
      this.max = Number.POSITIVE_INFINITY;
    } else if (Number.isSafeInteger(max) && max > 0) {
      this.max = max;
    } else {
      throw new ProxyError(ProxyErrorCode.InvalidConfig, `Invalid maxChildren: ${String(max)}`);
    }
  }

  /** The children running (or starting) now under this limit. */
  get running(): number {
    return this.#running;
  }

  /** Takes a place, or returns false when none is left. @internal */
  take(force = false): boolean {
    if (!force && this.#running >= this.max) return false;
    this.#running += 1;
    return true;
  }

  /** Gives a place back. @internal */
  give(): void {
    this.#running = Math.max(0, this.#running - 1);
  }
}

/**
 * One connector's places under a {@link ChildLimit}: a place is reserved when a connection
 * will spawn, held by the child's pid once it runs, and given back when the child exits (or
 * when the spawn never happened). Without a limit everything is a no-op. @internal
 */
export class ChildSlots {
  readonly #limit: ChildLimit | undefined;
  readonly #name: string;
  readonly #byPid = new Set<number>();

  /**
   * @param limit - the shared limit, if any
   * @param name - the backend's name, for the refusal
   */
  constructor(limit: ChildLimit | undefined, name: string) {
    this.#limit = limit;
    this.#name = name;
  }

  /**
   * Wraps a connection's lease: when it has no running child to reuse, reserves a place first.
   * @throws {@link ProxyError} `BACKEND_UNAVAILABLE` when the limit is reached
   */
  guard(lease: ChildLease): ChildLease {
    const limit = this.#limit;
    if (limit === undefined) return lease;
    const reuse = lease.child?.alive === true;
    if (!reuse && !limit.take()) {
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `Cannot start backend ${this.#name}: the proxy's limit of ${limit.max} child process${limit.max === 1 ? '' : 'es'} (maxChildren, --max-children) is reached; retry when a session ends`,
        { data: { maxChildren: limit.max, running: limit.running } },
      );
    }
    let reserved = !reuse;
    return {
      ...(lease.child ? { child: lease.child } : {}),
      spawned: (child: StdioChild) => {
        // A kept child that died between connect and start: the spawn takes a place anyway.
        if (!reserved) limit.take(true);
        reserved = false;
        this.#byPid.add(child.pid);
        lease.spawned(child);
      },
      release: async (child: StdioChild | undefined) => {
        if (reserved) limit.give();
        reserved = false;
        await lease.release(child);
        // Killed (not kept): free the place now rather than when the exit is reported.
        if (child !== undefined && !child.alive) this.exited(child.pid);
      },
    };
  }

  /** A child exited: its place is free again. */
  exited(pid: number): void {
    if (this.#byPid.delete(pid)) this.#limit?.give();
  }
}
