import { AUTH_TOKEN_ENV, CLI_NAME } from './cliConfig';

/** The hint printed after a usage error. */
export const USAGE_HINT = `Run ${CLI_NAME} --help for usage`;

/** The text `--help` prints. */
export function helpText(): string {
  return `Usage:
  ${CLI_NAME} <url | config.json> [options]
  ${CLI_NAME} [options] -- <command> [args...]
  ${CLI_NAME} pins [list | approve <server>/<tool>... | --all] [--config <config.json>]
  ${CLI_NAME} login <server | url> [--config <config.json>] [--principal <subject>]
  ${CLI_NAME} logout <server | url> [--config <config.json>] [--principal <subject>]
  ${CLI_NAME} auth status [--config <config.json>]

Runs an MCP proxy in front of a backend: a remote server (an http or https URL; a path
ending in /sse means legacy SSE), the servers of an "mcpServers" JSON config file (several
servers are composed under namespaces: a_echo, b_echo), or a command started as a child
process speaking MCP over stdio. A config file may also hold a "policy" section (who sees
and calls what, rate limits, tool pinning) and a "front" section (the front's OAuth, like
the --oauth-* options); "pins" lists and approves pinned tool definitions (docs/policy.md).
A remote server with an "oauth" block is signed in to with "login" (its grant is stored,
mode 0600, and refreshed by the running proxy); "auth status" lists the grants, "logout"
forgets one (docs/oauth-backends.md). Each takes --help.

Front (how clients reach the proxy):
  --transport <stdio|http|sse>  stdio (default): MCP on this process's stdin and stdout,
                                logs on stderr only. http: streamable HTTP, plus legacy SSE
                                on the same server. sse: the same server, SSE URL announced.
                                With http or sse, one line "Proxy listening on <url>" is
                                printed to stderr.
  --host <address>              Address to bind (default 127.0.0.1)
  --port <port>                 Port to bind; 0 picks a free one (default 0)
  --path <path>                 Endpoint of the chosen transport (default /mcp for http,
                                /sse for sse)
  --auth-token <token>          Require "Authorization: Bearer <token>" (401 otherwise);
                                also read from ${AUTH_TOKEN_ENV}
  --oauth-issuer <url>          Take OAuth access tokens (JWT) of this authorization server
                                (repeatable) instead of a static token; 401 with
                                WWW-Authenticate and resource metadata otherwise
  --oauth-resource <url>        This endpoint's public URL: the audience tokens must name
                                (needed with --oauth-issuer)
  --oauth-scope <scope>         A scope every request needs (repeatable; 403 otherwise)
  --oauth-jwks <url>            The issuer's JWKS URL (default: from its metadata)
  --oauth-introspection <url>   Check tokens (opaque too) at this RFC 7662 endpoint instead,
                                as the client in ORG_MCP_PROXY_OAUTH_CLIENT_ID and
                                ORG_MCP_PROXY_OAUTH_CLIENT_SECRET; 503 while it fails
  --stateless                   Stateless streamable HTTP (no sessions)
  --allowed-host <host>         Accept this Host header too (repeatable); loopback names are
                                always accepted
  --cors                        Answer CORS preflights and add CORS headers
  --max-sessions <n>            The most client sessions open at once, streamable HTTP and
                                SSE together (default 1000; 0 no limit); beyond it a new
                                session gets 503 with Retry-After, open ones keep working
  --idle-timeout <ms>           Close a client session idle this long (default 1800000, 30
                                minutes; 0 never)
  --max-body <bytes>            The largest request body accepted (default 4194304, 4 MiB);
                                larger ones get 413

Backend:
  --strategy <name>             per-session (default): one backend session per client
                                session; per-request: one per request; shared: one for all
                                clients (stateless backends only)
  --cache-ttl <ms>              How long component lists are cached (default 300000; 0 off)
  --cache-scope <session|shared>
                                session: lists cached per backend session (the default with
                                per-session); shared: one list for every session with the same
                                forwarded headers (the default with per-request and shared)
  --refresh-on-list             Make every client list ask the backend (the cache then
                                serves only the lookups of calls, reads and renders)
  --timeout <ms>                Backend request timeout (default 60000); progress restarts
                                it, and it is paused while the backend waits on the client
                                (sampling, elicitation, roots)
  --max-total-timeout <ms>      The most a backend request may take in all (default none)
  --list-deadline <ms>          With several servers: how long initialize and lists wait for
                                each one before serving the others (default 5000)
  --forward-header <name>       Pass this client request header to HTTP backends
                                (repeatable; none by default)
  --env <KEY=VALUE>             Add a variable to a command backend's environment
                                (repeatable); it gets only PATH, HOME and a few safe others
  --max-children <n>            The most command backend children running at once, for all
                                servers together (default 100; 0 no limit); beyond it a new
                                client session's backend is refused with an error naming it

General:
  --name <name>                 Server name announced to clients (default ${CLI_NAME})
  --log-level <level>           debug, info (default), warn, error or silent
  --drain-timeout <ms>          On SIGTERM or SIGINT: refuse new requests and let those in
                                flight finish for up to this long (default 10000; 0 cuts
                                them off at once)
  --log-format <text|json>      text (default): readable lines; json: one JSON object per
                                line with request id, session, server, method, duration and
                                outcome; secrets redacted either way

Operations (see docs/operations.md):
  --metrics                     Serve Prometheus metrics on /metrics of the HTTP front (with
                                its auth); /healthz and /readyz are always served there
  --metrics-port <port>         Serve /metrics, /healthz and /readyz on this port of --host
                                too, without auth (works with the stdio front)
  --audit-log <file | ->        One JSON line per tool call, resource read and prompt
                                render (principal, server, name, outcome, duration) to this
                                file, or - for stdout (HTTP fronts only)
  --audit-arguments             Put arguments in the audit log too (left out by default)
  --otel                        Start OpenTelemetry tracing (also on when
                                OTEL_EXPORTER_OTLP_ENDPOINT is set); traceparent reaches
                                backends in _meta and HTTP headers
  --dashboard                   Serve a live dashboard at /dashboard/ of the HTTP front,
                                with the front's auth (behind OAuth: sign in with an
                                access token the front accepts)
  --dashboard-scope <scope>     Behind OAuth: a scope a token needs to open the dashboard
                                (repeatable)
  --no-watch                    With a config file: do not reload it when it changes
                                (SIGHUP still reloads it). Servers added, removed or changed
                                take effect without dropping the sessions of the others; an
                                invalid file is rejected and the old config keeps serving
  -h, --help                    Show this help
  -v, --version                 Show the version

Examples:
  ${CLI_NAME} https://example.com/mcp --transport http --port 8080
  ${CLI_NAME} mcp.json --transport http --auth-token "$TOKEN"
  ${CLI_NAME} --transport sse -- npx -y @modelcontextprotocol/server-everything

Exit codes: 0 after a clean shutdown (SIGINT, SIGTERM, or stdin closed with the stdio
front), 1 when the proxy fails while running, 2 for bad arguments, a bad config file, a
command that cannot be started or an address that cannot be bound (a port in use).
3 after a shutdown whose drain deadline passed with requests still in flight (they were
cut off); 130 or 143 when a second SIGINT or SIGTERM ended the shutdown at once.
`;
}
