import type { Observer, Outcome } from '@org/core';
import type { BackendHealth } from '../../provider/backendHealth';
import type { BackendReadiness, Readiness } from '../readiness';

/**
 * What the dashboard watches: a server's observer and, for a multi-server proxy, its backends'
 * health. A `ProxyServer` is one; so is a `ProviderServer` (no health, no backend names).
 */
export interface DashboardSource {
  /** Where the server reports its work. */
  readonly observer: Observer;
  /** The backends' health, when the server tracks it (`ProxyServer.health`). */
  health?(): readonly BackendHealth[] | undefined;
  /** The backends it fronts, listed before any traffic (`ProxyServer.backends`). */
  readonly backends?: ReadonlyArray<{
    /** The backend's name. */
    readonly name: string;
  }>;
}

/** Options of {@link DashboardState}. */
export interface DashboardStateOptions {
  /** How many of the last calls (tool calls, resource reads, prompt renders) are kept. @default 200 */
  maxCalls?: number;
  /** How many latencies are kept per backend for its chart. @default 60 */
  latencySamples?: number;
  /** How many front sessions the snapshot lists (newest first; the count covers all). @default 100 */
  maxListedSessions?: number;
  /** A backend with an error among its last this-many requests is `degraded`. @default 10 */
  degradedWindow?: number;
  /** How often backend health is polled while someone listens, in ms. @default 2000 */
  healthIntervalMs?: number;
  /**
   * Where backend states come from, so that the page says what `/readyz` says (the CLI passes
   * its `Readiness`): its `up`, `degraded`, `down` (and `unknown`, shown `idle` until the
   * backend is contacted), with their last error. Without it, the dashboard judges from what it
   * saw: `degraded` for an error among the last `degradedWindow` requests.
   */
  readiness?: Pick<Readiness, 'report'>;
}

/** The methods whose requests the dashboard lists among the last calls. */
const LISTED_METHODS: ReadonlySet<string> = new Set([
  'tools/call',
  'resources/read',
  'prompts/get',
]);

/** A client request the dashboard lists: a tool call, resource read or prompt render. */
export interface DashboardCall {
  /** When it was answered, in ms since the epoch. */
  readonly at: number;
  /** The front session's id. */
  readonly sessionId: string;
  /** Its method, such as `tools/call`. */
  readonly method: string;
  /** The tool or prompt name, or resource URI. */
  readonly name?: string;
  /** The backend that served it. */
  readonly server?: string;
  /** Its latency in ms. */
  readonly durationMs: number;
  /** How it ended. */
  readonly outcome: Outcome;
  /** The error's message, when it failed. */
  readonly error?: string;
}

/** A front session the dashboard lists. */
export interface DashboardSession {
  /** Its id. */
  readonly id: string;
  /** When it opened, in ms since the epoch (when first seen, for one opened before the dashboard). */
  readonly openedAt: number;
  /** How many requests it made. */
  readonly requests: number;
}

/**
 * A backend's health on the dashboard: `up`, `degraded` (an error among its recent
 * requests), `down` (the proxy skips it, or its session was lost or failed to open), or
 * `idle` (never contacted yet).
 */
export type DashboardBackendState = 'up' | 'degraded' | 'down' | 'idle';

/** A backend as the dashboard shows it. */
export interface DashboardBackend {
  /** Its name. */
  readonly name: string;
  /** Its health. */
  readonly state: DashboardBackendState;
  /** The latest error it reported (a failed request or a lost session). */
  readonly lastError?: string;
  /** Backend sessions open now. */
  readonly sessions: number;
  /** Requests sent to it. */
  readonly requests: number;
  /** Of which failed. */
  readonly errors: number;
  /** The latencies of its last requests in ms, oldest first. */
  readonly latencies: readonly number[];
}

