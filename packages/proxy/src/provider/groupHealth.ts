import { type ComponentKind, type Provider, runWithContext } from '@org/core';
import { errorMessage, type Logger, ProxyError, ProxyErrorCode } from '@org/transports';
import {
  type BackendHealth,
  type BackendHealthOptions,
  MemberHealth,
  resolveHealthOptions,
} from './backendHealth';

/** One backend of a group, as its health is kept (a `GroupMember`). @internal */
export interface HealthMember {
  /** The server's name in the config. */
  name: string;
  /** Its components. */
  provider: Provider;
}

type GroupMember = HealthMember;

/** What asking one backend gave: its answer, or why there is none (`skipped`: it was down). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; skipped: boolean };

/** What {@link raceDeadline} gives when the deadline passed first. @internal */
export const TIMED_OUT = Symbol('timedOut');

/** Waits for `work` up to `ms` milliseconds (forever when `ms` is undefined). @internal */
export async function raceDeadline<T>(
  work: Promise<T>,
  ms: number | undefined,
): Promise<T | typeof TIMED_OUT> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
    timer.unref();
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The kinds a backend that comes back may bring (`resource` stands for templates too). @internal */
export const RETURNING_KINDS: readonly ComponentKind[] = ['tool', 'resource', 'prompt'];

/**
 * The health of a group's backends: each attempt of an operation on a backend races the list
 * deadline; a backend that fails or misses it is marked down (one warning), skipped at once
 * while down, and retried in the background with exponential backoff; when it answers again
 * it is marked up and `onRecover` runs (the group tells its clients to list again). Outcomes
 * are ordered by when their attempts started, so an old answer never hides a newer failure.
 * @internal
 */
export class GroupHealth {
  /** How long each backend is waited for when all are asked at once, in milliseconds. */
  readonly listDeadlineMs: number;
  /** The delay before the first background retry of a backend that went down, in milliseconds. */
  readonly retryInitialMs: number;
  /** The longest delay between two background retries, in milliseconds. */
  readonly retryMaxMs: number;
  #members: readonly GroupMember[];
  readonly #logger: Logger;
  readonly #onRecover: () => void;
  readonly #health = new Map<GroupMember, MemberHealth>();
  /** Numbers attempts in the order they start (see `MemberHealth`). */
  #attempts = 0;
  #stopped = false;

  /**
   * @param members - the backends
   * @param logger - where failing and returning backends are reported
   * @param options - the deadline and the retry backoff
   * @param onRecover - runs when a backend that was down answers again
   * @throws ProxyError `INVALID_CONFIG` when an option is not a positive number of milliseconds
   */
  constructor(
    members: readonly GroupMember[],
    logger: Logger,
    options: BackendHealthOptions,
    onRecover: () => void,
  ) {
    const resolved = resolveHealthOptions(options);
    this.listDeadlineMs = resolved.listDeadlineMs;
    this.retryInitialMs = resolved.retryInitialMs;
    this.retryMaxMs = resolved.retryMaxMs;
    this.#members = members;
    this.#logger = logger;
    this.#onRecover = onRecover;
    for (const member of members) this.#health.set(member, new MemberHealth());
  }

  /** The health of every backend, in config order: a snapshot, for readiness checks and the like. */
  health(): BackendHealth[] {
    return this.#members.map((member) => this.of(member).snapshot(member.name));
  }

  /**
   * The health record of `member`. A member no longer in the group (a reload removed it, with
   * an attempt still in flight) gets a detached record: what it learns changes nothing.
   */
  of(member: GroupMember): MemberHealth {
    return this.#health.get(member) ?? new MemberHealth();
  }

