import type { mcp } from '@org/proxy';

interface Waiter {
  from: number;
  predicate: (notification: mcp.ServerNotification) => boolean;
  resolve: (notification: mcp.ServerNotification) => void;
}

/** The notifications the scripted client received, in order, and a way to await one. */
export class Inbox {
  readonly #items: mcp.ServerNotification[] = [];
  #waiters: Waiter[] = [];

  /** Records a notification and wakes whoever waits for it. */
  push(notification: mcp.ServerNotification): void {
    this.#items.push(notification);
    const index = this.#items.length - 1;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (index < waiter.from || !waiter.predicate(notification)) return true;
      waiter.resolve(notification);
      return false;
    });
  }

  /** A position in the inbox: what arrives later is after it. */
  mark(): number {
    return this.#items.length;
  }

  /** The notifications of `method` received since `mark`. */
  since(mark: number, method: mcp.ServerNotification['method']): mcp.ServerNotification[] {
    return this.#items.slice(mark).filter((item) => item.method === method);
  }

  /**
   * The first notification since `mark` that `predicate` accepts, waiting for it up to
   * `timeoutMs`.
   * @throws Error naming `what` when none arrives in time
   */
  async waitFor(
    mark: number,
    what: string,
    predicate: (notification: mcp.ServerNotification) => boolean,
    timeoutMs = 5000,
  ): Promise<mcp.ServerNotification> {
    const found = this.#items.slice(mark).find(predicate);
    if (found) return found;
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    const arrived = new Promise<mcp.ServerNotification>((resolve) => {
      waiter = { from: mark, predicate, resolve };
      this.#waiters.push(waiter);
    });
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`No ${what} arrived within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([arrived, timedOut]);
    } finally {
      clearTimeout(timer);
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
    }
  }
}
