/** How a cancellable wait ended. */
export type WaitOutcome = 'cancelled' | 'finished';

/** What {@link CancellationLog.latest} reports. */
export type LatestOutcome = WaitOutcome | 'none' | 'still waiting';

/** Runs cancellable waits and remembers how the latest one ended, so a client can check. */
export class CancellationLog {
  #latest: Promise<WaitOutcome> | undefined;

  /** Waits until `signal` aborts (`cancelled`) or `ms` pass (`finished`). */
  wait(signal: AbortSignal, ms: number): Promise<WaitOutcome> {
    const outcome = new Promise<WaitOutcome>((resolve) => {
      if (signal.aborted) {
        resolve('cancelled');
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve('cancelled');
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve('finished');
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    this.#latest = outcome;
    return outcome;
  }

  /** How the latest wait ended, waiting up to `timeoutMs` for it to end. */
  async latest(timeoutMs: number): Promise<LatestOutcome> {
    if (!this.#latest) return 'none';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<'still waiting'>((resolve) => {
      timer = setTimeout(() => resolve('still waiting'), timeoutMs);
    });
    try {
      return await Promise.race([this.#latest, giveUp]);
    } finally {
      clearTimeout(timer);
    }
  }
}
