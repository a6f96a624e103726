import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, type HttpRoute, type Logger, noopLogger } from '@org/transports';

/** Options of {@link startOpsListener}. */
export interface OpsListenerOptions {
  /** The routes to serve (their `public` flag is ignored: this listener has no auth). */
  routes: readonly HttpRoute[];
  /** The port; `0` for a free one. */
  port: number;
  /** The interface to bind. @default '127.0.0.1' */
  host?: string;
  /** Host header values accepted besides the loopback names and the bound host. */
  allowedHosts?: readonly string[];
  /** Where failures of a route are logged. @default no logging */
  logger?: Logger;
}

/** A running {@link startOpsListener}. */
export interface OpsListener extends AsyncDisposable {
  /** The bound host. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** The base URL, `http://host:port`. */
  readonly url: string;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The Host header's name without its port. */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function reply(res: ServerResponse, status: number, message: string, headers = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${message}\n`);
}

/**
 * A small HTTP listener for operations endpoints (`--metrics-port`): serves `routes` (exact
 * paths, or prefixes ending with `/`) without auth, so keep it on a private interface. Requests
 * whose Host header names neither a loopback name, the bound host nor an allowed host get 421
 * (DNS rebinding protection), unknown paths 404, other methods 405.
 *
 * @example
 * ```ts
 * const ops = await startOpsListener({ routes: [healthzRoute()], port: 9464 });
 * // GET http://127.0.0.1:9464/healthz
 * await ops.close();
 * ```
 */
export async function startOpsListener(options: OpsListenerOptions): Promise<OpsListener> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? noopLogger;
  const bound = bracketed(host.toLowerCase());
  const names = new Set([...LOOPBACK, ...(options.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  if (bound !== '0.0.0.0' && bound !== '[::]') names.add(bound);
  const routes = [...options.routes];
  const find = (path: string) =>
    routes.find((r) => r.path === path) ??
    routes.find((r) => r.path.endsWith('/') && path.startsWith(r.path));
  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = req.headers.host?.toLowerCase();
    if (hostHeader === undefined || !names.has(hostName(hostHeader))) {
      return reply(res, 421, 'Host not allowed');
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const route = find(query === -1 ? url : url.slice(0, query));
    if (route === undefined) return reply(res, 404, 'Not found');
    const methods = route.methods ?? ['GET'];
    if (!methods.includes(req.method ?? '')) {
      return reply(res, 405, 'Method not allowed', { allow: methods.join(', ') });
    }
    await route.handle(req, res);
  };
  const server = createServer((req, res) => {
    listener(req, res).catch((error: unknown) => {
      logger.error(`Operations endpoint ${req.url ?? ''} failed: ${errorMessage(error)}`);
      if (!res.headersSent) reply(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    host,
    port,
    url: `http://${bracketed(host)}:${port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
