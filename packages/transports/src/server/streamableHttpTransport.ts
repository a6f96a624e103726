import { randomBytes } from 'node:crypto';
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
import type { EventStore } from './eventStore';
import { EventJournal, EventStream, eventSeq } from './eventStream';
import { JsonRpcCode, replyEmpty, replyError, responseGone } from './httpReplies';
import { isResponse, type ParsedMessages } from './jsonRpcBody';
import { describeId, serializeWithId } from './jsonRpcIds';
import { type ExchangeOwner, PostExchange } from './postExchange';
import { SSE_HEADERS, SseStream, type SseStreamOptions } from './sseStream';

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
  /**
   * Where the session's SSE events are recorded for resumption (`Last-Event-ID`); none: events
   * carry no ids and streams cannot be resumed (stateless mode). Needs a session id.
   */
  eventStore?: EventStore;
  /**
   * A POST still unanswered after this long switches to SSE with a priming event, so that its
   * client can resume it. Only with an event store. @default 1000
   */
  primeAfterMs?: number;
  /** The most bytes queued for one SSE stream before it is closed. @default 8 MiB */
  maxSseQueueBytes?: number;
  /**
   * Close the session when its standalone GET stream dropped and nothing came from the client
   * for this long; 0 for never. @default 0
   */
  clientGoneGraceMs?: number;
}

/** Why a resume (GET with `Last-Event-ID`) was refused: the HTTP status and the message. */
export interface ResumeRefusal {
  /** 400: not an event of the session; 404: the session closed meanwhile; 409; 410. */
  status: 400 | 404 | 409 | 410;
  message: string;
}

