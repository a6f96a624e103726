import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from '../logger';

const PING = ': ping\n\n';

/** The most bytes queued for one SSE stream by default (a reader that does not read): 8 MiB. */
export const DEFAULT_MAX_SSE_QUEUE_BYTES = 8 * 1024 * 1024;

/** The headers of every SSE answer. */
export const SSE_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});

/**
 * Starts a `: ping` heartbeat on an open response; the timer is unref'd (it never keeps the
 * process alive). Returns undefined when `intervalMs` is 0. A ping is skipped while the
 * response is not drained (`canWrite`, when given, says so).
 */
export function startHeartbeat(
  res: ServerResponse,
  intervalMs: number,
  canWrite: () => boolean = () => true,
): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const timer = setInterval(() => {
    if (!res.writableEnded && canWrite()) res.write(PING);
  }, intervalMs);
  timer.unref();
  return timer;
}

/** How an {@link SseStream} writes and what bounds it. */
export interface SseStreamOptions {
  /** The headers, SSE ones included (see {@link SSE_HEADERS}). */
  headers: OutgoingHttpHeaders;
  /** The heartbeat interval, 0 for none. */
  keepAliveMs: number;
  /** The most bytes queued (ours and the socket's) before the stream is closed. */
  maxQueueBytes?: number;
  /** Where an overflow is reported. */
  logger?: Logger;
  /** What the stream is, for the log (a shortened session id and the stream). */
  label?: string;
}

/**
 * Writes MCP messages to one HTTP response as server-sent events (`event: message` frames,
 * with an `id:` when one is given), with a heartbeat while it is open.
 *
 * Writes honour backpressure: once `res.write` returns false, frames wait in a queue until
 * `drain`. When the queue and the socket's buffer together exceed `maxQueueBytes` (a client
 * that does not read), the response is destroyed and the reason logged, so that no reader can
 * make the server buffer without bound.
 */
export class SseStream {
  readonly #res: ServerResponse;
  readonly #maxQueueBytes: number;
  readonly #logger: Logger | undefined;
  readonly #label: string;
  #heartbeat: NodeJS.Timeout | undefined;
  #queue: string[] = [];
  #queuedBytes = 0;
  #blocked = false;
  #ending = false;
  #overflowed = false;

  /**
   * Sends the SSE headers at once, so the client sees the stream open.
   * @param res - the response to stream on
   * @param options - headers, heartbeat and the queue bound
   */
  constructor(res: ServerResponse, options: SseStreamOptions) {
    this.#res = res;
    this.#maxQueueBytes = options.maxQueueBytes ?? DEFAULT_MAX_SSE_QUEUE_BYTES;
    this.#logger = options.logger;
    this.#label = options.label ?? 'SSE stream';
    res.writeHead(200, options.headers);
    res.flushHeaders();
    this.#heartbeat = startHeartbeat(res, options.keepAliveMs, () => !this.#blocked);
    res.once('close', this.#onClose);
  }

  /** Whether the stream can still be written. */
  get open(): boolean {
    return !this.#ending && !this.#res.writableEnded && !this.#res.destroyed;
  }

  /** Whether the stream was closed because its reader fell too far behind. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Bytes waiting: in our queue and in the response's own buffer. */
  get queuedBytes(): number {
    return this.#queuedBytes + this.#res.writableLength;
  }

  /** Registers a listener for the end of the response (whoever ended it). */
  onClose(listener: () => void): void {
    if (this.#res.destroyed || this.#res.writableFinished) queueMicrotask(listener);
    else this.#res.once('close', listener);
  }

  /** Writes one serialised JSON-RPC message as an event, with an event id when given. */
  write(json: string, id?: string): void {
    if (!this.open) return;
    const frame =
      id === undefined
        ? `event: message\ndata: ${json}\n\n`
        : `id: ${id}\nevent: message\ndata: ${json}\n\n`;
    this.#writeFrame(frame);
  }

  /** Writes a priming event: an id and empty data, which a client records and skips. */
  prime(id: string): void {
    if (this.open) this.#writeFrame(`id: ${id}\ndata:\n\n`);
  }

  #writeFrame(frame: string): void {
    if (this.#blocked) {
      this.#queue.push(frame);
      this.#queuedBytes += Buffer.byteLength(frame, 'utf8');
    } else if (!this.#res.write(frame)) {
      this.#blocked = true;
      this.#res.once('drain', this.#drain);
    }
    if (this.queuedBytes > this.#maxQueueBytes) this.#overflow();
  }

  readonly #drain = (): void => {
    this.#blocked = false;
    while (this.#queue.length > 0 && !this.#res.destroyed) {
      const frame = this.#queue.shift()!;
      this.#queuedBytes -= Buffer.byteLength(frame, 'utf8');
      if (!this.#res.write(frame)) {
        this.#blocked = true;
        this.#res.once('drain', this.#drain);
        return;
      }
    }
    if (this.#ending && this.#queue.length === 0) this.#finish();
  };

  #overflow(): void {
    if (this.#overflowed) return;
    this.#overflowed = true;
    this.#logger?.warn(
      `${this.#label} closed: its client is not reading (more than ${this.#maxQueueBytes} bytes queued)`,
    );
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#stopHeartbeat();
    this.#res.destroy();
  }

  /** Ends the stream, once what is queued is written. */
  end(): void {
    this.#stopHeartbeat();
    if (this.#ending) return;
    this.#ending = true;
    if (!this.#blocked) this.#finish();
  }

  #finish(): void {
    if (!this.#res.writableEnded) this.#res.end();
  }

  readonly #onClose = (): void => {
    this.#stopHeartbeat();
    this.#queue = [];
    this.#queuedBytes = 0;
  };

  readonly #stopHeartbeat = (): void => {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  };
}
