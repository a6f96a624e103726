import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ProxyServer } from '../server/proxyServer';
import { backendLabel, bounded, KNOWN_LIST_KINDS, KNOWN_METHODS } from './metricLabels';
import type { Readiness } from './readiness';

/** The latency buckets, in seconds: from a cached list to a tool call at the request timeout. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** Options of {@link ProxyMetrics}. */
export interface ProxyMetricsOptions {
  /** The registry to register in. @default a new `Registry` of its own (never prom-client's global one) */
  registry?: Registry;
  /** The prefix of every metric name. @default 'mcp_proxy_' */
  prefix?: string;
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag), with the same prefix. @default true */
  processMetrics?: boolean;
  /** The buckets of the latency histograms, in seconds. @default {@link DEFAULT_LATENCY_BUCKETS} */
  buckets?: readonly number[];
  /** When given, `<prefix>backend_state{backend,state}` reports each backend's readiness state (1 for the current one). */
  readiness?: Readiness;
}

const OUTCOMES = ['ok', 'error', 'cancelled'];
const STATES = ['up', 'degraded', 'down', 'unknown'] as const;

/**
 * Prometheus metrics of a proxy, from the events of `proxy.observer` (nothing on the request
 * path): requests by method, server and outcome with latency histograms, backend requests per
 * backend, sessions, stdio children, list-cache lookups, forwarded requests, backend restarts
 * and errors. Labels are bounded: methods and list kinds outside the MCP ones count as
 * `other`, backends are the proxy's (named by its config), and no label ever carries a session,
 * a request id, a tool name or an argument. See docs/operations.md for the list.
 *
 * @example
 * ```ts
 * const metrics = new ProxyMetrics(proxy);
 * const text = await metrics.metrics(); // the Prometheus text exposition
 * metrics.close();
 * ```
 */
export class ProxyMetrics {
  /** The registry holding the metrics (serve it with `registry.metrics()`). */
  readonly registry: Registry;
  readonly #stops: Array<() => void>;

