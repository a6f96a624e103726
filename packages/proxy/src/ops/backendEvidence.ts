/** One backend request in a readiness window. */
interface Sample {
  /** When it ended, in milliseconds since the epoch. */
  at: number;
  /** Whether it answered. */
  ok: boolean;
  /** How long it took, in milliseconds. */
  ms: number;
}

/** What the recent calls of a backend say: how many, how many failed, how slow. @internal */
export interface WindowSummary {
  /** The calls in the window. */
  calls: number;
  /** Those that failed. */
  errors: number;
  /** The 90th percentile of their durations, in milliseconds; unset with no call. */
  p90Ms?: number;
}

/**
 * What the readiness check knows of one backend from the proxy's events and its own probes:
 * the recent calls (a bounded window, by count and age) and the order of its latest successes
 * and failures. Ordering uses a sequence number, not the clock: two events of one millisecond
 * stay ordered. @internal
 */
export class BackendEvidence {
  readonly #samples: Sample[] = [];
  readonly #size: number;
  /** The sequence number of the latest success (an answer, a session opened, a probe answered). */
  lastSuccess = 0;
  /** When the latest success happened, in milliseconds since the epoch. */
  lastSuccessAt: number | undefined;
  /** The sequence number of the latest failure of any kind (a call, a lost session, a probe). */
  lastFailure = 0;
  /** The sequence number of the latest hard failure (a session that could not open, a failed probe). */
  lastHardFailure = 0;
  /** The latest failure's message. */
  lastError: string | undefined;
  /** When the latest probe started, in milliseconds since the epoch. */
  probeStartedAt: number | undefined;
  /** The probe in flight, if any. */
  probing: Promise<void> | undefined;

  /** @param size - the most calls kept */
  constructor(size: number) {
    this.#size = size;
  }

  /** A call answered or failed. */
  call(seq: number, ok: boolean, ms: number, error?: string): void {
    const at = Date.now();
    this.#samples.push({ at, ok, ms });
    if (this.#samples.length > this.#size) this.#samples.shift();
    if (ok) this.succeeded(seq);
    else this.failed(seq, error, false);
  }

  /** Something showed the backend reachable. */
  succeeded(seq: number): void {
    this.lastSuccess = seq;
    this.lastSuccessAt = Date.now();
  }

  /** Something failed; `hard` when it shows the backend unreachable. */
  failed(seq: number, error: string | undefined, hard: boolean): void {
    this.lastFailure = seq;
    if (hard) this.lastHardFailure = seq;
    if (error !== undefined) this.lastError = error;
  }

  /** Whether the latest news is a failure (the backend may be gone: worth a probe). */
  get suspect(): boolean {
    return this.lastFailure > this.lastSuccess;
  }

  /** Whether the latest hard failure came after every success (the backend is down). */
  get down(): boolean {
    return this.lastHardFailure > this.lastSuccess;
  }

  /** Whether nothing was ever learnt of the backend. */
  get unknown(): boolean {
    return this.lastSuccess === 0 && this.lastFailure === 0;
  }

  /** The calls that ended in the last `windowMs` milliseconds (older ones are dropped). */
  summary(windowMs: number): WindowSummary {
    const since = Date.now() - windowMs;
    while (this.#samples.length > 0 && this.#samples[0]!.at < since) this.#samples.shift();
    const calls = this.#samples.length;
    if (calls === 0) return { calls: 0, errors: 0 };
    const errors = this.#samples.filter((s) => !s.ok).length;
    const sorted = this.#samples.map((s) => s.ms).sort((a, b) => a - b);
    const p90Ms = sorted[Math.min(calls - 1, Math.ceil(calls * 0.9) - 1)]!;
    return { calls, errors, p90Ms: Math.round(p90Ms) };
  }
}
