import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '../errors';
import type { Logger } from '../logger';
import { JsonRpcCode, replyEmpty, replyError, responseGone } from './httpReplies';
import { isResponse, type ParsedMessages } from './jsonRpcBody';
import { describeId, serializeWithId } from './jsonRpcIds';
import { type ExchangeOwner, PostExchange } from './postExchange';
import { SSE_HEADERS, SseStream } from './sseStream';

/** Options of {@link StreamableHttpTransport}. */
export interface StreamableHttpTransportOptions {
  /** The session id; none in stateless mode. */
  sessionId?: string;
  /** Where dropped messages are reported. */
  logger: Logger;
  /** The SSE heartbeat interval, 0 for none. */
  keepAliveMs: number;
  /** Close the transport once no POST is pending any more (stateless mode). */
  closeWhenIdle?: boolean;
  /** Called once when the transport closes, before `onclose`. */
  onClosed?: () => void;
}

const CLOSED_ERROR = { code: -32000, message: 'Connection closed' };

/** Whether a message is a request (it has a method and an id: it awaits an answer). */
function isRequest(message: JSONRPCMessage): message is JSONRPCMessage & { method: string } {
  return 'method' in message && 'id' in message && message.id !== undefined;
}

/** Whether a message is a client's `notifications/cancelled` naming a request. */
function isCancellation(
  message: JSONRPCMessage,
): message is JSONRPCMessage & { params: { requestId: RequestId } } {
  if (!('method' in message) || message.method !== 'notifications/cancelled') return false;
  if ('id' in message && message.id !== undefined) return false;
  const requestId = (message.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof requestId === 'string' || typeof requestId === 'number';
}

/**
 * The server side of one streamable HTTP session (MCP 2025-11-25), implementing the SDK's
 * `Transport`. The HTTP layer hands it POSTs ({@link handlePost}) and the standalone GET stream
 * ({@link openStandaloneStream}); {@link send} routes each outgoing message to the POST holding
 * its related request, or to the GET stream when it relates to none.
 */
export class StreamableHttpTransport implements Transport, ExchangeOwner {
  /** The session id (`Mcp-Session-Id`), undefined in stateless mode. */
  readonly sessionId: string | undefined;
  /** Set by the server: called once when the transport closes. */
  onclose?: () => void;
  /** Set by the server: called on out-of-band errors. */
  onerror?: (error: Error) => void;
  /** Set by the server: receives every client message. */
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  /** Extra headers of every answer (the session id). */
  readonly headers: OutgoingHttpHeaders;
  /** The headers of an SSE answer. */
  readonly sseHeaders: OutgoingHttpHeaders;
  /** The SSE heartbeat interval. */
  readonly keepAliveMs: number;
  readonly #logger: Logger;
  readonly #closeWhenIdle: boolean;
  readonly #onClosed: (() => void) | undefined;
  readonly #byRequest = new Map<RequestId, PostExchange>();
  readonly #pending = new Set<PostExchange>();
  #standalone: SseStream | undefined;
  /** The id of the `initialize` request still unanswered, if any. */
  #initializeId: RequestId | undefined;
  #lastActive = Date.now();
  #started = false;
  #closeRequested = false;
  #closed = false;

  /** @param options - session id, logger, heartbeat and close hooks */
  constructor(options: StreamableHttpTransportOptions) {
    this.sessionId = options.sessionId;
    this.#logger = options.logger;
    this.keepAliveMs = options.keepAliveMs;
    this.#closeWhenIdle = options.closeWhenIdle === true;
    this.#onClosed = options.onClosed;
    this.headers = Object.freeze(
      this.sessionId === undefined ? {} : { 'mcp-session-id': this.sessionId },
    );
    this.sseHeaders = Object.freeze({ ...SSE_HEADERS, ...this.headers });
  }

  /** Whether the transport is closed (or closing). */
  get closed(): boolean {
    return this.#closed || this.#closeRequested;
  }

  /** Whether the session has a POST pending or a GET stream open. */
  get busy(): boolean {
    return this.#pending.size > 0 || this.#standalone !== undefined;
  }

  /** When the session last received a request or finished answering one (ms since the epoch). */
  get lastActive(): number {
    return this.#lastActive;
  }

  /** Starts the transport (the server calls this once when it connects). */
  async start(): Promise<void> {
    if (this.#started) throw new Error('StreamableHttpTransport already started');
    this.#started = true;
    // A close that came while the server was being made: carry it out now that the server
    // listens to onclose, so that it releases what the session owns.
    if (this.#closeRequested) await this.#closeNow();
  }

  /**
   * Delivers the messages of one POST and answers it: 202 at once when it holds no request,
   * otherwise lazily (see {@link PostExchange}).
   */
  handlePost(res: ServerResponse, body: ParsedMessages, extra: MessageExtraInfo): void {
    this.#lastActive = Date.now();
    const busyId = this.#inFlight(body.requestIds);
    if (body.requestIds.length === 0) {
      replyEmpty(res, 202, this.headers);
    } else if (busyId !== undefined) {
      // Answering both would give the client two responses with one id, and the second would
      // find no POST to go to: the whole POST is refused, delivering none of its messages.
      const id = busyId;
      const wire = body.wireIds.get(id) ?? JSON.stringify(id);
      const message = `Invalid Request: a request with this id is already in flight: ${describeId(wire)}`;
      replyError(res, 400, { code: JsonRpcCode.InvalidRequest, message });
      return;
    } else {
      const exchange = new PostExchange(res, body, this);
      if (body.initialize) this.#initializeId = body.requestIds[0];
      this.#pending.add(exchange);
      for (const id of body.requestIds) this.#byRequest.set(id, exchange);
    }
    const onmessage = this.onmessage;
    if (onmessage === undefined) return;
    for (const message of body.messages) {
      onmessage(message, extra);
      if (isCancellation(message)) this.#cancelled(message.params.requestId);
    }
  }

  /**
   * The client cancelled one of its requests: the server will send no response for it (MCP
   * says so, and the SDK does not), so its POST stops waiting for one. `initialize` cannot be
   * cancelled.
   */
  #cancelled(id: RequestId): void {
    const exchange = this.#byRequest.get(id);
    if (exchange === undefined || id === this.#initializeId) return;
    this.#byRequest.delete(id);
    exchange.skip();
  }

  /** The first of these ids that a request still unanswered on this session has. */
  #inFlight(ids: readonly RequestId[]): RequestId | undefined {
    for (const id of ids) if (this.#byRequest.has(id)) return id;
    return undefined;
  }

  /** Opens the standalone SSE stream (GET); false when one is already open. */
  openStandaloneStream(res: ServerResponse): boolean {
    if (this.#standalone !== undefined) return false;
    if (responseGone(res)) return true;
    const stream = new SseStream(res, this.sseHeaders, this.keepAliveMs);
    this.#standalone = stream;
    this.#lastActive = Date.now();
    res.once('close', () => {
      if (this.#standalone !== stream) return;
      this.#standalone = undefined;
      this.#lastActive = Date.now();
    });
    return true;
  }

  /**
   * Sends a message to the POST of its related request, or to the GET stream. A response or
   * notification with nowhere to go is dropped (and logged at debug level). A request with
   * nowhere to go (it relates to no open POST, and, when it relates to none, no GET stream is
   * open) is refused: the returned promise rejects with a `ProxyError` (`NO_CONTEXT`) naming the
   * method, so the sender learns at once instead of waiting for an answer that cannot come.
   */
  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) {
      if (isRequest(message)) throw this.#undeliverable(message, 'the session is closed', true);
      this.#logger.debug('Message dropped: transport closed');
      return;
    }
    const final = isResponse(message);
    const id = final ? (message as { id?: RequestId }).id : options?.relatedRequestId;
    if (id === undefined) {
      if (this.#standalone !== undefined && !final) {
        this.#standalone.write(JSON.stringify(message));
        return;
      }
      if (isRequest(message)) {
        throw this.#undeliverable(
          message,
          'it relates to no client request and the client has no standalone SSE stream (GET) open to receive it',
        );
      }
      this.#logger.debug('Message dropped: no standalone SSE stream open');
      return;
    }
    const exchange = this.#byRequest.get(id);
    // An exchange whose client went away stays listed until the server answers: the id is
    // still in flight (a new request with it is refused), but nothing can reach that client.
    if (exchange === undefined || exchange.finished) {
      if (final && exchange !== undefined) this.#byRequest.delete(id);
      const shown = exchange?.wireIds.get(id) ?? String(id);
      if (isRequest(message)) {
        throw this.#undeliverable(
          message,
          `the client request it relates to (${shown}) is no longer open`,
        );
      }
      this.#logger.debug(`Message dropped: no open POST for request: ${shown}`);
      return;
    }
    if (final) {
      this.#byRequest.delete(id);
      exchange.respond(serializeWithId(message, exchange.wireIds.get(id)));
      if (id === this.#initializeId) this.#initialized('error' in message);
    } else {
      exchange.push(JSON.stringify(message));
    }
  }

  /** The error refusing a server-to-client request that cannot reach the client. */
  #undeliverable(request: { method: string }, why: string, closed = false): ProxyError {
    const session = this.sessionId === undefined ? '' : ` (session ${this.sessionId})`;
    const message = `Cannot send ${request.method} to the client${session}: ${why}`;
    this.#logger.debug(message);
    return new ProxyError(closed ? ProxyErrorCode.Closed : ProxyErrorCode.NoContext, message);
  }

  /**
   * The session's `initialize` was answered. A session whose initialize failed (its backend is
   * down, say) can never be used (a second initialize is refused): it is closed at once rather
   * than kept until the idle timeout.
   */
  #initialized(failed: boolean): void {
    this.#initializeId = undefined;
    if (!failed) return;
    this.#logger.info('Session initialization failed; closing the session');
    void this.close();
  }

  /** @internal Called by a {@link PostExchange} when it is over. */
  exchangeFinished(exchange: PostExchange, completed: boolean): void {
    this.#pending.delete(exchange);
    this.#lastActive = Date.now();
    // The requests of an exchange whose client went away stay in #byRequest until the server
    // answers them (see send).
    if (!completed) {
      this.#logger.debug('Client went away from a pending POST; its messages will be dropped');
    }
    if (this.#closeWhenIdle && this.#pending.size === 0) void this.close();
  }

  /**
   * Closes the session: pending requests get a "Connection closed" error response, open
   * streams end, and `onclose` fires once.
   */
  async close(): Promise<void> {
    if (this.#closed || this.#closeRequested) return;
    if (!this.#started) {
      this.#closeRequested = true;
      return;
    }
    await this.#closeNow();
  }

  /** Closes the transport even though no server started it (making the server failed). */
  async abandon(): Promise<void> {
    this.#started = true;
    await this.#closeNow();
  }

  async #closeNow(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, exchange] of [...this.#byRequest]) {
      const closed = { jsonrpc: '2.0', id, error: CLOSED_ERROR };
      exchange.respond(serializeWithId(closed, exchange.wireIds.get(id)));
    }
    this.#byRequest.clear();
    this.#pending.clear();
    this.#standalone?.end();
    this.#standalone = undefined;
    this.#onClosed?.();
    this.onclose?.();
  }
}
