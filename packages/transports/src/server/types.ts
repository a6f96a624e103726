import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ConnectableServer } from '../client/targets';
import type { Logger } from '../logger';
import type { EventStore } from './eventStore';
import type { OAuthFrontOptions } from './oauthFront';

/** What a server factory learns about the client session it is asked to serve. */
export interface SessionInfo {
  /** The session id (`Mcp-Session-Id` for streamable HTTP, the SSE session id), if any. */
  sessionId?: string;
  /** The transport kind serving the session. */
  transport: 'stdio' | 'streamable-http' | 'sse' | 'in-memory';
}

/**
 * What a serve function serves: a server that can connect many transports (such as a
 * `ProviderServer`), or a factory that returns a fresh server per client session (needed for
 * the SDK's `Server` and `McpServer`, which connect only once).
 */
export type ServeTarget =
  | ConnectableServer
  | ((session: SessionInfo) => ConnectableServer | Promise<ConnectableServer>);

/** Options of {@link serveHttp}. */
export interface HttpServeOptions {
  /** The address to bind. @default '127.0.0.1' */
  host?: string;
  /** The port; `0` picks a free one. @default 0 */
  port?: number;
  /** The streamable HTTP endpoint. @default '/mcp' */
  path?: string;
  /** Serve the legacy HTTP+SSE transport too (`/sse` and `/messages`). @default true */
  sse?: boolean;
  /** The legacy SSE stream endpoint. @default '/sse' */
  ssePath?: string;
  /** The legacy SSE message endpoint. @default '/messages' */
  messagesPath?: string;
  /**
   * Stateless streamable HTTP: no `Mcp-Session-Id`; every POST gets a fresh server, closed
   * after the response.
   * @default false
   */
  stateless?: boolean;
  /** When set, every request needs `Authorization: Bearer <authToken>` (401 otherwise). */
  authToken?: string;
  /**
   * Act as an OAuth 2.1 resource server (MCP authorization spec): serve the RFC 9728 metadata,
   * validate JWT access tokens, answer 401/403 with `WWW-Authenticate`. Exclusive with `authToken`.
   */
  oauth?: OAuthFrontOptions;
  /**
   * Host header values accepted besides `localhost`, `127.0.0.1` and `[::1]` (bare or with the
   * bound port) and the bound address itself. An entry without a port (`example.com`) matches
   * any port; one with a port (`example.com:8443`) matches exactly. DNS rebinding protection
   * rejects any other host with 403.
   */
  allowedHosts?: string[];
  /**
   * Origin header values accepted besides the loopback origins (`http(s)://localhost`,
   * `127.0.0.1` or `[::1]`, any port). Requests without an Origin are accepted; others get 403.
   */
  allowedOrigins?: string[];
  /**
   * Turn DNS rebinding protection (the Host and Origin checks) off; only behind a proxy that
   * checks them itself.
   * @default false
   */
  disableHostCheck?: boolean;
  /**
   * CORS: `true` answers preflights and adds CORS headers for every accepted origin; a list
   * names the origins (they are accepted by the Origin check too).
   * @default false
   */
  cors?: boolean | string[];
  /** The largest request body accepted, in bytes (413 above). @default 4194304 */
  maxBodyBytes?: number;
  /** Close a session after this long without requests or an open stream. 0 disables. @default 1800000 */
  sessionIdleTimeoutMs?: number;
  /**
   * The most client sessions open at once, streamable HTTP and legacy SSE together. Beyond it
   * a new session is refused with HTTP 503, `Retry-After` and a JSON-RPC error (-32000) naming
   * the limit (an `initialize` POST, or the GET of a legacy SSE stream); open sessions keep
   * working, and a session that ends (DELETE, idle timeout, disconnect) makes room again.
   * `0` (or `Infinity`) for no limit. Stateless mode has no sessions and ignores it.
   * @default 1000
   */
  maxSessions?: number;
  /**
   * How often an open SSE stream gets a `: ping` comment line, so that proxies and clients do
   * not drop it as idle. 0 disables.
   * @default 15000
   */
  sseKeepAliveMs?: number;
  /**
   * Where the SSE events of each streamable HTTP session are kept so that a client that lost a
   * stream can resume it: a GET with `Last-Event-ID` replays what followed that event on its
   * stream (a POST's response stream or the standalone GET stream). The default keeps them in
   * memory, bounded per session by `eventStoreMaxEvents` and `eventStoreMaxBytes` (oldest
   * evicted first), and releases them when the session ends. `false` turns resumability off
   * (events carry no ids). Stateless mode keeps no events.
   * @default an InMemoryEventStore
   */
  eventStore?: EventStore | false;
  /** The most events the default event store keeps per session. @default 1000 */
  eventStoreMaxEvents?: number;
  /** The most bytes of event data the default event store keeps per session. @default 4194304 */
  eventStoreMaxBytes?: number;
  /**
   * A POST whose answer has not come after this long switches to an SSE stream and sends a
   * priming event (an event id and no data), so that a client that loses the connection while
   * a slow tool runs can resume it and still get the result. Quicker answers stay plain JSON.
   * `0` switches at once. Only with resumability on (stateful mode, an event store).
   * @default 1000
   */
  ssePrimeAfterMs?: number;
  /**
   * The most bytes queued for one SSE stream whose client does not read (our queue plus the
   * socket's buffer). Beyond it the stream is closed (logged at warn level); with resumability
   * on, its events can still be replayed from the event store.
   * @default 8388608
   */
  maxSseQueueBytes?: number;
  /**
   * Close a streamable HTTP session, and what it owns, when its standalone GET stream dropped
   * and nothing came from its client (no POST, no new GET) for this long. A session that never
   * opened a GET stream is left to `sessionIdleTimeoutMs`. 0 disables.
   * @default 60000
   */
  clientGoneGraceMs?: number;
  /**
   * The health endpoint: `GET` answers 200 with `{"status":"ok","sessions":N}`. It is
   * host-checked but exempt from `authToken`, so that probes need no credentials.
   * @default '/health'
   */
  healthPath?: string;
  /**
   * More endpoints served beside MCP's (metrics, readiness, a dashboard): each is host- and
   * origin-checked like the MCP endpoint, and asks for the bearer token unless `public`.
   * Their paths must differ from the other endpoints'.
   */
  routes?: HttpRoute[];
  /** Where the server reports what it does. @default noopLogger */
  logger?: Logger;
}

