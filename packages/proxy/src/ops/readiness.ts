import { runWithContext } from '@org/core';
import { errorMessage, ProxyError, ProxyErrorCode } from '@org/transports';
import { raceDeadline } from '../provider/groupHealth';
import type { ProxyBackend, ProxyServer } from '../server/proxyServer';
import { BackendEvidence } from './backendEvidence';

/**
 * A backend's readiness: `up` (answers), `degraded` (answers, but fails or is slow on some
 * recent calls), `down` (cannot be reached), `unknown` (never contacted, and no probe answered
 * yet: counted as ready).
 */
export type ReadinessState = 'up' | 'degraded' | 'down' | 'unknown';

/** One backend in a {@link ReadinessReport}. */
export interface BackendReadiness {
  /** The backend's name in the config. */
  readonly name: string;
  /** Whether the config marks it `required`. */
  readonly required: boolean;
  /** Its state. */
  readonly state: ReadinessState;
  /** Why it is `degraded` or `down`, in a few words. */
  readonly reason?: string;
  /** The latest failure's message (also while up again: what last went wrong). */
  readonly lastError?: string;
  /** When it last answered, in milliseconds since the epoch. */
  readonly lastSeenAt?: number;
  /** When a multi-server proxy retries it next, while its group holds it down. */
  readonly nextRetryAt?: number;
  /** The recent calls counted (within `windowMs`, at most `windowSize`). */
  readonly calls: number;
  /** How many of them failed. */
  readonly errors: number;
  /** The 90th percentile of their durations, in milliseconds, when there were calls. */
  readonly p90Ms?: number;
}

/** What `/readyz` answers: whether the proxy is ready, and each backend's state. */
export interface ReadinessReport {
  /** `ready` (HTTP 200) or `unready` (HTTP 503). */
  readonly status: 'ready' | 'unready';
  /** The backends, in config order. */
  readonly backends: readonly BackendReadiness[];
}

/** Options of {@link Readiness}: the window, the thresholds of `degraded`, the probes. */
export interface ReadinessOptions {
  /** How far back calls count, in milliseconds. @default 60000 */
  windowMs?: number;
  /** The most recent calls kept per backend. @default 100 */
  windowSize?: number;
  /** The fewest calls in the window before error ratio and latency can make a backend `degraded`. @default 5 */
  minCalls?: number;
  /** The share of failed calls in the window (0 to 1) from which a backend is `degraded`. @default 0.2 */
  errorRatio?: number;
  /** The 90th percentile latency in the window, in milliseconds, from which a backend is `degraded`. @default 5000 */
  slowMs?: number;
  /**
   * The least time between two probes of one backend, in milliseconds, or `false` for no
   * probes. A check probes (a fresh backend session: `initialize`, `ping`, closed) a backend
   * that has not answered within this time, or whose latest news is a failure.
   * @default 10000
   */
  probeIntervalMs?: number | false;
  /** How long a check waits for its probes, in milliseconds (a late answer still counts for the next check). @default 3000 */
  probeTimeoutMs?: number;
}

const DEFAULTS = {
  windowMs: 60_000,
  windowSize: 100,
  minCalls: 5,
  errorRatio: 0.2,
  slowMs: 5000,
  probeIntervalMs: 10_000 as number | false,
  probeTimeoutMs: 3000,
};

function checked(options: ReadinessOptions): typeof DEFAULTS {
  const resolved = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as Array<keyof ReadinessOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    const ok =
      (key === 'probeIntervalMs' && value === false) ||
      (typeof value === 'number' &&
        Number.isFinite(value) &&
        value > 0 &&
        (key !== 'errorRatio' || value <= 1));
    if (!ok) {
      throw new ProxyError(
        ProxyErrorCode.InvalidConfig,
        `The readiness option ${key} is invalid: ${String(value)}`,
      );
    }
    (resolved as Record<string, unknown>)[key] = value;
  }
  return resolved;
}

/**
 * The readiness of a proxy (`/readyz`): ready while every backend the config marks `required`
 * is reachable, or, when none is marked, while any backend is. A backend's state comes from
 * the proxy's events (`backendRequest`: the error ratio and latency of a bounded recent window
 * make it `degraded`; `backendSession` `failed`: `down`), from a multi-server proxy's health
 * (`down` while its group skips it and retries it with backoff), and from probes that
 * {@link Readiness.check} starts, rate-limited, for a backend that was never contacted, has been
 * silent, or whose latest news is a failure.
 *
 * @example
 * ```ts
 * const readiness = new Readiness(proxy);
 * const report = await readiness.check();
 * console.log(report.status, report.backends.map((b) => `${b.name}: ${b.state}`));
 * readiness.close();
 * ```
 */
export class Readiness {
  readonly #proxy: ProxyServer;
  readonly #options: typeof DEFAULTS;
  readonly #evidence = new Map<string, BackendEvidence>();
  readonly #stops: Array<() => void>;
  #seq = 0;
  #closed = false;

