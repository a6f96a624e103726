import { runWithContext } from '@org/core';
import type { Logger } from '@org/transports';
import { failureMessage } from './backendErrors';
import type { ReconnectOptions } from './proxyClientOptions';

/** The background reconnect policy when none is given. @internal */
export const RECONNECT_DEFAULTS: Required<ReconnectOptions> = {
  attempts: 8,
  initialDelayMs: 100,
  maxDelayMs: 5000,
};

/** What a {@link BackgroundReconnect} needs of the client it reconnects. @internal */
export interface ReconnectTarget {
  /** The backend's name, for messages. */
  readonly name: string;
  /** Where attempts that fail and giving up are reported. */
  readonly logger: Logger;
  /** Whether a reconnect is still wanted: no connection is open and there is state to restore. */
  needed(): boolean;
  /** Reopens the backend session as the lost one was opened. */
  reopen(): Promise<unknown>;
}

/**
 * Reopens a lost backend connection in the background, outside any client request: one
 * attempt at a time, on unref'd timers, the delay doubling from `initialDelayMs` to
 * `maxDelayMs`, at most `attempts` in a row (the count starts again once a connection stayed
 * up for `maxDelayMs`); `cancel()` (the client closing) stops it.
 * @internal
 */
export class BackgroundReconnect {
  readonly #target: ReconnectTarget;
  #timer: NodeJS.Timeout | undefined;
  /** Attempts since the last connection that stayed up for `maxDelayMs`. */
  #streak = 0;
  /** Bumped by `cancel()`: an attempt of an earlier epoch stops. */
  #epoch = 0;

  /** @param target - the client to reconnect */
  constructor(target: ReconnectTarget) {
    this.#target = target;
  }

  /** Bumped by each `cancel()`: what belongs to an earlier one is stale. */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * The connection, open since `openedAt`, was lost: schedules attempts under `policy` (none
   * when one is already scheduled).
   */
  start(policy: Required<ReconnectOptions>, openedAt: number | undefined): void {
    if (openedAt !== undefined && performance.now() - openedAt >= policy.maxDelayMs) {
      this.#streak = 0;
    }
    this.#schedule(policy);
  }

  /** Stops every attempt, scheduled or under way. */
  cancel(): void {
    this.#epoch += 1;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#streak = 0;
  }

  #schedule(policy: Required<ReconnectOptions>): void {
    if (this.#timer) return;
    const { name, logger } = this.#target;
    if (this.#streak >= policy.attempts) {
      logger.warn(
        `Backend ${name}: gave up reconnecting in the background after ${policy.attempts} attempts; resource subscriptions are restored by the next operation`,
      );
      return;
    }
    const delay = Math.min(policy.initialDelayMs * 2 ** this.#streak, policy.maxDelayMs);
    const epoch = this.#epoch;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt(epoch, policy);
    }, delay);
    this.#timer.unref();
  }

  async #attempt(epoch: number, policy: Required<ReconnectOptions>): Promise<void> {
    if (epoch !== this.#epoch || !this.#target.needed()) return;
    this.#streak += 1;
    try {
      // No client request's context: the session is reopened as it was opened.
      await runWithContext(undefined, () => this.#target.reopen());
    } catch (error) {
      if (epoch !== this.#epoch || !this.#target.needed()) return;
      this.#target.logger.warn(
        `Backend ${this.#target.name}: background reconnect ${this.#streak} of ${policy.attempts} failed: ${failureMessage(error)}`,
      );
      this.#schedule(policy);
    }
  }
}