/**
 * An endpoint of {@link HttpServeOptions.routes}.
 *
 * @example
 * ```ts
 * const ready: HttpRoute = {
 *   path: '/readyz',
 *   public: true,
 *   handle: (_req, res) => void res.writeHead(200).end('ok'),
 * };
 * await serveHttp(server, { routes: [ready] });
 * ```
 */
export interface HttpRoute {
  /** The path it answers: exactly, or every path under it when it ends with `/`. */
  path: string;
  /** The methods it answers (others get 405 with `Allow`). @default ['GET'] */
  methods?: readonly string[];
  /** Served without the bearer token (health probes). @default false */
  public?: boolean;
  /**
   * Answers a request. A thrown error or a rejection is logged and answered with 500 when
   * nothing was sent yet.
   */
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** A running HTTP server. */
export interface HttpServerHandle extends AsyncDisposable {
  /** The streamable HTTP endpoint URL, e.g. `http://127.0.0.1:43123/mcp`. */
  readonly url: string;
  /** The legacy SSE endpoint URL, when SSE is served. */
  readonly sseUrl: string | undefined;
  /** The bound host. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** The number of open client sessions (streamable HTTP and SSE). */
  sessionCount(): number;
  /**
   * Starts a graceful shutdown: a request that would open a session (an `initialize`, a legacy
   * SSE GET) gets 503 with `Retry-After`, while the sessions already open keep being served
   * (their calls finish, their clients' answers to sampling or elicitation get through, on new
   * connections too: an HTTP session is not a connection). Call `close()` once they are done.
   */
  drain(): void;
  /** Stops accepting connections, closes every session and resolves when all is released. */
  close(): Promise<void>;
}

/** Options of {@link serveStdio}. */
export interface StdioServeOptions {
  /** Where to read client messages. @default process.stdin */
  stdin?: NodeJS.ReadableStream;
  /** Where to write server messages. @default process.stdout */
  stdout?: NodeJS.WritableStream;
  /** Where the server reports what it does. @default noopLogger */
  logger?: Logger;
}

/** A running stdio server. */
export interface StdioServerHandle extends AsyncDisposable {
  /** Resolves when the client goes away (stdin ends) or `close()` is called. */
  readonly closed: Promise<void>;
  /** Closes the session. */
  close(): Promise<void>;
}

/** A server connected to an in-memory client transport. */
export interface InMemoryConnection extends AsyncDisposable {
  /** The client side: pass it to an SDK `Client`'s `connect`. */
  readonly clientTransport: Transport;
  /** Closes both sides. */
  close(): Promise<void>;
}