  /**
   * Follows a change of the group's members (a config reload): a member kept (the same object)
   * keeps its health and its pending retry; a new one starts up; a removed one's retry is
   * cancelled and its record dropped.
   */
  setMembers(members: readonly GroupMember[]): void {
    const next = new Set(members);
    for (const [member, health] of this.#health) {
      if (next.has(member)) continue;
      clearTimeout(health.timer);
      health.timer = undefined;
      health.nextRetryAt = undefined;
      this.#health.delete(member);
    }
    for (const member of members) {
      if (!this.#health.has(member)) this.#health.set(member, new MemberHealth());
    }
    this.#members = members;
  }

  /**
   * Asks one backend: at once a failure when it is down, else its answer or its failure within
   * `deadlineMs` (unset: no deadline). The outcome, even one arriving after the deadline,
   * updates the backend's health.
   */
  async attempt<T>(
    member: GroupMember,
    what: string,
    run: (provider: Provider) => Promise<T>,
    deadlineMs: number | undefined = this.listDeadlineMs,
  ): Promise<Outcome<T>> {
    const health = this.of(member);
    if (health.state === 'down') {
      return { ok: false, error: this.#unavailable(member, health), skipped: true };
    }
    const started = ++this.#attempts;
    let work: Promise<T>;
    try {
      work = run(member.provider);
    } catch (error) {
      work = Promise.reject(error);
    }
    const settled = work.then(
      (value): Outcome<T> => {
        this.#succeeded(member, started);
        return { ok: true, value };
      },
      (error: unknown): Outcome<T> => {
        this.#failed(member, started, what, error);
        return { ok: false, error, skipped: false };
      },
    );
    const outcome = await raceDeadline(settled, deadlineMs);
    if (outcome !== TIMED_OUT) return outcome;
    const error = new ProxyError(
      ProxyErrorCode.BackendTimeout,
      `Backend ${member.name} did not answer within ${deadlineMs} ms (the list deadline)`,
    );
    this.#missed(member, started, what, error);
    return { ok: false, error, skipped: false };
  }

  /**
   * The failure of an operation that skipped a down backend: the failure that took it down (a
   * call for one of its tools gets the reason, as if it had been asked).
   */
  #unavailable(member: GroupMember, health: MemberHealth): unknown {
    return (
      health.error ??
      new ProxyError(ProxyErrorCode.BackendUnavailable, `MCP server ${member.name} is down`)
    );
  }

  /** When a down backend is retried next, for messages. */
  retryNote(health: MemberHealth): string {
    if (health.retrying) return 'a retry is in flight';
    if (health.nextRetryAt === undefined) return 'not retried';
    return `next retry in ${Math.max(0, Math.round(health.nextRetryAt - Date.now()))} ms`;
  }

  /** An attempt answered. */
  #succeeded(member: GroupMember, started: number): void {
    const health = this.of(member);
    // An attempt started later failed: this answer predates whatever went wrong.
    if (started < health.lastFailureStart) return;
    health.lastSuccessStart = Math.max(health.lastSuccessStart, started);
    health.lastSeenAt = Date.now();
    if (health.state === 'down') this.#recover(member, health);
  }

