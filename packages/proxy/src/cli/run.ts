import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type ConnectableServer,
  checkConfigCommands,
  createConsoleLogger,
  type HttpServeOptions,
  type Logger,
  loadMcpConfig,
  redactUrl,
  serveHttp,
  serveStdio,
} from '@org/transports';
import { type CreateProxyOptions, createProxy, type ProxyTarget } from '../createProxy';
import type { ProxyServer } from '../server/proxyServer';
import type { CliConfig } from './cliConfig';
import { checkCommand } from './commandCheck';
import { packageVersion } from './packageVersion';

/** The streams the CLI uses; the process's own by default. */
export interface CliIo {
  /** Where the stdio front reads client messages. @default process.stdin */
  stdin: NodeJS.ReadableStream;
  /** Where the stdio front writes server messages. @default process.stdout */
  stdout: NodeJS.WritableStream;
  /** Where the listening line goes. @default process.stderr */
  stderr: NodeJS.WritableStream;
  /** Where logs go. @default a console logger on stderr at the configured level */
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
}

/** What {@link CliHandle.drain} found. */
export interface CliDrainResult {
  /** The client requests in flight when the drain began. */
  inFlight: number;
  /** How many of them still ran when the deadline passed (answered with an error). */
  cutOff: number;
  /** How many of them ended with their session (the client went away) before answering. */
  abandoned: number;
}

/** The JSON-RPC error code of requests refused or cut off by a shutdown (a server error). */
const SHUTDOWN_ERROR_CODE = -32000;

/**
 * Sits between the front and the proxy: counts the client requests in flight and, once a
 * drain began, refuses new ones. Internal to the CLI.
 */
class DrainGate {
  readonly #pending = new Map<GatedTransport, Set<RequestId>>();
  #draining = false;
  #abandoned = 0;
  #onIdle: (() => void) | undefined;

  /** Whether new requests are refused. */
  get draining(): boolean {
    return this.#draining;
  }

  /** A server whose every session goes through this gate. */
  wrap(server: ConnectableServer): ConnectableServer {
    return { connect: (transport) => server.connect(new GatedTransport(transport, this)) };
  }

  /** Records a request that was let through. */
  started(transport: GatedTransport, id: RequestId): void {
    const ids = this.#pending.get(transport) ?? new Set<RequestId>();
    ids.add(id);
    this.#pending.set(transport, ids);
  }

  /** Forgets a request (answered or cancelled), or every request of a closed transport. */
  finished(transport: GatedTransport, id?: RequestId): void {
    const ids = this.#pending.get(transport);
    if (!ids) return;
    if (id === undefined) {
      if (this.#draining) this.#abandoned += ids.size;
      ids.clear();
    } else ids.delete(id);
    if (ids.size === 0) this.#pending.delete(transport);
    if (this.#pending.size === 0) this.#onIdle?.();
  }

  #count(): number {
    let count = 0;
    for (const ids of this.#pending.values()) count += ids.size;
    return count;
  }

  async drain(timeoutMs: number): Promise<CliDrainResult> {
    this.#draining = true;
    const inFlight = this.#count();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#onIdle = undefined;
    }
    const left = [...this.#pending];
    this.#pending.clear();
    let cutOff = 0;
    for (const [transport, ids] of left) {
      for (const id of ids) {
        cutOff += 1;
        transport.cutOff(id, `the shutdown's drain deadline (${timeoutMs} ms) passed`);
      }
    }
    return { inFlight, cutOff, abandoned: this.#abandoned };
  }
}

/** A front transport seen through a {@link DrainGate}. */
class GatedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  readonly #inner: Transport;
  readonly #gate: DrainGate;
  /** Requests answered with an error by the gate: the server's own answer is dropped. */
  readonly #answered = new Set<RequestId>();

  constructor(inner: Transport, gate: DrainGate) {
    this.#inner = inner;
    this.#gate = gate;
    inner.onmessage = (message, extra) => this.#receive(message, extra);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => {
      this.#gate.finished(this);
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.#inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const answer = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    const id = answer ? (message as { id?: RequestId }).id : undefined;
    if (id !== undefined && this.#answered.delete(id)) return;
    try {
      await this.#inner.send(message, options);
    } finally {
      if (id !== undefined) this.#gate.finished(this, id);
    }
  }

  /** Answers a request in flight with an error; the server's answer, if it comes, is dropped. */
  cutOff(id: RequestId, why: string): void {
    this.#answered.add(id);
    this.#refuse(id, `Proxy is shutting down: the request was cut off: ${why}`);
  }

  #refuse(id: RequestId, message: string): void {
    const error = { jsonrpc: '2.0' as const, id, error: { code: SHUTDOWN_ERROR_CODE, message } };
    this.#inner.send(error, { relatedRequestId: id }).catch((failure: unknown) => {
      this.onerror?.(failure instanceof Error ? failure : new Error(String(failure)));
    });
  }

