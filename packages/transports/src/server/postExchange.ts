import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { replyJson, responseGone } from './httpReplies';
import { SseStream } from './sseStream';

/** What a {@link PostExchange} needs from the transport it belongs to. */
export interface ExchangeOwner {
  /** Extra headers of every answer (the session id). */
  readonly headers: OutgoingHttpHeaders;
  /** The headers of an SSE answer, extra headers included. */
  readonly sseHeaders: OutgoingHttpHeaders;
  /** The SSE heartbeat interval, 0 for none. */
  readonly keepAliveMs: number;
  /** Called once when the exchange is over: answered completely, or its client went away. */
  exchangeFinished(exchange: PostExchange, completed: boolean): void;
}

/**
 * One POST carrying requests, answered lazily: its response stays open until the server sends
 * something for one of its requests. When the first thing is the final response of a
 * single-request POST, the answer is plain `application/json`; anything else first (progress,
 * a log message, a server-to-client request) switches the answer to an SSE stream, which ends
 * once every request has its response. A batch whose responses all come first is answered as
 * one JSON array.
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
  #stream: SseStream | undefined;
  #buffered: string[] | undefined;
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
  }

  /** Whether the exchange is over (answered, or its client went away). */
  get finished(): boolean {
    return this.#finished;
  }

  /** Sends a message that is not a final response (switches the answer to SSE). */
  push(json: string): void {
    if (this.#finished) return;
    this.#stream ??= this.#openStream();
    this.#stream.write(json);
  }

  /** Sends the final response of one of the POST's requests. */
  respond(json: string): void {
    if (this.#finished) return;
    this.#remaining--;
    if (this.#stream !== undefined) {
      this.#stream.write(json);
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
      this.#stream ??= this.#openStream();
    }
    this.#finish();
  }

  #openStream(): SseStream {
    const stream = new SseStream(this.#res, this.#owner.sseHeaders, this.#owner.keepAliveMs);
    if (this.#buffered !== undefined) {
      for (const json of this.#buffered) stream.write(json);
      this.#buffered = undefined;
    }
    return stream;
  }

  #finish(): void {
    this.#finished = true;
    this.#stream?.end();
    this.#owner.exchangeFinished(this, true);
  }

  readonly #onClose = (): void => {
    if (this.#finished) return;
    this.#finished = true;
    this.#stream?.end();
    this.#owner.exchangeFinished(this, false);
  };
}
