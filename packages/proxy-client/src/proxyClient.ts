import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ClientCapabilities, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { EmptyResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type Context, currentContext, type FrontSession, Observer } from '@org/core';
import {
  type BackendConnector,
  type BackendTarget,
  createConnector,
  createConsoleLogger,
  type Logger,
  ProxyError,
  ProxyErrorCode,
  type RequestHeaders,
} from '@org/transports';
import {
  type BackendEvent,
  closeBackendClient,
  createBackendClient,
  deliverResponsesInOrder,
  sendErrorsUnprefixed,
} from './backendConnection';
import {
  closeReasonOf,
  failureMessage,
  isSessionExpired,
  isTransportFailure,
  sessionExpiredError,
  toBackendError,
} from './backendErrors';
import { observeForwarded, reportBackendRequest } from './backendEvents';
import { BackendOperations } from './backendOperations';
import { type BackendSessionHandle, BackendSessionState } from './backendSessionState';
import {
  backendTracer,
  traceBackendRequest,
  traceHeaderNames,
  withTraceHeaders,
} from './backendTracing';
import { BackgroundReconnect, RECONNECT_DEFAULTS } from './backgroundReconnect';
import { cachePartitionKey } from './cachePartition';
import {
  defaultForwardingHandlers,
  type ForwardingHandlers,
  type ForwardingTarget,
} from './forwardingHandlers';
import { FrontCaller } from './frontCaller';
import { InFlightRequests } from './inFlightRequests';
import { mirrorCapabilities, routableCapabilities } from './mirrorCapabilities';
import type { ProxyClientOptions, ReconnectOptions } from './proxyClientOptions';
import { RequestAttribution } from './requestAttribution';
import { type RequestDeadline, RequestDeadlines } from './requestDeadline';
import { forwardedHeaders, isForwardableHeader } from './requestMeta';
import { backendRequestOptions, forwardProgress, isConnector } from './requestOptions';

/** How long closing waits for an HTTP backend to acknowledge the end of its session. */
const CLOSE_WAIT_MS = 2000;

/**
 * The logger of a client given none: warnings and errors to standard error (never standard
 * output, which a stdio front owns), so that what the client cannot forward is seen by default.
 */
const DEFAULT_LOGGER = createConsoleLogger('warn', '@org/proxy-client ');

export type { ProxyClientOptions } from './proxyClientOptions';

/** What a backend session was opened with. */
interface OpenedWith {
  capabilities: ClientCapabilities;
  headers: Record<string, string> | undefined;
}

/**
 * A function receiving {@link BackendEvent}s, with the client they came from.
 *
 * @example
 * ```ts
 * const listener: BackendEventListener = (event, client) => console.error(client.name, event.type);
 * const stop = backend.onEvent(listener);
 * ```
 */
export type BackendEventListener = (event: BackendEvent, client: ProxyClient) => void;

/**
 * An MCP client for one backend that forwards the backend's requests and notifications
 * (roots, sampling, elicitation, log messages, progress) to the client connected to the
 * proxy, in the context of the client request each backend request serves.
 *
 * It connects on first use. A failure on the way to the backend (an HTTP error, a dead stdio
 * child) drops the connection, so the next operation reconnects instead of failing forever;
 * while client sessions are subscribed to backend resources, a lost connection is reopened in
 * the background (see `ProxyClientOptions.reconnect`). Every new backend session is told the
 * subscriptions and log level client sessions asked for before anything else uses it (see
 * {@link ProxyClient.sessionState}).
 * When an HTTP backend lost the session (404), a new one is opened at once: an idempotent
 * operation (lists, reads, prompts, completion, ping) is sent again on it, a tool call fails
 * saying so and is never replayed. Each operation records the client request it serves, so
 * forwarding reaches the right client even when the backend connection outlives the request
 * that opened it. With several in flight, a backend request goes to the one it serves when the
 * wire says (streamable HTTP), else to the latest unless they belong to several client
 * sessions (then it is refused: see {@link ProxyClient.forwardingTarget}). What the backend
 * sends between client requests goes to the client session the client is bound to (see
 * `StatefulProxyClient`), or is refused (requests) or dropped (notifications, the drop logged)
 * with a reason.
 *
 * @example
 * ```ts
 * const backend = new ProxyClient({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] });
 * const tools = await backend.listTools();
 * ```
 */