  #receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (isJSONRPCRequest(message)) {
      if (this.#gate.draining) {
        this.#refuse(message.id, 'Proxy is shutting down: no new requests are accepted');
        return;
      }
      this.#gate.started(this, message.id);
    } else if (
      isJSONRPCNotification(message) &&
      message.method === 'notifications/cancelled' &&
      message.params?.requestId !== undefined
    ) {
      // A cancelled request gets no answer.
      this.#gate.finished(this, message.params.requestId as RequestId);
    }
    this.onmessage?.(message, extra);
  }
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
    return backend.url;
  }
  if (backend.kind === 'config') {
    const loaded = await loadMcpConfig(backend.file);
    checkConfigCommands(loaded, backend.file);
    logger.info(`Proxying the servers of: ${backend.file}`);
    return loaded;
  }
  const { command, args, env } = backend;
  checkCommand({ command, env });
  logger.info(`Proxying the command: ${command}`);
  return { command, args, env };
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
    logger,
    connector: { logger },
  };
}

function httpOptions(config: CliConfig, logger: Logger): HttpServeOptions {
  const { host, port, path, authToken, stateless, allowedHosts, cors } = config.http;
  const endpoint =
    path === undefined ? {} : config.transport === 'sse' ? { ssePath: path } : { path };
  return {
    host,
    port,
    ...endpoint,
    sse: true,
    stateless,
    authToken,
    allowedHosts,
    cors,
    logger,
  };
}

/** Serves the proxy over the chosen front; returns the handle without the proxy's part. */
async function serveFront(
  proxy: ProxyServer | ConnectableServer,
  config: CliConfig,
  io: CliIo & { logger: Logger },
): Promise<Omit<CliHandle, 'close' | 'drain'> & { closeFront(): Promise<void> }> {
  if (config.transport === 'stdio') {
    const handle = await serveStdio(proxy, {
      stdin: io.stdin,
      stdout: io.stdout,
      logger: io.logger,
    });
    return { url: undefined, sseUrl: undefined, closed: handle.closed, closeFront: handle.close };
  }
  const handle = await serveHttp(proxy, httpOptions(config, io.logger));
  const line =
    config.transport === 'sse'
      ? `Proxy listening on ${handle.sseUrl} (streamable HTTP: ${handle.url})`
      : `Proxy listening on ${handle.url} (SSE: ${handle.sseUrl})`;
  io.stderr.write(`${line}\n`);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const closeFront = async (): Promise<void> => {
    await handle.close();
    resolveClosed();
  };
  return { url: handle.url, sseUrl: handle.sseUrl, closed, closeFront };
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
export async function runCli(config: CliConfig, io: CliIo = processIo()): Promise<CliHandle> {
  const logger = io.logger ?? createConsoleLogger(config.logLevel, `${config.name} `);
  const proxy = createProxy(await proxyTarget(config, logger), proxyOptions(config, logger));
  const gate = new DrainGate();
  let front: Awaited<ReturnType<typeof serveFront>>;
  try {
    front = await serveFront(gate.wrap(proxy), config, { ...io, logger });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await front.closeFront();
      } finally {
        await proxy.close();
      }
    })();
    return closing;
  };
  const drain = (timeoutMs: number): Promise<CliDrainResult> => gate.drain(timeoutMs);
  return { url: front.url, sseUrl: front.sseUrl, closed: front.closed, close, drain };
}