  /**
   * @param proxy - the proxy to observe
   * @param options - the registry, the prefix, the buckets
   */
  constructor(proxy: ProxyServer, options: ProxyMetricsOptions = {}) {
    const registry = options.registry ?? new Registry();
    this.registry = registry;
    const p = options.prefix ?? 'mcp_proxy_';
    const registers = [registry];
    const buckets = [...(options.buckets ?? DEFAULT_LATENCY_BUCKETS)];
    const backendNames = () => proxy.backends.map((b) => b.name);
    const backend = (name: string | undefined) => backendLabel(name, backendNames);
    const method = (name: string) => bounded(name, KNOWN_METHODS);
    const outcome = (value: string) => (OUTCOMES.includes(value) ? value : 'other');

    const requests = new Counter({
      name: `${p}requests_total`,
      help: 'Client requests answered, by method, serving backend ("" when none did: lists, local components) and outcome.',
      labelNames: ['method', 'server', 'outcome'],
      registers,
    });
    const requestSeconds = new Histogram({
      name: `${p}request_duration_seconds`,
      help: 'Time to answer a client request, by method and serving backend.',
      labelNames: ['method', 'server'],
      buckets,
      registers,
    });
    const backendRequests = new Counter({
      name: `${p}backend_requests_total`,
      help: 'Requests the proxy sent to backends, by backend, method and outcome.',
      labelNames: ['backend', 'method', 'outcome'],
      registers,
    });
    const backendSeconds = new Histogram({
      name: `${p}backend_request_duration_seconds`,
      help: 'Time a backend took to answer a request, by backend and method.',
      labelNames: ['backend', 'method'],
      buckets,
      registers,
    });
    new Gauge({
      name: `${p}front_sessions`,
      help: 'Client sessions open now.',
      registers,
      collect() {
        this.set(proxy.sessions.length);
      },
    });
    const frontOpened = new Counter({
      name: `${p}front_sessions_opened_total`,
      help: 'Client sessions opened.',
      registers,
    });
    const backendSessions = new Gauge({
      name: `${p}backend_sessions`,
      help: 'Backend sessions open now, by backend.',
      labelNames: ['backend'],
      registers,
    });
    new Gauge({
      name: `${p}stdio_children`,
      help: "Stdio backend children running (or starting) now, under the proxy's maxChildren limit.",
      registers,
      collect() {
        this.set(proxy.childLimit?.running ?? 0);
      },
    });
    new Gauge({
      name: `${p}stdio_children_limit`,
      help: 'The most stdio backend children the proxy runs at once (0: no limit).',
      registers,
      collect() {
        const max = proxy.childLimit?.max ?? 0;
        this.set(Number.isFinite(max) ? max : 0);
      },
    });
    const cache = new Counter({
      name: `${p}list_cache_lookups_total`,
      help: 'List-cache lookups, by backend, list kind and outcome (hit, or miss: the backend was asked).',
      labelNames: ['backend', 'kind', 'outcome'],
      registers,
    });
    const forwarded = new Counter({
      name: `${p}forwarded_requests_total`,
      help: 'Requests of backends forwarded to clients, by backend, kind (sampling, elicitation, roots) and outcome.',
      labelNames: ['backend', 'kind', 'outcome'],
      registers,
    });
    const forwardedSeconds = new Histogram({
      name: `${p}forwarded_request_duration_seconds`,
      help: 'Time a client took to answer a forwarded request, by backend and kind.',
      labelNames: ['backend', 'kind'],
      buckets,
      registers,
    });
    const restarts = new Counter({
      name: `${p}backend_restarts_total`,
      help: 'Backend sessions lost (the backend or its transport ended them; the next use reopens one), by backend.',
      labelNames: ['backend'],
      registers,
    });
    const errors = new Counter({
      name: `${p}backend_errors_total`,
      help: 'Backend failures, by backend and kind: connect (a session could not open) or request (a request failed).',
      labelNames: ['backend', 'kind'],
      registers,
    });
    const reloads = new Counter({
      name: `${p}config_reloads_total`,
      help: 'Configuration reloads, by outcome: ok (serving the new one) or rejected (still serving the previous one).',
      labelNames: ['outcome'],
      registers,
    });
    const reloadedServers = new Counter({
      name: `${p}config_reload_servers_total`,
      help: 'Servers changed by applied reloads, by change: added, removed or restarted.',
      labelNames: ['change'],
      registers,
    });
    const rateLimited = new Counter({
      name: `${p}rate_limited_total`,
      help: 'Tool calls refused by a rate limit of the policy, by backend.',
      labelNames: ['backend'],
      registers,
    });
    const toolChanges = new Counter({
      name: `${p}tool_definition_changes_total`,
      help: 'Tools seen with a definition other than their pin, once per new definition, by backend and action: withhold or warn.',
      labelNames: ['backend', 'action'],
      registers,
    });
    const readiness = options.readiness;
    if (readiness) {
      new Gauge({
        name: `${p}backend_state`,
        help: 'Each backend readiness state (up, degraded, down, unknown): 1 for the current one, 0 for the others.',
        labelNames: ['backend', 'state'],
        registers,
        collect() {
          this.reset();
          for (const b of readiness.report().backends) {
            for (const state of STATES)
              this.set({ backend: b.name, state }, b.state === state ? 1 : 0);
          }
        },
      });
    }
    if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: p });

    // Every backend's series exist from the start (0 rather than absent: rates and alerts work).
    for (const name of backendNames()) {
      backendSessions.set({ backend: name }, 0);
      restarts.inc({ backend: name }, 0);
      errors.inc({ backend: name, kind: 'connect' }, 0);
      errors.inc({ backend: name, kind: 'request' }, 0);
    }

    const open = new Map<string, number>();
    const observer = proxy.observer;
    this.#stops = [
      observer.on('request', (event) => {
        const labels = { method: method(event.method), server: backend(event.server) };
        requests.inc({ ...labels, outcome: outcome(event.outcome) });
        requestSeconds.observe(labels, event.durationMs / 1000);
      }),
      observer.on('session', (event) => {
        if (event.type === 'opened') frontOpened.inc();
      }),
      observer.on('backendRequest', (event) => {
        const labels = { backend: backend(event.backend), method: method(event.method) };
        backendRequests.inc({ ...labels, outcome: outcome(event.outcome) });
        backendSeconds.observe(labels, event.durationMs / 1000);
        if (event.outcome === 'error') errors.inc({ backend: labels.backend, kind: 'request' });
      }),
      observer.on('backendSession', (event) => {
        const labels = { backend: backend(event.backend) };
        if (event.type === 'failed') {
          errors.inc({ ...labels, kind: 'connect' });
          return;
        }
        if (event.type === 'lost') restarts.inc(labels);
        // Never below 0: a session opened before the metrics started may end after.
        const now = Math.max(
          0,
          (open.get(labels.backend) ?? 0) + (event.type === 'opened' ? 1 : -1),
        );
        open.set(labels.backend, now);
        backendSessions.set(labels, now);
      }),
      observer.on('reload', (event) => {
        reloads.inc({ outcome: event.outcome === 'ok' ? 'ok' : 'rejected' });
        if (event.added > 0) reloadedServers.inc({ change: 'added' }, event.added);
        if (event.removed > 0) reloadedServers.inc({ change: 'removed' }, event.removed);
        if (event.restarted > 0) reloadedServers.inc({ change: 'restarted' }, event.restarted);
      }),
      observer.on('policy', (event) => {
        if (event.type === 'rateLimited') rateLimited.inc({ backend: backend(event.server) });
        else {
          const action = event.action === 'warn' ? 'warn' : 'withhold';
          toolChanges.inc({ backend: backend(event.server), action });
        }
      }),
      observer.on('cache', (event) => {
        cache.inc({
          backend: backend(event.backend),
          kind: bounded(event.kind, KNOWN_LIST_KINDS),
          outcome: event.outcome === 'hit' ? 'hit' : 'miss',
        });
      }),
      observer.on('forwardedRequest', (event) => {
        const labels = { backend: backend(event.backend), kind: event.kind };
        forwarded.inc({ ...labels, outcome: outcome(event.outcome) });
        forwardedSeconds.observe(labels, event.durationMs / 1000);
      }),
    ];
  }

  /** The content type of {@link ProxyMetrics.metrics}'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The metrics, in the Prometheus text exposition format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Stops listening to the proxy (the registry keeps the values so far). */
  close(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }
}
