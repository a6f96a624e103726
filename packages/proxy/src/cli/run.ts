import {
  type ConnectableServer,
  checkConfigCommands,
  type HttpRoute,
  type HttpServeOptions,
  type Logger,
  loadMcpConfig,
  type McpConfig,
  redactUrl,
  serveHttp,
  serveStdio,
} from '@org/transports';
import { type CreateProxyOptions, createProxy, type ProxyTarget } from '../createProxy';
import { createCliLogger } from '../ops/cliLogs';
import { dashboardUrl } from '../ops/dashboard/dashboardRoutes';
import { configSecrets, redactorOf } from '../ops/redact';
import type { ProxyServer } from '../server/proxyServer';
import { AUTH_TOKEN_ENV, type CliConfig } from './cliConfig';
import { usageError } from './cliValues';
import { checkCommand } from './commandCheck';
import { ConfigReloader, type ConfigReloadOutcome } from './configReload';
import { type CliDrainResult, DrainGate } from './drainGate';
import { frontOAuthOf } from './frontConfig';
import { checkOAuthConflicts } from './oauthArgs';
import { type RunningOperations, startOperations } from './operations';
import { packageVersion } from './packageVersion';
import { signInForFront } from './signInFront';

/** The streams the CLI uses; the process's own by default. */
export interface CliIo {
  /** Where the stdio front reads client messages. @default process.stdin */
  stdin: NodeJS.ReadableStream;
  /** Where the stdio front writes server messages. @default process.stdout */
  stdout: NodeJS.WritableStream;
  /** Where the listening line goes. @default process.stderr */
  stderr: NodeJS.WritableStream;
  /**
   * Where logs go. @default at the configured level, with secrets masked: a text console
   * logger on the process's stderr, or JSON lines on `stderr` with `--log-format json`
   */
  logger?: Logger;
}

