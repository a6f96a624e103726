import type { ServerResponse } from 'node:http';
import type { HttpRoute } from '@org/transports';
import type { ProxyMetrics } from './proxyMetrics';
import type { Readiness } from './readiness';

const METHODS = ['GET', 'HEAD'] as const;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * `GET /healthz`: liveness, `200 {"status":"ok"}` while the process serves. Public (no bearer
 * token): an orchestrator's probe carries none.
 */
export function healthzRoute(path = '/healthz'): HttpRoute {
  return {
    path,
    methods: METHODS,
    public: true,
    handle: (_req, res) => sendJson(res, 200, { status: 'ok' }),
  };
}

/**
 * `GET /readyz`: readiness (see {@link Readiness}), 200 when ready, 503 when not, with the
 * report as JSON: `{ "status": "ready", "backends": [{ "name", "state", "lastError", ... }] }`.
 * Public (no bearer token).
 */
export function readyzRoute(readiness: Readiness, path = '/readyz'): HttpRoute {
  return {
    path,
    methods: METHODS,
    public: true,
    handle: async (_req, res) => {
      const report = await readiness.check();
      sendJson(res, report.status === 'ready' ? 200 : 503, report);
    },
  };
}

/**
 * `GET /metrics`: the Prometheus text exposition of `metrics`. Behind the front's bearer token
 * unless `isPublic` (metrics say what the proxy fronts and how it is used).
 */
export function metricsRoute(
  metrics: ProxyMetrics,
  path = '/metrics',
  isPublic = false,
): HttpRoute {
  return {
    path,
    methods: METHODS,
    public: isPublic,
    handle: async (_req, res) => {
      const text = await metrics.metrics();
      res.writeHead(200, {
        'content-type': metrics.contentType,
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
  };
}