export class ProxyClient extends BackendOperations {
  /** Opens connections to the backend; shared by every copy made with {@link ProxyClient.new}. */
  readonly connector: BackendConnector;
  /** The options the client was made with. */
  readonly options: Readonly<ProxyClientOptions>;
  readonly #handlers: ForwardingHandlers;
  /** Where this client reports its backend requests, forwarded requests and sessions. */
  readonly observer: Observer;
  readonly #ownsConnector: boolean;
  readonly #logger: Logger;
  readonly #listeners = new Set<BackendEventListener>();
  readonly #inFlight = new InFlightRequests();
  #frontCaller: FrontCaller | undefined;
  readonly #deadlines = new RequestDeadlines();
  readonly #closeReasons = new WeakMap<Client, string>();
  #sdk: Client | undefined;
  #attribution: RequestAttribution | undefined;
  #connecting: Promise<Client> | undefined;
  #users = 0;
  #session: FrontSession | undefined;
  #announced: ClientCapabilities | undefined;
  #defaultCapabilities: 'mirror' | 'routable' = 'mirror';
  #partition: string | undefined;
  readonly #state: BackendSessionState;
  /** What the last backend session was opened with: a background reconnect opens the same. */
  #reuse: OpenedWith | undefined;
  /** When the current (or last) backend session was opened, for the reconnect streak. */
  #openedAt: number | undefined;
  readonly #reconnector: BackgroundReconnect;