/** A running CLI proxy. */
export interface CliHandle {
  /** The streamable HTTP endpoint URL, with an HTTP front. */
  readonly url: string | undefined;
  /** The legacy SSE endpoint URL, with an HTTP front. */
  readonly sseUrl: string | undefined;
  /**
   * Resolves when the front ends by itself (the stdio client closed stdin) or `close()` is
   * called. The proxy is not closed yet then: call `close()`.
   */
  readonly closed: Promise<void>;
  /** Closes the front, then the proxy (releasing backend sessions and killing children). */
  close(): Promise<void>;
  /**
   * Stops taking new work and waits for the client requests in flight, up to `timeoutMs`.
   * From the call on, every new client request (a new session's `initialize` included) is
   * answered at once with a JSON-RPC error (-32000, `Proxy is shutting down: ...`); answers to
   * the proxy's own requests (sampling, elicitation, roots) and notifications still pass, so
   * calls in flight can finish. When the deadline passes, each request still in flight is
   * answered with a JSON-RPC error (`... cut off by the shutdown ...`). It closes nothing: call
   * `close()` next.
   */
  drain(timeoutMs: number): Promise<CliDrainResult>;
  /**
   * Reloads the config file now (what SIGHUP does), when the proxy serves one: a valid new
   * config is applied without dropping the sessions of unchanged servers; an invalid one is
   * rejected (logged, naming the field) and the old one goes on serving. `undefined` when the
   * proxy does not serve a config file.
   */
  reload(): Promise<ConfigReloadOutcome | undefined>;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** Loads what the proxy fronts; a config file is read and validated here. */
async function proxyTarget(config: CliConfig, logger: Logger): Promise<ProxyTarget> {
  const { backend } = config;
  if (backend.kind === 'url') {
    logger.info(`Proxying: ${redactUrl(backend.url)}`);
    // A remote server that wants OAuth is served with the grant `login <url>` stored; one that
    // wants none is served as before (no token is sent while no grant is stored).
    return { url: backend.url, oauth: {} };
  }
  if (backend.kind === 'config') {
    const loaded = await loadMcpConfig(backend.file);
    redactorOf(logger)?.addSecrets(configSecrets(loaded));
    checkConfigCommands(loaded, backend.file);
    logger.info(`Proxying the servers of: ${backend.file}`);
    return loaded;
  }
  const { command, args, env } = backend;
  checkCommand({ command, env });
  logger.info(`Proxying the command: ${command}`);
  return { command, args, env };
}

/**
 * `config` with the front's OAuth from the config file's `front.oauth` section, when it has one
 * (read at start: a reload does not change the front). Refused beside `--oauth-*` options and
 * beside what cannot go with OAuth; ignored, with a warning, by the stdio front.
 */
function withFrontSection(config: CliConfig, target: ProxyTarget, logger: Logger): CliConfig {
  if (config.backend.kind !== 'config') return config;
  const file = config.backend.file;
  const oauth = frontOAuthOf(target as McpConfig, process.env);
  if (!oauth) return config;
  if (config.transport === 'stdio') {
    logger.warn(`${file}: front.oauth is ignored: the stdio front has no HTTP authentication`);
    return config;
  }
  const subject = `front.oauth of ${file}`;
  if (config.http.oauth) {
    throw usageError(
      `${subject} cannot be combined with --oauth-issuer: give the front's OAuth one way`,
    );
  }
  checkOAuthConflicts(
    {
      ...(config.http.authToken !== undefined
        ? { tokenSource: `--auth-token (or ${AUTH_TOKEN_ENV})` }
        : {}),
      forwardHeaders: config.forwardHeaders.map((name) => name.toLowerCase()),
    },
    subject,
  );
  if (oauth.introspection) redactorOf(logger)?.addSecrets([oauth.introspection.clientSecret]);
  return { ...config, http: { ...config.http, oauth } };
}

function proxyOptions(config: CliConfig, logger: Logger): CreateProxyOptions {
  return {
    name: config.name,
    version: packageVersion(),
    strategy: config.strategy,
    cacheTtlMs: config.cacheTtlMs,
    cacheScope: config.cacheScope,
    refreshOnList: config.refreshOnList,
    requestTimeoutMs: config.requestTimeoutMs,
    maxTotalTimeoutMs: config.maxTotalTimeoutMs,
    listDeadlineMs: config.listDeadlineMs,
    forwardHeaders: config.forwardHeaders,
    ...(config.maxChildren !== undefined ? { maxChildren: config.maxChildren } : {}),
    logger,
    connector: { logger },
  };
}

function httpOptions(config: CliConfig, logger: Logger, routes: HttpRoute[]): HttpServeOptions {
  const { host, port, path, authToken, oauth, stateless, allowedHosts, cors } = config.http;
  const { maxSessions, sessionIdleTimeoutMs, maxBodyBytes } = config.http;
  const endpoint =
    path === undefined ? {} : config.transport === 'sse' ? { ssePath: path } : { path };
  return {
    host,
    port,
    ...endpoint,
    sse: true,
    stateless,
    authToken,
    ...(oauth !== undefined ? { oauth } : {}),
    allowedHosts,
    cors,
    ...(maxSessions !== undefined ? { maxSessions } : {}),
    ...(sessionIdleTimeoutMs !== undefined ? { sessionIdleTimeoutMs } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    routes,
    logger,
  };
}

/** Serves the proxy over the chosen front; returns the handle without the proxy's part. */
async function serveFront(
  proxy: ProxyServer | ConnectableServer,
  config: CliConfig,
  io: CliIo & { logger: Logger; routes: HttpRoute[] },
): Promise<
  Omit<CliHandle, 'close' | 'drain' | 'reload'> & {
    closeFront(): Promise<void>;
    stopAccepting(): void;
  }
> {
  if (config.transport === 'stdio') {
    const handle = await serveStdio(proxy, {
      stdin: io.stdin,
      stdout: io.stdout,
      logger: io.logger,
    });
    return {
      url: undefined,
      sseUrl: undefined,
      closed: handle.closed,
      closeFront: handle.close,
      stopAccepting: () => {},
    };
  }
  const handle = await serveHttp(proxy, httpOptions(config, io.logger, io.routes));
  const line =
    config.transport === 'sse'
      ? `Proxy listening on ${handle.sseUrl} (streamable HTTP: ${handle.url})`
      : `Proxy listening on ${handle.url} (SSE: ${handle.sseUrl})`;
  io.stderr.write(`${line}\n`);
  if (config.operations?.dashboard) io.stderr.write(`Dashboard at ${dashboardUrl(handle.url)}\n`);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const closeFront = async (): Promise<void> => {
    await handle.close();
    resolveClosed();
  };
  return {
    url: handle.url,
    sseUrl: handle.sseUrl,
    closed,
    closeFront,
    stopAccepting: () => handle.drain(),
  };
}

/**
 * Runs the proxy a {@link CliConfig} describes: loads the backend (a config file is read and
 * validated now, and the command of every stdio server, or the one after `--`, must be an
 * executable file or a name found on the `PATH` its child will get; backends themselves are
 * contacted when the first client needs them), then serves it over stdio or HTTP. With an HTTP
 * front, prints `Proxy listening on <url>` to `io.stderr`.
 *
 * @param config - the validated command line (see {@link parseCliArgs})
 * @param io - the streams to use; the process's own by default
 * @returns the running proxy; `close()` shuts it down
 * @throws {@link ProxyError} `InvalidConfig` for a bad config file or a server command that
 *   cannot start (`mcp.json: mcpServers.ghost.command: command "nope" not found on PATH`),
 *   `InvalidArguments` for a command after `--` that cannot start, or the error of a front that
 *   could not start (a port in use)
 */
export async function runCli(given: CliConfig, io: CliIo = processIo()): Promise<CliHandle> {
  const logger = io.logger ?? createCliLogger(given, io.stderr);
  const target = await proxyTarget(given, logger);
  const config = withFrontSection(given, target, logger);
  if (config.operations?.dashboardScopes && !config.http.oauth) {
    throw usageError(
      'Option --dashboard-scope needs an OAuth front (--oauth-issuer, or front.oauth in the config)',
    );
  }
  const backendSignIn = signInForFront(config, logger);
  const proxy = createProxy(target, {
    ...proxyOptions(config, logger),
    ...(backendSignIn ? { backendSignIn } : {}),
  });
  const gate = new DrainGate();
  let operations: RunningOperations | undefined;
  let front: Awaited<ReturnType<typeof serveFront>>;
  const { backend } = config;
  const reloader =
    backend.kind === 'config'
      ? new ConfigReloader({
          file: backend.file,
          proxy,
          logger,
          watch: config.operations?.watch ?? true,
        })
      : undefined;
  try {
    await reloader?.start();
    operations = await startOperations(proxy, {
      config,
      logger,
      stdout: io.stdout,
      stderr: io.stderr,
    });
    front = await serveFront(gate.wrap(proxy), config, {
      ...io,
      logger,
      routes: [...operations.routes, ...(backendSignIn?.routes ?? [])],
    });
  } catch (error) {
    await reloader?.close();
    await operations?.close();
    await proxy.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await reloader?.close();
        await front.closeFront();
      } finally {
        await proxy.close();
        await operations.close();
      }
    })();
    return closing;
  };
  const drain = (timeoutMs: number): Promise<CliDrainResult> => {
    // The HTTP front stops taking connections and sessions; open ones finish their work.
    front.stopAccepting();
    return gate.drain(timeoutMs);
  };
  const reload = async (): Promise<ConfigReloadOutcome | undefined> => reloader?.reload('asked');
  return { url: front.url, sseUrl: front.sseUrl, closed: front.closed, close, drain, reload };
}
