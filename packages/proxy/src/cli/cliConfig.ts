import type { LogLevelName, OAuthFrontOptions } from '@org/transports';
import type { CacheScope } from '../provider/listCache';
import type { SessionStrategy } from '../server/sessionStrategy';

/** The name of the command-line program (the `bin` of `@org/proxy`). */
export const CLI_NAME = 'org-mcp-proxy';

/** The environment variable read for the bearer token when `--auth-token` is not given. */
export const AUTH_TOKEN_ENV = 'ORG_MCP_PROXY_AUTH_TOKEN';

/** How the CLI serves its own clients (the front transport). */
export type CliTransport = 'stdio' | 'http' | 'sse';

/** The front transports, for validation and the help text. */
export const CLI_TRANSPORTS: readonly CliTransport[] = ['stdio', 'http', 'sse'];

/** The log levels of `--log-level`, lowest first. */
export const CLI_LOG_LEVELS: readonly LogLevelName[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** The formats of `--log-format`. */
export type CliLogFormat = 'text' | 'json';

/** The log formats, for validation and the help text. */
export const CLI_LOG_FORMATS: readonly CliLogFormat[] = ['text', 'json'];

/** How the running proxy is observed and operated (see docs/operations.md). */
export interface CliOperationsConfig {
  /** `text` (one readable line per message) or `json` (one JSON object per line, pino). @default 'text' */
  logFormat: CliLogFormat;
  /** Serve Prometheus metrics on `/metrics` of the HTTP front. @default false */
  metrics: boolean;
  /** Serve `/metrics`, `/healthz` and `/readyz` on their own port of `--host` too, when set. */
  metricsPort?: number;
  /** Where the audit log goes: a file path, or `-` for standard output; off when unset. */
  auditLog?: string;
  /** Put tool and prompt arguments in the audit log. @default false */
  auditArguments: boolean;
  /** Start the OpenTelemetry SDK (`--otel`, or `OTEL_EXPORTER_OTLP_ENDPOINT` set). @default false */
  otel: boolean;
  /** Serve the live dashboard under `/dashboard/` of the HTTP front. @default false */
  dashboard: boolean;
  /** Behind an OAuth front: scopes a token needs to open the dashboard (`--dashboard-scope`). */
  dashboardScopes?: string[];
  /**
   * Reload the config file when it changes (SIGHUP reloads it either way); `false` with
   * `--no-watch`. Only a config file backend is reloaded. @default true
   */
  watch?: boolean;
}

/** What the CLI proxies: a URL, an `mcpServers` config file, or a command run over stdio. */
export type CliBackend =
  | {
      /** An http(s) URL: streamable HTTP, or legacy SSE when the path is `/sse`. */
      kind: 'url';
      /** The URL, verbatim. */
      url: string;
    }
  | {
      /** A JSON file with `mcpServers`. */
      kind: 'config';
      /** Its path, as given. */
      file: string;
    }
  | {
      /** A child process speaking MCP over stdio. */
      kind: 'command';
      /** The program. */
      command: string;
      /** Its arguments. */
      args: string[];
      /** Variables added to the child's environment (`--env KEY=VALUE`). */
      env: Record<string, string>;
    };

/** The HTTP front's settings (used with `--transport http` or `sse`). */
export interface CliHttpConfig {
  /** The address to bind. @default '127.0.0.1' */
  host: string;
  /** The port; `0` picks a free one. @default 0 */
  port: number;
  /** The endpoint of the chosen transport (`/mcp` for http, `/sse` for sse) when set. */
  path?: string;
  /** The bearer token every request needs, when set. */
  authToken?: string;
  /**
   * The front as an OAuth resource server (`--oauth-issuer`, `--oauth-resource`,
   * `--oauth-scope`, `--oauth-jwks`), when set; exclusive with `authToken`.
   */
  oauth?: OAuthFrontOptions;
  /** Stateless streamable HTTP (no sessions). @default false */
  stateless: boolean;
  /** Host header values accepted besides the loopback names. */
  allowedHosts: string[];
  /** Answer CORS preflights and add CORS headers. @default false */
  cors: boolean;
  /**
   * The most client sessions open at once (streamable HTTP and SSE together), when set; `0`
   * for no limit. Beyond it a new session gets HTTP 503 with `Retry-After`.
   * @default 1000
   */
  maxSessions?: number;
  /** Close a client session idle this long, in milliseconds, when set; `0` never. @default 1800000 */
  sessionIdleTimeoutMs?: number;
  /** The largest request body accepted, in bytes, when set (413 above). @default 4194304 */
  maxBodyBytes?: number;
}

/** A validated command line: everything {@link runCli} needs to run a proxy. */
export interface CliConfig {
  /** What to proxy. */
  backend: CliBackend;
  /** How to serve clients. @default 'stdio' */
  transport: CliTransport;
  /** The HTTP front's settings (ignored with the stdio front). */
  http: CliHttpConfig;
  /** How backend sessions map to client sessions. @default 'per-session' */
  strategy: SessionStrategy;
  /** The component list cache's lifetime in milliseconds, when set (0 disables it). */
  cacheTtlMs?: number;
  /** Which backend answers share cached lists, when set (else it follows the strategy). */
  cacheScope?: CacheScope;
  /** Make every client list ask the backend (the cache then serves lookups only). */
  refreshOnList?: boolean;
  /** The backend request timeout in milliseconds, when set (progress restarts it). */
  requestTimeoutMs?: number;
  /** The most a backend request may take in all, progress or not, in milliseconds, when set. */
  maxTotalTimeoutMs?: number;
  /** How long a multi-server list or initialize waits for each backend, in milliseconds, when set. */
  listDeadlineMs?: number;
  /** HTTP headers of client requests passed on to HTTP backends. */
  forwardHeaders: string[];
  /**
   * The most stdio backend children running at once, across all command backends, when set;
   * `0` for no limit. Beyond it a new session's backend is refused with an error naming it.
   * @default 100
   */
  maxChildren?: number;
  /** The lowest level logged to standard error. @default 'info' */
  logLevel: LogLevelName;
  /** The server name announced to clients. @default 'org-mcp-proxy' */
  name: string;
  /**
   * On SIGTERM or SIGINT, how long client requests in flight may take to finish before the
   * proxy closes anyway, in milliseconds, when set (`0` cuts them off at once).
   * @default 10000
   */
  drainTimeoutMs?: number;
  /** Metrics, logs, audit, traces, dashboard and reload. @default all off */
  operations?: CliOperationsConfig;
}

/** What a command line asks for: help, the version, or running a proxy. */
export type CliCommand =
  | {
      /** Print the help text. */
      action: 'help';
    }
  | {
      /** Print the version. */
      action: 'version';
    }
  | {
      /** Run a proxy. */
      action: 'run';
      /** The validated settings. */
      config: CliConfig;
    };