/** An event id of this server: `<tag>_<stream>_<seq>`, the stream `g` or `p<n>`. */
const EVENT_ID = /^([0-9a-f]{8})_(g|p[1-9][0-9]{0,15})_([1-9][0-9]{0,15})$/;

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
  /** How SSE answers are written. */
  readonly sseOptions: SseStreamOptions;
  /** How long an unanswered POST waits before it switches to SSE with a priming event. */
  readonly primeAfterMs: number;
  readonly #logger: Logger;
  readonly #closeWhenIdle: boolean;
  readonly #onClosed: (() => void) | undefined;
  readonly #byRequest = new Map<RequestId, PostExchange>();
  readonly #pending = new Set<PostExchange>();
  /** A random tag that starts every event id of the session (a foreign id is told apart). */
  readonly #tag = randomBytes(4).toString('hex');
  readonly #journal: EventJournal | undefined;
  /** The logical streams that may still get events, by stream id. */
  readonly #streams = new Map<string, EventStream>();
  readonly #clientGoneGraceMs: number;
  #clientGoneTimer: NodeJS.Timeout | undefined;
  #nextStream = 1;
  /** The standalone (GET) stream, once a GET opened it. */
  #standalone: EventStream | undefined;
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
    const label = this.sessionId === undefined ? 'stateless' : this.sessionId.slice(0, 8);
    this.sseOptions = Object.freeze({
      headers: this.sseHeaders,
      keepAliveMs: this.keepAliveMs,
      logger: this.#logger,
      label: `SSE stream of session ${label}`,
      ...(options.maxSseQueueBytes === undefined
        ? {}
        : { maxQueueBytes: options.maxSseQueueBytes }),
    });
    this.#journal =
      options.eventStore === undefined || this.sessionId === undefined
        ? undefined
        : new EventJournal(options.eventStore, this.sessionId, this.#logger);
    this.primeAfterMs =
      this.#journal === undefined ? Number.POSITIVE_INFINITY : (options.primeAfterMs ?? 1000);
    this.#clientGoneGraceMs = options.clientGoneGraceMs ?? 0;
  }

  /** Whether the transport is closed (or closing). */
  get closed(): boolean {
    return this.#closed || this.#closeRequested;
  }

  /** Whether the session has a POST pending or an SSE stream open (GET or resumed). */
  get busy(): boolean {
    if (this.#pending.size > 0) return true;
    for (const stream of this.#streams.values()) if (stream.attached) return true;
    return false;
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
    // The client is there: a grace period after its GET stream dropped starts again.
    if (this.#clientGoneTimer !== undefined) this.#armClientGone();
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
    if (this.#standalone?.attached === true) return false;
    if (responseGone(res)) return true;
    this.#clientBack();
    this.#standalone ??= this.#newStream('g', this.#standaloneDetached);
    const stream = this.#standalone;
    stream.attach(new SseStream(res, this.sseOptions));
    // The priming event: the id a client resumes from, should it lose the stream.
    stream.prime();
    return true;
  }

  /**
   * Resumes a stream (a GET with `Last-Event-ID`): replays the events sent on the stream of
   * `lastEventId` after it, then keeps the response open for the rest of that stream (it ends
   * when the stream does; for the standalone stream, it becomes the standalone stream).
   * Resolves to a refusal to answer with when the id is not an event of this session (400),
   * its stream is open on another response (409), or its events are no longer held (410).
   */
  async resumeStream(res: ServerResponse, lastEventId: string): Promise<ResumeRefusal | undefined> {
    const shown = lastEventId.length > 80 ? `${lastEventId.slice(0, 80)}...` : lastEventId;
    const journal = this.#journal;
    const match = EVENT_ID.exec(lastEventId);
    if (journal === undefined || match === null || match[1] !== this.#tag) {
      return {
        status: 400,
        message: `Bad Request: Last-Event-ID is not an event id of this session: ${shown}`,
      };
    }
    const name = match[2]!;
    const streamId = `${this.#tag}_${name}`;
    const stream = this.#streams.get(streamId);
    const seq = eventSeq(lastEventId);
    const known =
      stream !== undefined
        ? seq <= stream.lastSeq
        : name !== 'g' && Number(name.slice(1)) < this.#nextStream;
    if (!known) {
      return {
        status: 400,
        message: `Bad Request: Last-Event-ID is not an event id of this session: ${shown}`,
      };
    }
    if (stream?.attached === true) {
      return {
        status: 409,
        message: 'Conflict: the stream of this Last-Event-ID is open on another connection',
      };
    }
    this.#lastActive = Date.now();
    this.#clientBack();
    stream?.beginResume();
    let events: Awaited<ReturnType<EventJournal['eventsAfter']>>;
    try {
      events = await journal.eventsAfter(lastEventId);
    } catch (error) {
      this.#logger.warn('Reading SSE events for a resume failed', error);
      events = undefined;
    }
    if (this.#closed || this.#closeRequested) {
      stream?.cancelResume();
      return { status: 404, message: 'Session not found' };
    }
    if (events === undefined) {
      stream?.cancelResume();
      return {
        status: 410,
        message: `Gone: the events after this Last-Event-ID are no longer held: ${shown}`,
      };
    }
    if (responseGone(res)) {
      stream?.cancelResume();
      return undefined;
    }
    const sink = new SseStream(res, this.sseOptions);
    if (stream === undefined) {
      // The stream is over: replay what is left of it and end.
      for (const event of events) {
        if (event.data === '') sink.prime(event.id);
        else sink.write(event.data, event.id);
      }
      sink.end();
    } else {
      stream.finishResume(sink, events, seq);
    }
    return undefined;
  }

  /** @internal A new logical stream for a POST that switches to SSE. */
  createEventStream(): EventStream {
    return this.#newStream(`p${this.#nextStream++}`, this.#touch);
  }

  #newStream(name: string, onDetach: () => void): EventStream {
    const streamId = `${this.#tag}_${name}`;
    const stream = new EventStream(streamId, this.#journal, {
      onDetach,
      onEnd: () => this.#streams.delete(streamId),
    });
    // Without a journal nothing can be resumed: nothing to look up.
    if (this.#journal !== undefined) this.#streams.set(streamId, stream);
    return stream;
  }

  readonly #touch = (): void => {
    this.#lastActive = Date.now();
  };

  readonly #standaloneDetached = (): void => {
    this.#lastActive = Date.now();
    if (!this.#closed && !this.#closeRequested) this.#armClientGone();
  };

  /** The client showed up (a POST or a GET): no grace period runs. */
  #clientBack(): void {
    if (this.#clientGoneTimer !== undefined) clearTimeout(this.#clientGoneTimer);
    this.#clientGoneTimer = undefined;
  }

  /** Starts (or restarts) the grace period after the standalone stream dropped. */
  #armClientGone(): void {
    this.#clientBack();
    if (this.#clientGoneGraceMs <= 0) return;
    this.#clientGoneTimer = setTimeout(this.#clientGone, this.#clientGoneGraceMs);
    this.#clientGoneTimer.unref();
  }

  readonly #clientGone = (): void => {
    this.#clientGoneTimer = undefined;
    if (this.closed || this.#standalone?.attached === true) return;
    // A POST still open or a resumed stream: the client is there; wait another period.
    if (this.busy) {
      this.#armClientGone();
      return;
    }
    const session = this.sessionId?.slice(0, 8) ?? '';
    this.#logger.info(
      `Closing session ${session}: its GET stream dropped and nothing came from its client for ${this.#clientGoneGraceMs} ms`,
    );
    void this.close();
  };

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
      const standalone = this.#standalone;
      if (standalone?.attached === true && !final) {
        standalone.send(JSON.stringify(message));
        return;
      }
      if (isRequest(message)) {
        throw this.#undeliverable(
          message,
          'it relates to no client request and the client has no standalone SSE stream (GET) open to receive it',
        );
      }
      if (standalone !== undefined && !final) {
        // The GET stream dropped: the notification is recorded for a resume.
        this.#logger.debug('Message recorded: the standalone SSE stream is not open');
        standalone.send(JSON.stringify(message));
        return;
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
      this.#logger.debug(
        'Client went away from a pending POST; its messages are recorded for a resume when it was an SSE stream, dropped otherwise',
      );
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
    this.#clientBack();
    for (const stream of [...this.#streams.values()]) stream.end();
    this.#standalone?.end();
    this.#standalone = undefined;
    this.#streams.clear();
    void this.#journal?.release();
    this.#onClosed?.();
    this.onclose?.();
  }
}
