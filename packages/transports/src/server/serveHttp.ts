import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProxyError, ProxyErrorCode } from '../errors';
import type { HttpContext } from './httpContext';
import { resolveHttpOptions } from './httpOptions';
import { createRequestListener } from './httpRouter';
import { OAuthFront } from './oauthFront';
import { formatHost, RequestGuards } from './requestGuards';
import { SessionRegistry } from './sessionRegistry';
import type { HttpServeOptions, HttpServerHandle, ServeTarget } from './types';

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      const message = `HTTP server cannot listen on: ${formatHost(host)}:${port}`;
      reject(new ProxyError(ProxyErrorCode.InvalidConfig, message, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function shutdown(server: Server, context: HttpContext): Promise<void> {
  context.closing = true;
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.allSettled([
    context.sessions.closeAll(),
    context.sseSessions.closeAll(),
    ...[...context.statelessTransports].map((transport) => transport.close()),
  ]);
  // Let the ends of the streams just closed reach their sockets, then drop every connection.
  server.closeIdleConnections();
  await new Promise((resolve) => setImmediate(resolve));
  server.closeAllConnections();
  await stopped;
}

/**
 * Serves MCP clients over HTTP: streamable HTTP (MCP 2025-11-25) at `path`, and the legacy
 * HTTP+SSE transport at `ssePath`/`messagesPath` unless `sse` is false.
 *
 * Each client session gets the server of `target` (a factory is called once per session, or
 * per POST in stateless mode). Closing a session (DELETE, SSE disconnect, idle timeout,
 * `close()`) closes its transport, which makes the server release what the session owns.
 *
 * Answers to a POST are lazy: a request whose first outgoing message is its response is
 * answered as plain JSON, anything else (progress, logs, sampling or elicitation requests)
 * turns the answer into an SSE stream. Requests are checked against DNS rebinding (Host and
 * Origin headers), bearer auth (`authToken`, not needed for the health endpoint) and the body
 * size limit.
 *
 * @example
 * ```ts
 * const handle = await serveHttp(() => createMyMcpServer(), { port: 3000 });
 * console.log(`MCP at ${handle.url}`);
 * // ...
 * await handle.close();
 * ```
 * @throws ProxyError with code `INVALID_CONFIG` for bad options or when the port is taken
 */
export async function serveHttp(
  target: ServeTarget,
  options: HttpServeOptions = {},
): Promise<HttpServerHandle> {
  const resolved = resolveHttpOptions(options);
  const server = createServer({ keepAlive: true });
  const port = await listen(server, resolved.port, resolved.host);
  const registryOptions = { idleTimeoutMs: resolved.sessionIdleTimeoutMs, logger: resolved.logger };
  const context: HttpContext = {
    target,
    options: resolved,
    guards: new RequestGuards(resolved, port),
    ...(resolved.oauth ? { oauth: new OAuthFront(resolved.oauth, resolved.path) } : {}),
    sessions: new SessionRegistry(registryOptions),
    sseSessions: new SessionRegistry({ ...registryOptions, idleTimeoutMs: 0 }),
    statelessTransports: new Set(),
    closing: false,
    draining: false,
  };
  server.on('request', createRequestListener(context));
  const base = `http://${formatHost(resolved.host)}:${port}`;
  resolved.logger.info(`Serving MCP over HTTP at: ${base}${resolved.path}`);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= shutdown(server, context);
    return closing;
  };
  return {
    url: `${base}${resolved.path}`,
    sseUrl: resolved.sse ? `${base}${resolved.ssePath}` : undefined,
    host: resolved.host,
    port,
    sessionCount: () => context.sessions.size + context.sseSessions.size,
    drain: () => {
      if (context.draining || context.closing) return;
      // Connections stay open and accepted: an HTTP session is not a connection, and a client
      // of an open session may need a new one to send its next message (the answer to a
      // sampling request of a call that is finishing).
      context.draining = true;
      resolved.logger.info('Draining: no new sessions are accepted');
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