  /**
   * @param proxy - the proxy whose backends are checked (its `observer` is listened to)
   * @param options - the window, the thresholds and the probes
   * @throws ProxyError `INVALID_CONFIG` when an option is not a positive number (`errorRatio`: at most 1)
   */
  constructor(proxy: ProxyServer, options: ReadinessOptions = {}) {
    this.#proxy = proxy;
    this.#options = checked(options);
    const observer = proxy.observer;
    this.#stops = [
      observer.on('backendRequest', (event) => {
        if (event.outcome === 'cancelled') return;
        this.#of(event.backend)?.call(
          ++this.#seq,
          event.outcome === 'ok',
          event.durationMs,
          event.error,
        );
      }),
      observer.on('backendSession', (event) => {
        const evidence = this.#of(event.backend);
        if (evidence === undefined) return;
        if (event.type === 'opened') evidence.succeeded(++this.#seq);
        else if (event.type === 'failed') evidence.failed(++this.#seq, event.error, true);
        else if (event.type === 'lost') evidence.failed(++this.#seq, event.error, false);
      }),
    ];
  }

  /**
   * Probes the backends that need it (see {@link ReadinessOptions.probeIntervalMs}), waits for
   * those probes up to `probeTimeoutMs`, and reports.
   */
  async check(): Promise<ReadinessReport> {
    const probes: Array<Promise<void>> = [];
    for (const backend of this.#proxy.backends) {
      const probe = this.#probeIfDue(backend);
      if (probe) probes.push(probe);
    }
    if (probes.length > 0) {
      await raceDeadline(Promise.all(probes), this.#options.probeTimeoutMs);
    }
    return this.report();
  }

  /** The report from what is known now, without probing. */
  report(): ReadinessReport {
    const health = new Map((this.#proxy.health() ?? []).map((h) => [h.name, h]));
    const backends = this.#proxy.backends.map((backend): BackendReadiness => {
      const evidence = this.#evidenceOf(backend.name);
      const group = health.get(backend.name);
      const { calls, errors, p90Ms } = evidence.summary(this.#options.windowMs);
      const lastError = group?.lastError ?? evidence.lastError;
      const lastSeenAt = evidence.lastSuccessAt ?? group?.lastSeenAt;
      const base = {
        name: backend.name,
        required: backend.required === true,
        calls,
        errors,
        ...(p90Ms !== undefined ? { p90Ms } : {}),
        ...(lastError !== undefined ? { lastError } : {}),
        ...(lastSeenAt !== undefined ? { lastSeenAt } : {}),
      };
      if (group?.state === 'down') {
        return {
          ...base,
          state: 'down',
          reason: 'skipped by the proxy until a background retry answers',
          ...(group.nextRetryAt !== undefined ? { nextRetryAt: group.nextRetryAt } : {}),
        };
      }
      if (evidence.down) return { ...base, state: 'down', reason: 'cannot be reached' };
      const { minCalls, errorRatio, slowMs } = this.#options;
      if (calls >= minCalls && errors / calls >= errorRatio) {
        return { ...base, state: 'degraded', reason: `${errors} of ${calls} recent calls failed` };
      }
      if (calls >= minCalls && p90Ms !== undefined && p90Ms >= slowMs) {
        return {
          ...base,
          state: 'degraded',
          reason: `90th percentile latency ${p90Ms} ms (slow from ${slowMs} ms)`,
        };
      }
      return { ...base, state: evidence.unknown ? 'unknown' : 'up' };
    });
    const required = backends.filter((b) => b.required);
    const ready =
      required.length > 0
        ? required.every((b) => b.state !== 'down')
        : backends.some((b) => b.state !== 'down');
    return { status: ready ? 'ready' : 'unready', backends };
  }

  /** Stops listening to the proxy; probes in flight end without effect. */
  close(): void {
    this.#closed = true;
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** The evidence of a backend the proxy has now, if it has one of that name. */
  #of(name: string): BackendEvidence | undefined {
    return this.#proxy.backends.some((b) => b.name === name) ? this.#evidenceOf(name) : undefined;
  }

  #evidenceOf(name: string): BackendEvidence {
    let evidence = this.#evidence.get(name);
    if (evidence === undefined) {
      evidence = new BackendEvidence(this.#options.windowSize);
      this.#evidence.set(name, evidence);
    }
    return evidence;
  }

  /** Starts a probe of `backend` when one is due; returns the probe in flight, if any. */
  #probeIfDue(backend: ProxyBackend): Promise<void> | undefined {
    const interval = this.#options.probeIntervalMs;
    if (interval === false || this.#closed) return undefined;
    const evidence = this.#evidenceOf(backend.name);
    if (evidence.probing) return evidence.probing;
    const now = Date.now();
    const fresh =
      !evidence.suspect &&
      evidence.lastSuccessAt !== undefined &&
      now - evidence.lastSuccessAt < interval;
    if (fresh) return undefined;
    if (evidence.probeStartedAt !== undefined && now - evidence.probeStartedAt < interval) {
      return undefined;
    }
    evidence.probeStartedAt = now;
    const probe = this.#probe(backend, evidence).finally(() => {
      evidence.probing = undefined;
    });
    evidence.probing = probe;
    return probe;
  }

  /** One probe: a fresh backend session of the backend's client, `ping`, closed. */
  async #probe(backend: ProxyBackend, evidence: BackendEvidence): Promise<void> {
    const seq = ++this.#seq;
    try {
      await runWithContext(undefined, async () => {
        const client = (await backend.clientFactory()).new({ closeWhenIdle: true });
        try {
          await client.ping();
        } finally {
          await client.close().catch(() => {});
        }
      });
      // A later failure (reported while the probe ran) wins over the probe's answer.
      if (!this.#closed && evidence.lastFailure < seq) evidence.succeeded(++this.#seq);
    } catch (error) {
      if (!this.#closed && evidence.lastSuccess < seq) {
        evidence.failed(++this.#seq, errorMessage(error), true);
      }
    }
  }
}