/** Everything the page shows, at one moment. */
export interface DashboardSnapshot {
  /** When it was taken, in ms since the epoch. */
  readonly at: number;
  /** The backends, by name. */
  readonly backends: readonly DashboardBackend[];
  /** The front sessions open now. */
  readonly sessions: {
    /** How many are open. */
    readonly count: number;
    /** The newest of them, newest first. */
    readonly list: readonly DashboardSession[];
  };
  /** The last calls, oldest first. */
  readonly calls: readonly DashboardCall[];
}

/** A change to push to the page. */
export type DashboardUpdate =
  | {
      /** A client request was answered. */
      readonly type: 'call';
      /** The request. */
      readonly call: DashboardCall;
      /** Its session, with the request counted, when the session is tracked. */
      readonly session?: DashboardSession;
    }
  | {
      /** A front session opened or closed. */
      readonly type: 'session';
      /** Which. */
      readonly change: 'opened' | 'closed';
      /** The session. */
      readonly session: DashboardSession;
      /** How many are open now. */
      readonly count: number;
    }
  | {
      /** A backend's numbers or health changed. */
      readonly type: 'backend';
      /** The backend now. */
      readonly backend: DashboardBackend;
    };

interface BackendEntry {
  sessions: number;
  requests: number;
  errors: number;
  latencies: number[];
  recentErrors: boolean[];
  sessionDown: boolean;
  lastError?: string;
  contacted: boolean;
}

/** What the sources and the readiness say of the backends, by name, at one moment. */
interface Judgements {
  health: Map<string, BackendHealth>;
  readiness: Map<string, BackendReadiness> | undefined;
}

/** The numeric bounds of {@link DashboardStateOptions}. */
type DashboardBounds = Required<Omit<DashboardStateOptions, 'readiness'>>;

/** The defaults of the bounds of {@link DashboardStateOptions}. */
export const DASHBOARD_STATE_DEFAULTS: Readonly<
  Required<Omit<DashboardStateOptions, 'readiness'>>
> = Object.freeze({
  maxCalls: 200,
  latencySamples: 60,
  maxListedSessions: 100,
  degradedWindow: 10,
  healthIntervalMs: 2000,
});

/** Sessions tracked at most (a front caps its own sessions far below this). */
const MAX_TRACKED_SESSIONS = 10_000;
/** The longest error message kept. */
const MAX_ERROR_LENGTH = 500;

const clip = (text: string | undefined): string | undefined =>
  text === undefined || text.length <= MAX_ERROR_LENGTH
    ? text
    : `${text.slice(0, MAX_ERROR_LENGTH)}…`;

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/**
 * The dashboard's model: a bounded picture of a proxy's work, fed by its observer. It keeps
 * the last calls (a ring), the open front sessions, and per backend its health and recent
 * latencies; it tells subscribers each change. Nothing in it sits on the request path: each
 * listener does a few array operations.
 */
export class DashboardState {
  readonly #options: DashboardBounds;
  readonly #sources: readonly DashboardSource[];
  readonly #calls: DashboardCall[] = [];
  readonly #sessions = new Map<string, { openedAt: number; requests: number }>();
  readonly #backends = new Map<string, BackendEntry>();
  readonly #listeners = new Set<(update: DashboardUpdate) => void>();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #readiness: Pick<Readiness, 'report'> | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #lastHealth = '';

