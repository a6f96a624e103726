import type { Context } from '@org/core';

/**
 * The client requests a proxy client's backend requests are serving, in the order they started,
 * and the notifications still being forwarded to each. A backend connection outlives the
 * request that opened it, so this, not the async context of the connection, says where the
 * backend's traffic goes.
 * @internal
 */
export class InFlightRequests {
  readonly #contexts: Context[] = [];
  readonly #forwards = new Map<Context, Set<Promise<unknown>>>();

  /** Records that a backend request serving `front` started. */
  enter(front: Context): void {
    this.#contexts.push(front);
  }

  /**
   * Records that a backend request serving `front` ended, once the notifications forwarded to
   * `front` meanwhile are sent: a backend's last progress or log message, which arrives just
   * before its answer, then reaches the client before the answer does.
   */
  async leave(front: Context): Promise<void> {
    const forwards = this.#forwards.get(front);
    if (forwards?.size) await Promise.allSettled([...forwards]);
    const index = this.#contexts.lastIndexOf(front);
    if (index >= 0) this.#contexts.splice(index, 1);
    if (!this.#contexts.includes(front)) this.#forwards.delete(front);
  }

  /** The latest client request still being handled, if any. */
  latest(): Context | undefined {
    for (let i = this.#contexts.length - 1; i >= 0; i--) {
      const context = this.#contexts[i]!;
      if (context.active) return context;
    }
    return undefined;
  }

  /** How many client sessions the client requests still being handled belong to. */
  activeSessions(): number {
    const sessions = new Set<unknown>();
    for (const context of this.#contexts) if (context.active) sessions.add(context.session);
    return sessions.size;
  }

  /** Counts `work` (forwarding a notification to `front`) as part of the request in flight. */
  track(front: Context | undefined, work: Promise<unknown>): void {
    if (!front || !this.#contexts.includes(front)) return;
    let forwards = this.#forwards.get(front);
    if (!forwards) {
      forwards = new Set();
      this.#forwards.set(front, forwards);
    }
    const set = forwards;
    set.add(work);
    void work.finally(() => set.delete(work)).catch(() => {});
  }
}