  /**
   * @param target - a URL, command spec, HTTP target, in-process server, or a connector
   * @param options - handlers, capabilities, timeouts, header forwarding
   */
  constructor(target: BackendTarget | BackendConnector, options: ProxyClientOptions = {}) {
    super();
    this.options = options;
    this.#ownsConnector = !isConnector(target);
    this.connector = isConnector(target) ? target : createConnector(target, options.connector);
    this.#handlers = { ...defaultForwardingHandlers, ...options.handlers };
    this.observer = options.observer ?? new Observer();
    this.#logger = options.logger ?? DEFAULT_LOGGER;
    this.#state = new BackendSessionState(this.#stateLink());
    const client = this;
    this.#reconnector = new BackgroundReconnect({
      get name() {
        return client.name;
      },
      logger: this.#logger,
      needed: () => !this.#sdk && this.#state.hasSubscriptions,
      reopen: () => this.#connectAsBefore(),
    });
  }

  /** The backend's name, for messages. */
  get name(): string {
    return this.options.name ?? this.connector.name;
  }

  /** The request timeout in force. */
  get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 60_000;
  }

  /** The most a backend operation may take in all, if limited (see `ProxyClientOptions.maxTotalTimeoutMs`). */
  get maxTotalTimeoutMs(): number | undefined {
    return this.options.maxTotalTimeoutMs;
  }

  /** How long opening a backend session may take (see `ProxyClientOptions.connectTimeoutMs`). */
  get connectTimeoutMs(): number {
    return this.options.connectTimeoutMs ?? 60_000;
  }

  /** Whether a backend connection is open. */
  get connected(): boolean {
    return this.#sdk !== undefined;
  }

  /** The client session this client serves, when bound to one (see `StatefulProxyClient`). */
  get session(): FrontSession | undefined {
    return this.#session;
  }

  /**
   * What the client sessions this client serves asked of its backend session (resource
   * subscriptions and log levels, per client session), released when each closes and told
   * again to every new backend session (after a crash, a restart or an expired session).
   */
  get sessionState(): BackendSessionState {
    return this.#state;
  }

  /**
   * What the client announces while `ProxyClientOptions.capabilities` is not set: `mirror`, or
   * `routable` for a client whose backend session serves many client sessions (the `shared`
   * strategy sets it). Takes effect at the next connection. @internal
   */
  announceByDefault(mode: 'mirror' | 'routable'): void {
    this.#defaultCapabilities = mode;
  }

  /** Binds the client to the client session it serves. @internal */
  bindSession(session: FrontSession): void {
    this.#session = session;
  }

  /**
   * A fresh, disconnected copy with the same configuration, connector and event listeners, of
   * the same class (a `StatefulProxyClient`'s copy is a `StatefulProxyClient`). A subclass whose
   * constructor does not take `(connector, options)` must override this.
   *
   * @example
   * ```ts
   * const base = new ProxyClient('http://127.0.0.1:8000/mcp', { requestTimeoutMs: 10_000 });
   * const oneShot = base.new({ closeWhenIdle: true }); // its own backend session, closed after use
   * ```
   */
  new(overrides: Partial<ProxyClientOptions> = {}): this {
    const Class = this.constructor as new (
      connector: BackendConnector,
      options: ProxyClientOptions,
    ) => this;
    return this.copyAs(Class, overrides);
  }

  /** A copy of this client made with `Class` (see {@link ProxyClient.new}). */
  protected copyAs<C extends ProxyClient>(
    Class: new (connector: BackendConnector, options: ProxyClientOptions) => C,
    overrides: Partial<ProxyClientOptions>,
  ): C {
    const copy = new Class(this.connector, { ...this.options, ...overrides });
    for (const listener of this.#listeners) copy.onEvent(listener);
    return copy;
  }

  /** Listens to the backend's list and resource changes; returns a function that stops listening. */
  onEvent(listener: BackendEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Where forwarding handlers should send what the backend sends now. For the backend's request
   * `backendRequestId`, the client request it serves when the wire says (a streamable HTTP
   * backend sends it on the answer stream of the request it serves); otherwise the latest client
   * request in flight, unless those in flight belong to several client sessions (then nothing
   * is forwarded: see `ForwardingTarget.unrouted`); with none in flight, the client session the
   * client is bound to.
   */
  forwardingTarget(backendRequestId?: RequestId): ForwardingTarget {
    return this.#targetOf(this.#attribution, backendRequestId);
  }

  #targetOf(
    attribution: RequestAttribution | undefined,
    id: RequestId | undefined,
  ): ForwardingTarget {
    const wire = attribution && id !== undefined ? attribution.attribution(id) : undefined;
    switch (wire?.kind) {
      case 'front':
        return this.#targetFor(wire.front);
      case 'ended':
        return this.#unrouted('the client request it serves has ended');
      case 'none':
        return this.#targetFor(undefined);
    }
    const sessions = this.#inFlight.activeSessions();
    if (sessions > 1) {
      return this.#unrouted(
        `requests of ${sessions} client sessions are in flight on one backend session and nothing tells which one it serves`,
      );
    }
    return this.#targetFor(this.#inFlight.latest());
  }

  #targetFor(front: Context | undefined): ForwardingTarget {
    return {
      front,
      session: this.#session ?? front?.session,
      backend: this.name,
      logger: this.#logger,
    };
  }

  #unrouted(why: string): ForwardingTarget {
    return {
      front: undefined,
      session: undefined,
      backend: this.name,
      logger: this.#logger,
      unrouted: why,
    };
  }

  /** Connects (once; concurrent callers share the attempt) and returns the SDK client. */
  async connect(): Promise<Client> {
    if (this.#sdk) return this.#sdk;
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * The client capabilities this client announces to the backend: those it connected with, or,
   * before connecting, those it would announce now.
   */
  announcedCapabilities(): ClientCapabilities {
    if (this.#announced) return this.#announced;
    const wanted = this.options.capabilities ?? this.#defaultCapabilities;
    if (wanted === 'routable') return routableCapabilities(this.#handlers);
    if (wanted !== 'mirror') return wanted;
    return mirrorCapabilities(
      (this.#session ?? currentContext()?.session)?.clientCapabilities,
      this.#handlers,
    );
  }

  /**
   * The key under which this client's component lists may be shared with other clients (see
   * {@link cachePartitionKey}): that of the session it opened, or of the one it would open now.
   */
  cachePartition(): string {
    const front = currentContext();
    // Forwarded headers are taken per request (see `#requestHeaders`): so is the partition.
    if (this.options.forwardHeaders?.length && front) {
      const headers = forwardedHeaders(this.options.forwardHeaders, front);
      return cachePartitionKey(this.announcedCapabilities(), headers);
    }
    if (this.#partition !== undefined) return this.#partition;
    const headers = forwardedHeaders(this.options.forwardHeaders, front);
    return cachePartitionKey(this.announcedCapabilities(), headers);
  }

  /**
   * The forwarded headers of HTTP backends, taken from the client request each message is sent
   * for, at send time: on a backend session several client sessions share, each request carries
   * its own client's headers, never another's; on one client session's own backend session, a
   * header the client changed (a refreshed token) is sent from its next request on.
   */
  #requestHeaders(): RequestHeaders | undefined {
    const names = this.options.forwardHeaders ?? [];
    // With tracing on, each POST also carries the trace context of the request it sends.
    const traced = traceHeaderNames();
    if (!names.length && !traced.length) return undefined;
    return {
      names: [...names.filter(isForwardableHeader).map((name) => name.toLowerCase()), ...traced],
      current: () => {
        const front = currentContext();
        if (!names.length) return traced.length ? withTraceHeaders(undefined) : undefined;
        const forwarded = front ? (forwardedHeaders(names, front) ?? {}) : undefined;
        return forwarded && traced.length ? withTraceHeaders(forwarded) : forwarded;
      },
    };
  }

  /** The caller this client's backend sessions belong to, for token exchange (made on first use). */
  #callerOf(): FrontCaller {
    this.#frontCaller ??= new FrontCaller(this.name);
    return this.#frontCaller;
  }

  /**
   * Whether this client's backend session may serve several client sessions (the `shared`
   * strategy): it is bound to none and outlives requests. Its connection then keeps no
   * client's headers for what serves no client request (the GET stream, the end of the session).
   */
  #servesManySessions(): boolean {
    return this.#session === undefined && this.options.closeWhenIdle !== true;
  }

  /**
   * Tells the backend that the client's roots changed (`notifications/roots/list_changed`), when
   * a backend session is open and was told the roots capability with `listChanged`; never opens
   * one for it (a new session asks for the roots anew). Returns whether it was sent.
   *
   * @example
   * ```ts
   * if (backend.session === currentContext()?.session) await backend.sendRootsListChanged();
   * ```
   */
  async sendRootsListChanged(): Promise<boolean> {
    const sdk = this.#sdk;
    if (!sdk || !this.#announced?.roots?.listChanged) return false;
    await sdk.sendRootsListChanged();
    return true;
  }

  /**
   * Opens a backend session (with the capabilities and headers of `reuse`, when given: a
   * background reconnect reopens what was lost) and tells it what client sessions asked of the
   * one before (see {@link ProxyClient.sessionState}) before anything else uses it.
   */
  async #open(reuse?: OpenedWith): Promise<Client> {
    const front = currentContext();
    const attribution = new RequestAttribution();
    const capabilities = reuse?.capabilities ?? this.announcedCapabilities();
    const sdk = createBackendClient({
      clientInfo: this.options.clientInfo ?? { name: 'mcp-proxy', version: '0.0.0' },
      capabilities,
      handlers: this.#handlers,
      target: (id) => this.#targetOf(attribution, id),
      track: (target, work) => this.#inFlight.track(target.front, work),
      waitOn: (target, work) =>
        this.#deadlines.waitOn(target.front?.session ?? target.session, work),
      observe: (kind, target, work) => observeForwarded(this.observer, kind, target, work),
      onEvent: (event) => {
        for (const listener of [...this.#listeners]) listener(event, this);
      },
    });
    const headers = reuse ? reuse.headers : forwardedHeaders(this.options.forwardHeaders, front);
    let closed = false;
    let transport: Awaited<ReturnType<BackendConnector['connect']>> | undefined;
    try {
      transport = await this.connector.connect({
        headers: this.#servesManySessions() ? undefined : headers,
        requestHeaders: this.#requestHeaders(),
        subjectToken: this.#callerOf().subjectToken,
        principal: this.#callerOf().principal,
      });
      sdk.onerror = (error) => {
        const reason = closeReasonOf(error);
        if (reason) this.#closeReasons.set(sdk, reason);
      };
      sdk.onclose = () => {
        closed = true;
        if (this.#sdk !== sdk) return;
        this.#forgetConnection();
        this.#lost('closed the connection');
      };
      await sdk.connect(transport, { timeout: this.connectTimeoutMs });
      deliverResponsesInOrder(transport);
      sendErrorsUnprefixed(transport);
      attribution.watch(transport);
    } catch (error) {
      await transport?.close().catch(() => {});
      this.observer.emit('backendSession', {
        backend: this.name,
        type: 'failed',
        error: failureMessage(error),
      });
      // Ours, and a sign-in offered in band (a URL elicitation for the caller), pass as they are.
      if (error instanceof ProxyError) throw error;
      if (error instanceof McpError && error.code === ErrorCode.UrlElicitationRequired) throw error;
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `Cannot connect to backend ${this.name} (${this.connector.describe()}): ${failureMessage(error)}`,
        { cause: error },
      );
    }
    // Before anything else uses the new session: what client sessions asked of the last one.
    await this.#state.replay(this.#handle(sdk));
    if (closed) {
      this.#lost('closed the connection');
      throw new ProxyError(
        ProxyErrorCode.BackendUnavailable,
        `Backend ${this.name} (${this.connector.describe()}) closed the connection while its resource subscriptions and log level were being restored`,
      );
    }
    this.#sdk = sdk;
    this.#attribution = attribution;
    this.#announced = capabilities;
    this.#partition = cachePartitionKey(capabilities, headers);
    this.#reuse = { capabilities, headers };
    this.#openedAt = performance.now();
    this.observer.emit('backendSession', { backend: this.name, type: 'opened' });
    return sdk;
  }

  /**
   * Runs one backend request: connects if needed, records the client request it serves (for
   * forwarding), passes that request's cancellation and progress on, and names the backend
   * in failures. When the backend answers that it lost the session (HTTP 404), a new session
   * is opened at once; an `idempotent` request is sent again on it, any other fails saying so
   * (a tool call is never replayed: the backend may have acted on it).
   */
  protected run<T>(
    what: string,
    send: (sdk: Client, options: RequestOptions) => Promise<T>,
    how: { idempotent?: boolean } = {},
  ): Promise<T> {
    const tracer = backendTracer();
    if (!tracer) return this.#run(what, send, how);
    return traceBackendRequest(tracer, this.name, what, () => this.#run(what, send, how));
  }

  async #run<T>(
    what: string,
    send: (sdk: Client, options: RequestOptions) => Promise<T>,
    how: { idempotent?: boolean },
  ): Promise<T> {
    const front = currentContext();
    this.#users += 1;
    if (front) this.#inFlight.enter(front);
    let sdk: Client | undefined;
    let expired: ProxyError | undefined;
    let deadline: RequestDeadline | undefined;
    const observed = this.observer.wants('backendRequest') ? performance.now() : undefined;
    let failure: unknown;
    try {
      sdk = await this.connect();
      // The proxy keeps the timeout (the SDK's is off): progress restarts it, a request the
      // backend forwarded to the client for this client request pauses it, and it aborts the
      // backend request (notifications/cancelled) as the SDK's would.
      const timer = this.#deadlines.start(
        front?.session,
        this.requestTimeoutMs,
        this.maxTotalTimeoutMs,
        front?.signal,
      );
      deadline = timer;
      const signal = timer.signal;
      const progress = this.#handlers.progress;
      // Progress belongs to the request that asked for it (none: dropped), whatever else is in flight.
      const options = backendRequestOptions(
        signal,
        progress
          ? (p) => {
              timer.restart();
              this.#inFlight.track(front, forwardProgress(progress, p, this.#targetFor(front)));
            }
          : () => timer.restart(),
        () => timer.restart(),
      );
      try {
        return await send(sdk, options);
      } catch (error) {
        if (!isSessionExpired(error) || signal.aborted) throw error;
        await this.#drop(sdk);
        sdk = await this.connect();
        if (!how.idempotent) {
          expired = sessionExpiredError(this.name, what, error);
          throw expired;
        }
        this.#logger.info(`Backend ${this.name} session expired; sending again: ${what}`);
        timer.restart();
        return await send(sdk, options);
      }
    } catch (error) {
      failure = error;
      if (error === expired || front?.signal.aborted) throw error;
      if (sdk && isTransportFailure(error)) await this.#drop(sdk);
      failure = toBackendError(error, {
        backend: this.name,
        what,
        connectionClosed: sdk !== undefined && this.#sdk !== sdk,
        timeoutMs: deadline?.firedAfterMs ?? this.requestTimeoutMs,
        closeReason: sdk && this.#closeReasons.get(sdk),
      });
      throw failure;
    } finally {
      if (observed !== undefined) {
        reportBackendRequest(this.observer, this.name, what, front, observed, failure);
      }
      if (deadline) this.#deadlines.end(front?.session, deadline);
      if (front) await this.#inFlight.leave(front);
      this.#users -= 1;
      if (this.#users === 0 && this.options.closeWhenIdle) await this.close();
    }
  }

  /** Forgets the open connection and what was learnt with it; the next use connects anew. */
  #forgetConnection(): void {
    this.#sdk = undefined;
    this.#attribution = undefined;
    this.#announced = undefined;
    this.#partition = undefined;
  }

  /** Forgets a connection that failed on the way to the backend; the next use reconnects. */
  async #drop(sdk: Client): Promise<void> {
    if (this.#sdk !== sdk) return;
    this.#forgetConnection();
    this.#lost('failed');
    await closeBackendClient(sdk, CLOSE_WAIT_MS).catch(() => {});
  }

  /** How {@link ProxyClient.sessionState} reaches the backend through this client. */
  #stateLink(): ConstructorParameters<typeof BackendSessionState>[0] {
    const client = this;
    return {
      get name() {
        return client.name;
      },
      get logger() {
        return client.#logger;
      },
      get boundSession() {
        return client.#session;
      },
      get transient() {
        return client.options.closeWhenIdle === true;
      },
      get generation() {
        return client.#reconnector.epoch;
      },
      run: async (what, work, connect) => {
        if (!connect && !this.#sdk) return;
        await this.run(what, (sdk, options) => work(this.#handle(sdk, options)), {
          idempotent: true,
        });
      },
    };
  }

  /** A backend session as {@link BackendSessionState} sends on it. */
  #handle(sdk: Client, options?: RequestOptions): BackendSessionHandle {
    return {
      key: sdk,
      logging: sdk.getServerCapabilities()?.logging !== undefined,
      send: async (method, params) => {
        await sdk.request({ method, params } as never, EmptyResultSchema, {
          timeout: this.requestTimeoutMs,
          ...options,
        });
      },
    };
  }

  /** The background reconnect policy in force, or `undefined` when there is none. */
  #reconnectPolicy(): Required<ReconnectOptions> | undefined {
    const wanted = this.options.reconnect;
    if (wanted === false || this.options.closeWhenIdle) return undefined;
    return { ...RECONNECT_DEFAULTS, ...wanted };
  }

  /**
   * The backend connection was lost (not closed on purpose; `why` says how). When client
   * sessions are subscribed to backend resources, reconnects in the background so that their
   * updates do not wait for the next operation; else the next operation reconnects.
   */
  #lost(why: string): void {
    this.observer.emit('backendSession', { backend: this.name, type: 'lost', error: why });
    const policy = this.#reconnectPolicy();
    if (!policy || !this.#state.hasSubscriptions) {
      this.#logger.info(`Backend ${this.name} ${why}; reconnecting on next use`);
      return;
    }
    this.#logger.info(
      `Backend ${this.name} ${why}; reconnecting in the background to restore ${this.#state.subscriptions().length} resource subscription(s)`,
    );
    this.#reconnector.start(policy, this.#openedAt);
  }

  /** Like {@link ProxyClient.connect}, opening the session with what the last one had. */
  #connectAsBefore(): Promise<Client> {
    if (this.#sdk) return Promise.resolve(this.#sdk);
    this.#connecting ??= this.#open(this.#reuse).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * Closes the backend connection (the next operation opens a new one). A streamable HTTP
   * backend session is ended (`DELETE`) rather than left to time out.
   */
  async close(): Promise<void> {
    this.#reconnector.cancel();
    const sdk = this.#sdk ?? (await this.#connecting?.catch(() => undefined));
    this.#forgetConnection();
    if (!sdk) return;
    this.observer.emit('backendSession', { backend: this.name, type: 'closed' });
    await closeBackendClient(sdk, CLOSE_WAIT_MS);
  }

  /** Closes the connection and, when this client made its connector, the connector too (kept children end). */
  async dispose(): Promise<void> {
    await this.close();
    if (this.#ownsConnector) await this.connector.close();
  }
}