  /**
   * Starts watching `sources` (one server, or several: a front and the proxies it mounts).
   * @param sources - what to watch
   * @param options - the bounds
   */
  constructor(
    sources: DashboardSource | readonly DashboardSource[],
    options: DashboardStateOptions = {},
  ) {
    this.#options = { ...DASHBOARD_STATE_DEFAULTS };
    this.#readiness = options.readiness;
    for (const key of Object.keys(DASHBOARD_STATE_DEFAULTS) as Array<keyof DashboardBounds>) {
      const value = options[key];
      if (value === undefined) continue;
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(
          `Dashboard option ${key} must be a positive whole number, got ${value}`,
        );
      }
      this.#options[key] = value;
    }
    this.#sources = Array.isArray(sources) ? sources : [sources as DashboardSource];
    for (const source of this.#sources) {
      for (const backend of source.backends ?? []) this.#backend(backend.name);
      const { observer } = source;
      this.#unsubscribe.push(
        observer.on('request', (event) => {
          const session = this.#sessions.get(event.sessionId);
          if (session) session.requests += 1;
          // Lists, pings and the like would push the calls out of the ring: it keeps calls.
          if (!LISTED_METHODS.has(event.method)) return;
          const call: DashboardCall = {
            at: Date.now(),
            sessionId: event.sessionId,
            method: event.method,
            ...(event.name !== undefined ? { name: event.name } : {}),
            ...(event.server !== undefined ? { server: event.server } : {}),
            durationMs: event.durationMs,
            outcome: event.outcome,
            ...(event.error !== undefined ? { error: clip(event.error) } : {}),
          };
          push(this.#calls, call, this.#options.maxCalls);
          this.#emit({
            type: 'call',
            call,
            ...(session ? { session: { id: event.sessionId, ...session } } : {}),
          });
        }),
        observer.on('session', (event) => {
          if (event.type === 'opened') {
            if (this.#sessions.size >= MAX_TRACKED_SESSIONS) {
              const oldest = this.#sessions.keys().next().value;
              if (oldest !== undefined) this.#sessions.delete(oldest);
            }
            const entry = { openedAt: Date.now(), requests: 0 };
            this.#sessions.set(event.sessionId, entry);
            this.#emitSession('opened', event.sessionId, entry);
          } else {
            const entry = this.#sessions.get(event.sessionId);
            if (!entry) return;
            this.#sessions.delete(event.sessionId);
            this.#emitSession('closed', event.sessionId, entry);
          }
        }),
        observer.on('backendRequest', (event) => {
          const entry = this.#backend(event.backend);
          entry.contacted = true;
          entry.requests += 1;
          const failed = event.outcome === 'error';
          if (failed) {
            entry.errors += 1;
            entry.lastError = clip(event.error ?? 'error');
          }
          push(
            entry.latencies,
            Math.round(event.durationMs * 100) / 100,
            this.#options.latencySamples,
          );
          push(entry.recentErrors, failed, this.#options.degradedWindow);
          this.#emitBackend(event.backend);
        }),
        observer.on('backendSession', (event) => {
          const entry = this.#backend(event.backend);
          entry.contacted = true;
          if (event.type === 'opened') {
            entry.sessions += 1;
            entry.sessionDown = false;
          } else if (event.type === 'closed' || event.type === 'lost') {
            entry.sessions = Math.max(0, entry.sessions - 1);
          }
          if (event.type === 'lost' || event.type === 'failed') {
            entry.sessionDown = entry.sessions === 0;
            entry.lastError = clip(event.error ?? event.type);
          }
          this.#emitBackend(event.backend);
        }),
      );
    }
  }

  /** Everything now, for a page that just connected. */
  snapshot(): DashboardSnapshot {
    const said = this.#judgements();
    for (const name of said.health.keys()) this.#backend(name);
    const backends = [...this.#backends.keys()].sort().map((name) => this.#summary(name, said));
    const list = [...this.#sessions]
      .slice(-this.#options.maxListedSessions)
      .reverse()
      .map(([id, entry]) => ({ id, ...entry }));
    return {
      at: Date.now(),
      backends,
      sessions: { count: this.#sessions.size, list },
      calls: [...this.#calls],
    };
  }

  /**
   * Calls `listener` with each change until the returned function is called. While anyone
   * listens, backend health is polled and a change reported as a `backend` update.
   */
  subscribe(listener: (update: DashboardUpdate) => void): () => void {
    this.#listeners.add(listener);
    const polled = this.#readiness !== undefined || this.#sources.some((s) => s.health);
    if (this.#healthTimer === undefined && polled) {
      this.#lastHealth = this.#healthKey(this.#judgements());
      this.#healthTimer = setInterval(() => this.#pollHealth(), this.#options.healthIntervalMs);
      this.#healthTimer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopPolling();
    };
  }

  /** Stops watching: unsubscribes from the observers and drops every subscriber. */
  close(): void {
    for (const stop of this.#unsubscribe.splice(0)) stop();
    this.#listeners.clear();
    this.#stopPolling();
  }

  #stopPolling(): void {
    if (this.#healthTimer !== undefined) clearInterval(this.#healthTimer);
    this.#healthTimer = undefined;
  }

  #pollHealth(): void {
    const said = this.#judgements();
    const key = this.#healthKey(said);
    if (key === this.#lastHealth) return;
    this.#lastHealth = key;
    const names = new Set([...said.health.keys(), ...(said.readiness?.keys() ?? [])]);
    for (const name of names) {
      this.#backend(name);
      this.#emitBackend(name, said);
    }
  }

  /** What the poll compares: the proxy's health and, when given, the readiness states. */
  #healthKey(said: Judgements): string {
    const judged = said.readiness
      ? [...said.readiness.values()].map((b) => [b.name, b.state, b.lastError ?? null])
      : null;
    return JSON.stringify([[...said.health], judged]);
  }

  /** The sources' health and the readiness report, by backend name, read once. */
  #judgements(): Judgements {
    const health = new Map<string, BackendHealth>();
    for (const source of this.#sources) {
      for (const entry of source.health?.() ?? []) health.set(entry.name, entry);
    }
    const report = this.#readiness?.report();
    const readiness = report && new Map(report.backends.map((b) => [b.name, b]));
    return { health, readiness };
  }

  #backend(name: string): BackendEntry {
    let entry = this.#backends.get(name);
    if (!entry) {
      entry = {
        sessions: 0,
        requests: 0,
        errors: 0,
        latencies: [],
        recentErrors: [],
        sessionDown: false,
        contacted: false,
      };
      this.#backends.set(name, entry);
    }
    return entry;
  }

  #summary(name: string, said: Judgements): DashboardBackend {
    const entry = this.#backend(name);
    const tracked = said.health.get(name);
    const judged = said.readiness?.get(name);
    let state: DashboardBackendState;
    let lastError: string | undefined;
    if (judged !== undefined) {
      const seen = entry.contacted || tracked?.lastSeenAt !== undefined;
      state = judged.state === 'unknown' ? (seen ? 'up' : 'idle') : judged.state;
      lastError = clip(state === 'up' || state === 'idle' ? entry.lastError : judged.lastError);
    } else {
      if (tracked?.state === 'down' || entry.sessionDown) state = 'down';
      else if (entry.recentErrors.includes(true)) state = 'degraded';
      else if (entry.contacted || tracked?.lastSeenAt !== undefined) state = 'up';
      else state = 'idle';
      lastError = clip(tracked?.state === 'down' ? tracked.lastError : entry.lastError);
    }
    return {
      name,
      state,
      ...(lastError !== undefined ? { lastError } : {}),
      sessions: entry.sessions,
      requests: entry.requests,
      errors: entry.errors,
      latencies: [...entry.latencies],
    };
  }

  #emitBackend(name: string, said?: Judgements): void {
    if (this.#listeners.size === 0) return;
    this.#emit({ type: 'backend', backend: this.#summary(name, said ?? this.#judgements()) });
  }

  #emitSession(
    change: 'opened' | 'closed',
    id: string,
    entry: { openedAt: number; requests: number },
  ): void {
    this.#emit({
      type: 'session',
      change,
      session: { id, ...entry },
      count: this.#sessions.size,
    });
  }

  #emit(update: DashboardUpdate): void {
    for (const listener of this.#listeners) {
      try {
        listener(update);
      } catch {
        // A subscriber's failure is its own.
      }
    }
  }
}
