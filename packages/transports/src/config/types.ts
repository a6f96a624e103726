import type { HttpTarget, HttpTransportKind, StderrMode, StdioTarget } from '../client/targets';

/**
 * How one backend tool is presented through the proxy (FastMCP's `ToolTransformConfig`
 * subset). Keys not listed here are kept as they are.
 */
export interface ToolOverrideConfig {
  /** The name the tool is exposed under. Defaults to the backend name. */
  name?: string;
  /** Replaces the tool's description. */
  description?: string;
  /** Replaces the tool's tags (which `include_tags` / `exclude_tags` then see). */
  tags?: string[];
  /** `false` hides the tool. @default true */
  enabled?: boolean;
  /** Further keys, kept verbatim. */
  [key: string]: unknown;
}

/** Keys shared by stdio and remote server entries: proxy options in FastMCP's spelling. */
export interface ServerConfigBase {
  /** Expose only the tools carrying at least one of these tags. */
  include_tags?: string[];
  /** Hide the tools carrying any of these tags. */
  exclude_tags?: string[];
  /** Per-tool overrides, keyed by the backend tool name. */
  tools?: Record<string, ToolOverrideConfig>;
  /** `true` skips the server. @default false */
  disabled?: boolean;
  /**
   * `true` makes the proxy unready (`/readyz` answers 503) while this server is down. When no
   * server is marked, the proxy is ready while any is up. @default false
   */
  required?: boolean;
  /** A human-readable description of the server. */
  description?: string;
  /** Further keys, kept verbatim. */
  [key: string]: unknown;
}

/** A server entry started as a child process speaking MCP over stdio. */
export interface StdioServerConfig extends ServerConfigBase {
  /** The program to run (looked up on `PATH`). */
  command: string;
  /** Its arguments. */
  args?: string[];
  /** Variables added to the child's environment (secrets: never shown in messages). */
  env?: Record<string, string>;
  /** The working directory. */
  cwd?: string;
  /** VS Code's spelling of the transport; only `stdio` is valid here. */
  type?: 'stdio';
  /** FastMCP's spelling of the transport; only `stdio` is valid here. */
  transport?: 'stdio';
  /** Keep the child running between connections. Wins over `keep_alive`. */
  keepAlive?: boolean;
  /** FastMCP's spelling of `keepAlive`. */
  keep_alive?: boolean;
  /** How the child's standard error is handled. @default 'inherit' */
  stderr?: StderrMode;
}

/** A server entry reached over HTTP (streamable HTTP or legacy SSE). */
export interface RemoteServerConfig extends ServerConfigBase {
  /** The endpoint, an http(s) URL, used verbatim. */
  url: string;
  /**
   * The wire protocol. When neither this nor `type` is set, a URL path matching `/sse` means
   * SSE and anything else streamable HTTP. Wins over `type`.
   */
  transport?: HttpTransportKind;
  /** VS Code's spelling of `transport`. */
  type?: HttpTransportKind;
  /** Headers sent with every request (secrets: never shown in messages). */
  headers?: Record<string, string>;
  /** A bearer token, sent as `Authorization: Bearer <auth>` (never shown in messages). */
  auth?: string;
  /**
   * Reach the server as each caller of an OAuth front: its front token is exchanged (RFC 8693)
   * for a token of this server. Exclusive with `auth` and an `authorization` header.
   */
  token_exchange?: TokenExchangeConfig;
  /**
   * Sign in to the server with OAuth: grants come from `org-mcp-proxy login` and are refreshed
   * before they expire. Exclusive with `auth`, `token_exchange` and an `authorization` header.
   * FastMCP's `"auth": "oauth"` means the same as an empty block.
   */
  oauth?: OAuthConfig;
}

/** The `oauth` block of a remote entry (string values support `${VAR}`). */
export interface OAuthConfig {
  /** A client id registered at the server's authorization server (else one is registered). */
  client_id?: string;
  /** Its secret, for a confidential client (never shown in messages). */
  client_secret?: string;
  /** An https URL of a client ID metadata document naming the proxy. */
  client_metadata_url?: string;
  /** The scopes asked for. Default: those the server's metadata lists. */
  scopes?: string[];
  /** The loopback port `login` waits on (for a client registered with a fixed redirect URI). */
  redirect_port?: number;
  /** The token store file, relative to the config file. Default: the user's store. */
  token_store?: string;
}

/** The `token_exchange` block of a remote entry (values support `${VAR}`). */
export interface TokenExchangeConfig {
  /** The authorization server's token endpoint. */
  token_endpoint: string;
  /** The proxy's client id there. */
  client_id: string;
  /** Its secret: a `${VAR}` reference (never shown in messages). */
  client_secret: string;
  /** The server's resource indicator (RFC 8707). @default the entry's `url` */
  resource?: string;
  /** A logical audience, for servers that want one. */
  audience?: string;
  /** Scopes to ask for, space-separated. */
  scope?: string;
  /** Further keys, kept verbatim. */
  [key: string]: unknown;
}

/** A server entry with `disabled: true`: kept verbatim, neither validated nor expanded. */
export interface DisabledServerConfig {
  /** Marks the entry as skipped. */
  disabled: true;
  /** The rest of the entry, kept verbatim. */
  [key: string]: unknown;
}

/** One enabled, validated server entry: stdio or remote. */
export type McpServerConfig = StdioServerConfig | RemoteServerConfig;

/**
 * A validated `mcpServers` config. Whatever shape was read (Claude Desktop's `mcpServers`,
 * VS Code's `servers`, or a bare server map), the servers are under `mcpServers`; every other
 * top-level key (such as VS Code's `inputs`) is kept as it was.
 */
export interface McpConfig {
  /** The servers by name, in file order. */
  mcpServers: Record<string, McpServerConfig | DisabledServerConfig>;
  /** Further top-level keys, kept verbatim. */
  [key: string]: unknown;
}

/** The proxy options of one server, in camelCase. */
export interface McpServerOptions {
  /** Expose only the tools carrying at least one of these tags. */
  includeTags?: string[];
  /** Hide the tools carrying any of these tags. */
  excludeTags?: string[];
  /** Per-tool overrides, keyed by the backend tool name. */
  tools?: Record<string, ToolOverrideConfig>;
  /** A human-readable description of the server. */
  description?: string;
  /** Whether readiness needs this server up (see `ServerConfigBase.required`). */
  required?: boolean;
}

/** One enabled server of a config, ready to connect. */
export interface McpServerEntry {
  /** The server's name: its key in the config. */
  name: string;
  /** Where the server is reached; its `name` is the server's name. */
  target: StdioTarget | HttpTarget;
  /** How the proxy presents the server's components. */
  options: McpServerOptions;
}

/** Options of {@link parseMcpConfig} and {@link loadMcpConfig}. */
export interface ParseMcpConfigOptions {
  /**
   * What error messages call the config. {@link loadMcpConfig} passes the file path as given.
   * @default 'config'
   */
  source?: string;
  /** Where `${VAR}` references are looked up. @default process.env */
  env?: Record<string, string | undefined>;
}
