import type { HttpRoute, Logger } from '@org/transports';
import type { ProxyServer } from '../server/proxyServer';
import { type OpsListener, startOpsListener } from './opsListener';
import { healthzRoute, metricsRoute, readyzRoute } from './opsRoutes';
import { ProxyMetrics } from './proxyMetrics';
import { Readiness, type ReadinessOptions } from './readiness';

/** Options of {@link startOpsEndpoints}. */
export interface OpsEndpointsOptions {
  /** Serve `/metrics` on the HTTP front (behind its bearer token). @default false */
  metrics?: boolean;
  /** Also serve `/metrics`, `/healthz` and `/readyz`, without auth, on this port of `host`. */
  metricsPort?: number;
  /** The interface of the metrics port. @default '127.0.0.1' */
  host?: string;
  /** Host header values the metrics port accepts besides the loopback names and `host`. */
  allowedHosts?: readonly string[];
  /** How readiness is judged. */
  readiness?: ReadinessOptions;
  /** Where failures are logged. */
  logger?: Logger;
  /** Where the `Metrics listening on <url>` line goes, when the metrics port is started. */
  stderr?: NodeJS.WritableStream;
}

/** What {@link startOpsEndpoints} started. */
export interface OpsEndpoints {
  /** The routes for the HTTP front: `/healthz` and `/readyz` (public), `/metrics` when asked. */
  readonly routes: HttpRoute[];
  /** The readiness of the proxy. */
  readonly readiness: Readiness;
  /** The metrics, when `metrics` or `metricsPort` asked for them. */
  readonly metrics: ProxyMetrics | undefined;
  /** The metrics port's listener, when started. */
  readonly listener: OpsListener | undefined;
  /** Stops the listener and stops observing the proxy. */
  close(): Promise<void>;
}

/**
 * Starts the health and metrics endpoints of a proxy (what the CLI's `--metrics` and
 * `--metrics-port` do): routes for the HTTP front, and a listener on the metrics port.
 */
export async function startOpsEndpoints(
  proxy: ProxyServer,
  options: OpsEndpointsOptions = {},
): Promise<OpsEndpoints> {
  const readiness = new Readiness(proxy, options.readiness);
  const wanted = options.metrics === true || options.metricsPort !== undefined;
  const metrics = wanted ? new ProxyMetrics(proxy, { readiness }) : undefined;
  const routes: HttpRoute[] = [healthzRoute(), readyzRoute(readiness)];
  const stopObserving = () => {
    metrics?.close();
    readiness.close();
  };
  let listener: OpsListener | undefined;
  if (options.metricsPort !== undefined) {
    try {
      listener = await startOpsListener({
        routes: [...routes, ...(metrics ? [metricsRoute(metrics, '/metrics', true)] : [])],
        port: options.metricsPort,
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
    } catch (error) {
      stopObserving();
      throw error;
    }
    options.stderr?.write(`Metrics listening on ${listener.url}/metrics\n`);
  }
  if (options.metrics === true && metrics) routes.push(metricsRoute(metrics));
  return {
    routes,
    readiness,
    metrics,
    listener,
    close: async () => {
      await listener?.close();
      stopObserving();
    },
  };
}
