import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/**
 * Anything that accepts a server-side SDK transport: the SDK's `Server` or `McpServer`, or a
 * `ProviderServer` from `@org/core`. `connect` is called once per client session.
 */
export interface ConnectableServer {
  /** Serves one client session over `transport` (the server starts the transport). */
  connect(transport: Transport): Promise<void>;
}

/** How a stdio child's standard error is handled. */
export type StderrMode = 'inherit' | 'pipe' | 'ignore';

/** A backend started as a child process speaking MCP over stdio. */
export interface StdioTarget {
  /** The program to run (looked up on `PATH`). */
  command: string;
  /** Its arguments. */
  args?: string[];
  /**
   * Variables added to the child's environment (they win over inherited ones). Besides these
   * and those named in {@link StdioTarget.inheritEnv}, the child gets only
   * {@link DEFAULT_INHERITED_ENV}, each when set: on POSIX systems `HOME`, `LOGNAME`, `PATH`,
   * `SHELL`, `TERM`, `USER`, `LANG`, `LC_ALL`, `LC_CTYPE`, `TZ` and `TMPDIR`; on Windows the
   * SDK's list. The proxy's own secrets are never inherited unasked.
   */
  env?: Record<string, string>;
  /** Names of further variables to copy from the proxy's environment. */
  inheritEnv?: string[];
  /** The working directory. */
  cwd?: string;
  /**
   * Keep the child running after a connection closes and reuse it for the next connection
   * (one connection at a time). A child that died is restarted on the next connect.
   * @default false
   */
  keepAlive?: boolean;
  /**
   * `inherit` writes the child's stderr to the proxy's; `pipe` captures it (see
   * {@link ConnectorOptions.onStderr}); `ignore` discards it.
   * @default 'inherit'
   */
  stderr?: StderrMode;
  /** A name for messages and logs. Defaults to the command's base name. */
  name?: string;
}

/** The wire protocol of a remote backend. */
export type HttpTransportKind = 'http' | 'streamable-http' | 'sse';

/** A remote backend reached over HTTP. */
export interface HttpTarget {
  /** The endpoint, used verbatim. */
  url: string | URL;
  /**
   * `sse` for the legacy HTTP+SSE transport, `http` or `streamable-http` for streamable HTTP.
   * When unset, a path matching `/sse` (followed by `/`, `?`, `&` or the end) means SSE.
   */
  transport?: HttpTransportKind;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** A bearer token, sent as `Authorization: Bearer <auth>`. */
  auth?: string;
  /**
   * Reach the backend as each caller: every request carries a token obtained by exchanging the
   * caller's front token (RFC 8693) instead of `auth`. Connections then need
   * {@link ConnectOptions.subjectToken}.
   */
  tokenExchange?: import('./tokenExchange').TokenExchangeOptions;
  /**
   * Sign in to the backend with OAuth (the MCP authorization spec): tokens come from a store,
   * one grant per backend URL and per front principal, obtained by `org-mcp-proxy login` (see
   * `loginBackend`) and refreshed before they expire. Connections take the principal from
   * {@link ConnectOptions.principal}.
   */
  oauth?: import('./oauthOptions').OAuthBackendOptions;
  /** A name for messages and logs. Defaults to the URL's host. */
  name?: string;
  /** A fetch implementation (defaults to the global one). */
  fetch?: FetchLike;
}

/** A server living in this process, reached through a linked in-memory transport pair. */
export interface InProcessTarget {
  /**
   * The server, or a factory returning a fresh one per connection. An SDK `Server` can be
   * connected only once: pass a factory to connect more than once.
   */
  server: ConnectableServer | (() => ConnectableServer | Promise<ConnectableServer>);
  /** A name for messages and logs. @default 'in-process' */
  name?: string;
}

/**
 * Everything that can name a backend: a URL (string or `URL`), a command spec, an HTTP target,
 * an in-process target, or a server object.
 */
export type BackendTarget =
  | string
  | URL
  | StdioTarget
  | HttpTarget
  | InProcessTarget
  | ConnectableServer;

/** The kind of connection a connector opens. */
export type ConnectorKind = 'stdio' | 'streamable-http' | 'sse' | 'in-memory';

/** Options of one connection opened by a {@link BackendConnector}. */
export interface ConnectOptions {
  /**
   * Extra HTTP headers for this connection only (for example headers forwarded from the
   * client's own request). Headers of the target win over these. Ignored by stdio and in-memory.
   */
  headers?: Record<string, string>;
  /**
   * Headers each POST takes from the client request it is sent for, at send time (see
   * `RequestHeaders`); `headers` then hold only what messages serving no client request carry.
   * Ignored by stdio and in-memory.
   */
  requestHeaders?: import('./requestHeaders').RequestHeaders;
  /**
   * The front token of the caller the message being sent now serves, for a target with
   * `tokenExchange` (the connection's own caller for messages serving no request).
   * Ignored otherwise.
   */
  subjectToken?: () => string | undefined;
  /**
   * The subject of the front's OAuth caller the message being sent now serves, for a target
   * with `oauth`: its grant is used. Undefined (or no getter) means the proxy's own grant.
   * Ignored otherwise.
   */
  principal?: () => string | undefined;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** Options of {@link createConnector}. */
export interface ConnectorOptions {
  /** Where the connector reports what it does. @default noopLogger */
  logger?: import('../logger').Logger;
  /** Receives each chunk a stdio child writes to stderr when its `stderr` mode is `pipe`. */
  onStderr?: (chunk: string) => void;
  /**
   * How long a stdio child gets to exit after SIGTERM before SIGKILL.
   * @default 2000
   */
  killGraceMs?: number;
  /**
   * Called when a stdio child exits, for whatever reason: closed, crashed or killed, with a
   * connection open or while kept alive and idle. A connector restarts a dead kept child on the
   * next connect; this callback only reports.
   */
  onExit?: (exit: ChildExitInfo) => void;
  /**
   * A limit on the stdio children running at once, shared by the connectors given the same
   * {@link ChildLimit}: a connection that would start one more child beyond it is refused with
   * a `BACKEND_UNAVAILABLE` error naming the backend and the limit. None by default
   * (`createProxy` makes one per proxy from its `maxChildren`).
   */
  childLimit?: import('./childLimit').ChildLimit;
}

/** How a stdio child ended, as reported to {@link ConnectorOptions.onExit}. */
export interface ChildExitInfo {
  /** The name of the backend. */
  name: string;
  /** The child's process id. */
  pid: number;
  /** The exit code, or `null` when a signal ended the child. */
  code: number | null;
  /** The signal that ended the child, or `null` when it exited by itself. */
  signal: NodeJS.Signals | null;
}

/**
 * Opens connections to one backend. A connector is made once per target and outlives the
 * connections it opens: each {@link BackendConnector.connect} returns a new, not yet started SDK
 * client transport. `close()` releases whatever the connector keeps (a kept-alive child).
 */
export interface BackendConnector {
  /** A name for messages: the target's `name`, the command's base name, or the URL's host. */
  readonly name: string;
  /** What kind of connection this connector opens. */
  readonly kind: ConnectorKind;
  /** A description safe for logs and errors (no credentials, no environment values). */
  describe(): string;
  /** Opens a new connection; the caller starts it (for example with `client.connect`). */
  connect(options?: ConnectOptions): Promise<Transport>;
  /** Releases everything the connector keeps. Connections already open are closed too. */
  close(): Promise<void>;
}
