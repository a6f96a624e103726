import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { EventStream } from './eventStream';
import { replyJson, responseGone } from './httpReplies';
import { SseStream, type SseStreamOptions } from './sseStream';

/** What a {@link PostExchange} needs from the transport it belongs to. */
export interface ExchangeOwner {
  /** Extra headers of every answer (the session id). */
  readonly headers: OutgoingHttpHeaders;
  /** How SSE answers are written: their headers (extra ones included), heartbeat and bounds. */
  readonly sseOptions: SseStreamOptions;
  /**
   * How long an unanswered POST waits before it switches to SSE and sends a priming event
   * (so that its client can resume it); `Infinity` for never.
   */
  readonly primeAfterMs: number;
  /** A new logical stream of the session for a POST that switches to SSE. */
  createEventStream(): EventStream;
  /**
   * Called once when the POST's HTTP response is over: answered completely (`completed`), or
   * its client went away. A resumable exchange keeps taking messages after its client went
   * away (see {@link PostExchange.finished}).
   */
  exchangeFinished(exchange: PostExchange, completed: boolean): void;
}

/**
 * One POST carrying requests, answered lazily: its response stays open until the server sends
 * something for one of its requests. When the first thing is the final response of a
 * single-request POST, the answer is plain `application/json`; anything else first (progress,
 * a log message, a server-to-client request) switches the answer to an SSE stream, which ends
 * once every request has its response. A batch whose responses all come first is answered as
 * one JSON array. A POST still unanswered after `primeAfterMs` switches to SSE too, with a
 * priming event.
 *
 * On a resumable SSE stream every event has an id and is recorded; when the client goes away
 * the exchange keeps recording what the server sends for its requests, and a GET with
 * `Last-Event-ID` picks the stream up again.
 */
export class PostExchange {
  /** The ids of the requests this POST carried (as the server sees them). */
  readonly requestIds: readonly RequestId[];
  /** The raw text of those ids that must be written back other than as they serialise. */
  readonly wireIds: ReadonlyMap<RequestId, string>;
  readonly #res: ServerResponse;
  readonly #owner: ExchangeOwner;
  readonly #batch: boolean;
  #remaining: number;
  #stream: EventStream | undefined;
  #buffered: string[] | undefined;
  #prime: NodeJS.Timeout | undefined;
  /** The HTTP response is over. */
  #responseOver = false;
  /** No message is taken any more. */
  #finished = false;

  /**
   * @param res - the POST's response, still unanswered
   * @param body - the request ids of the POST (and their raw text) and whether it was a batch
   * @param owner - the transport the POST belongs to
   */
  constructor(
    res: ServerResponse,
    body: {
      requestIds: RequestId[];
      wireIds?: ReadonlyMap<RequestId, string>;
      batch: boolean;
    },
    owner: ExchangeOwner,
  ) {
    this.#res = res;
    this.#owner = owner;
    this.requestIds = body.requestIds;
    this.wireIds = body.wireIds ?? new Map();
    this.#remaining = body.requestIds.length;
    this.#batch = body.batch;
    res.once('close', this.#onClose);
    // The client may have left while the server was being made: 'close' has fired already.
    if (responseGone(res)) queueMicrotask(this.#onClose);
    else if (Number.isFinite(owner.primeAfterMs)) {
      this.#prime = setTimeout(this.#primeNow, owner.primeAfterMs);
      this.#prime.unref();
    }
  }

  /**
   * Whether the exchange takes no more messages: every request is answered, or its client went
   * away before it switched to a resumable SSE stream.
   */
  get finished(): boolean {
    return this.#finished;
  }

  /** Sends a message that is not a final response (switches the answer to SSE). */
  push(json: string): void {
    if (this.#finished) return;
    this.#stream ??= this.#openStream();
    this.#stream.send(json);
  }

  /** Sends the final response of one of the POST's requests. */
  respond(json: string): void {
    if (this.#finished) return;
    this.#remaining--;
    if (this.#stream !== undefined) {
      this.#stream.send(json);
      if (this.#remaining <= 0) this.#finish();
    } else if (!this.#batch) {
      replyJson(this.#res, json, this.#owner.headers);
      this.#finish();
    } else {
      this.#buffered ??= [];
      this.#buffered.push(json);
      if (this.#remaining > 0) return;
      replyJson(this.#res, `[${this.#buffered.join(',')}]`, this.#owner.headers);
      this.#finish();
    }
  }

  /**
   * Counts one of the POST's requests as answered without a response (the client cancelled
   * it: the server sends none). When it was the last one, the answer ends: the SSE stream, or
   * the batch of the responses so far, or an empty SSE stream when nothing was sent at all.
   */
  skip(): void {
    if (this.#finished) return;
    this.#remaining--;
    if (this.#remaining > 0) return;
    if (this.#stream === undefined && this.#buffered !== undefined) {
      replyJson(this.#res, `[${this.#buffered.join(',')}]`, this.#owner.headers);
    } else {
      // Nothing to resume in a stream that ends at once: no priming event.
      this.#stream ??= this.#openStream(false);
    }
    this.#finish();
  }

  readonly #primeNow = (): void => {
    this.#prime = undefined;
    if (this.#finished || this.#responseOver || this.#stream !== undefined) return;
    this.#stream = this.#openStream();
  };

  #openStream(prime = true): EventStream {
    const stream = this.#owner.createEventStream();
    if (!this.#responseOver && !responseGone(this.#res)) {
      stream.attach(new SseStream(this.#res, this.#owner.sseOptions));
    }
    // The priming event: a client that loses the stream before anything else came can resume.
    if (prime) stream.prime();
    if (this.#buffered !== undefined) {
      for (const json of this.#buffered) stream.send(json);
      this.#buffered = undefined;
    }
    return stream;
  }

  #clearPrime(): void {
    if (this.#prime !== undefined) clearTimeout(this.#prime);
    this.#prime = undefined;
  }

  #finish(): void {
    this.#finished = true;
    this.#clearPrime();
    this.#stream?.end();
    if (this.#responseOver) return;
    this.#responseOver = true;
    this.#owner.exchangeFinished(this, true);
  }

  readonly #onClose = (): void => {
    if (this.#responseOver) return;
    this.#responseOver = true;
    this.#clearPrime();
    // A resumable stream lives on: what the server sends is recorded for a resume.
    if (this.#stream === undefined || !this.#stream.resumable) {
      this.#finished = true;
      this.#stream?.end();
    }
    this.#owner.exchangeFinished(this, false);
  };
}