  /** An attempt failed. */
  #failed(member: GroupMember, started: number, what: string, error: unknown): void {
    const health = this.of(member);
    if (started < health.lastSuccessStart) {
      // An attempt started later answered: the backend works; this failure is old news.
      this.#logger.debug(
        `MCP server ${member.name} failed an earlier request: ${errorMessage(error)}`,
      );
      return;
    }
    health.lastFailureStart = Math.max(health.lastFailureStart, started);
    this.#down(member, health, what, error);
  }

  /**
   * An attempt missed the deadline. Its answer may still come (and count); meanwhile the
   * backend is down, unless it answered an attempt started since this one.
   */
  #missed(member: GroupMember, started: number, what: string, error: unknown): void {
    const health = this.of(member);
    if (started < health.lastSuccessStart) {
      this.#logger.debug(
        `MCP server ${member.name} left out of one answer: cannot ${what}: ${errorMessage(error)}`,
      );
      return;
    }
    this.#down(member, health, what, error);
  }

  /**
   * Marks a backend down: a warning the first time, then debug messages while it stays down
   * (every operation would repeat the same warning otherwise); the first retry is scheduled.
   */
  #down(member: GroupMember, health: MemberHealth, what: string, error: unknown): void {
    const message = errorMessage(error);
    health.lastError = message;
    health.error = error;
    if (health.state === 'down') {
      this.#logger.debug(`Skipping MCP server ${member.name}: cannot ${what}: ${message}`);
      return;
    }
    health.state = 'down';
    health.since = Date.now();
    health.failures = 1;
    if (!health.retrying) this.#schedule(member, health);
    this.#logger.warn(
      `Skipping MCP server ${member.name}: cannot ${what}: ${message} (retrying in the background)`,
    );
  }

  /** Marks a backend up again and tells the clients to list again. */
  #recover(member: GroupMember, health: MemberHealth): void {
    clearTimeout(health.timer);
    health.timer = undefined;
    health.nextRetryAt = undefined;
    const downMs = Date.now() - health.since;
    health.state = 'up';
    health.since = Date.now();
    health.failures = 0;
    health.lastError = undefined;
    health.error = undefined;
    this.#logger.info(
      `MCP server ${member.name} works again (down for ${downMs} ms); telling clients to list again`,
    );
    this.#onRecover();
  }

  /** Schedules the next background retry of a down backend, with exponential backoff. */
  #schedule(member: GroupMember, health: MemberHealth): number | undefined {
    // A member a reload removed is not retried.
    if (this.#stopped || this.#health.get(member) !== health) return undefined;
    clearTimeout(health.timer);
    const delay = Math.min(
      this.retryMaxMs,
      this.retryInitialMs * 2 ** Math.min(30, Math.max(0, health.failures - 1)),
    );
    health.nextRetryAt = Date.now() + delay;
    // Outside any client request: the retry belongs to no client session.
    health.timer = runWithContext(undefined, () =>
      setTimeout(() => {
        health.timer = undefined;
        void this.#retry(member, health);
      }, delay),
    );
    health.timer.unref();
    return delay;
  }

  /** One background retry: `capabilities`, then `ping` (a session that hangs fails it). */
  async #retry(member: GroupMember, health: MemberHealth): Promise<void> {
    if (this.#stopped || health.state !== 'down' || health.retrying) return;
    health.retrying = true;
    health.nextRetryAt = undefined;
    const started = ++this.#attempts;
    let failure: { error: unknown } | undefined;
    try {
      await runWithContext(undefined, async () => {
        const provider = member.provider;
        const capabilities = provider.capabilities ? await provider.capabilities() : {};
        health.capabilities = capabilities;
        await provider.ping?.();
      });
    } catch (error) {
      failure = { error };
    }
    health.retrying = false;
    if (this.#stopped) return;
    if (!failure) this.#succeeded(member, started);
    else if (started > health.lastSuccessStart) {
      health.lastFailureStart = Math.max(health.lastFailureStart, started);
      health.failures += 1;
      health.lastError = errorMessage(failure.error);
      health.error = failure.error;
    }
    if (health.state === 'down' && !health.timer) {
      const delay = this.#schedule(member, health);
      this.#logger.debug(
        `MCP server ${member.name} is still down: ${health.lastError}; next retry in ${delay} ms`,
      );
    }
  }

  /** Lets background retries run again after {@link GroupHealth.stop}. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    for (const member of this.#members) {
      const health = this.of(member);
      if (health.state === 'down' && !health.timer && !health.retrying)
        this.#schedule(member, health);
    }
  }

  /** Cancels the background retries (one in flight ends without effect). */
  stop(): void {
    this.#stopped = true;
    for (const health of this.#health.values()) {
      clearTimeout(health.timer);
      health.timer = undefined;
      health.nextRetryAt = undefined;
    }
  }
}
