import type { HttpRoute, Logger } from '@org/transports';
import { startCliLogs } from '../ops/cliLogs';
import { createDashboard } from '../ops/dashboard/dashboardRoutes';
import { startOpsEndpoints } from '../ops/opsEndpoints';
import type { ProxyServer } from '../server/proxyServer';
import type { CliConfig, CliOperationsConfig } from './cliConfig';
import { startOtel } from './otel';

/** The operations settings when the command line gave none: everything off. */
export const OPERATIONS_OFF: CliOperationsConfig = Object.freeze({
  logFormat: 'text',
  metrics: false,
  auditArguments: false,
  otel: false,
  dashboard: false,
});

/** What {@link startOperations} started for a running CLI proxy. */
export interface RunningOperations {
  /** Endpoints the HTTP front serves beside MCP's (health, metrics, dashboard). */
  readonly routes: HttpRoute[];
  /** Stops what was started (a metrics port, the audit log, the tracer), flushing what is buffered. */
  close(): Promise<void>;
}

/** Where {@link startOperations} works: the CLI's settings, streams and logger. */
export interface OperationsIo {
  /** The CLI's settings. */
  config: CliConfig;
  /** Where the CLI logs. */
  logger: Logger;
  /** Standard output, for `--audit-log -`. */
  stdout: NodeJS.WritableStream;
  /** Standard error, for the lines the CLI prints. */
  stderr: NodeJS.WritableStream;
}

/**
 * Starts what `config.operations` asks for around a created proxy (not yet served): health
 * and metrics endpoints, the audit log, the dashboard. Each part listens to
 * `proxy.observer`; none sits on the request path.
 */
export async function startOperations(
  proxy: ProxyServer,
  io: OperationsIo,
): Promise<RunningOperations> {
  const settings = io.config.operations ?? OPERATIONS_OFF;
  const routes: HttpRoute[] = [];
  const closers: Array<() => Promise<void>> = [];
  let started = false;
  try {
    // Each part: push its routes and its closer. (health + metrics, audit, dashboard)
    // First, so that it is the last closed: the spans of the shutdown are flushed too.
    if (settings.otel) closers.push(await startOtel(io.config, io.logger));
    closers.push(await startCliLogs(proxy, io));
    const ops = await startOpsEndpoints(proxy, {
      metrics: settings.metrics,
      ...(settings.metricsPort !== undefined ? { metricsPort: settings.metricsPort } : {}),
      host: io.config.http.host,
      allowedHosts: io.config.http.allowedHosts,
      logger: io.logger,
      stderr: io.stderr,
    });
    routes.push(...ops.routes);
    closers.push(ops.close);
    if (settings.dashboard) {
      const { authToken, oauth } = io.config.http;
      const dashboard = createDashboard(proxy, {
        ...(oauth ? { oauth, scopes: settings.dashboardScopes ?? [] } : { authToken }),
        readiness: ops.readiness,
      });
      routes.push(...dashboard.routes);
      closers.push(dashboard.close);
    }
    started = true;
  } finally {
    if (!started) await Promise.allSettled(closers.map((close) => close()));
  }
  return {
    routes,
    close: async () => {
      await Promise.allSettled(closers.reverse().map((close) => close()));
    },
  };
}
