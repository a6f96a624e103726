import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

const PING = ': ping\n\n';

/** The headers of every SSE answer. */
export const SSE_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});

/**
 * Starts a `: ping` heartbeat on an open response; the timer is unref'd (it never keeps the
 * process alive). Returns undefined when `intervalMs` is 0.
 */
export function startHeartbeat(
  res: ServerResponse,
  intervalMs: number,
): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  const timer = setInterval(() => {
    if (!res.writableEnded) res.write(PING);
  }, intervalMs);
  timer.unref();
  return timer;
}

/**
 * Writes MCP messages to one HTTP response as server-sent events (`event: message` frames),
 * with a heartbeat while it is open.
 */
export class SseStream {
  readonly #res: ServerResponse;
  #heartbeat: NodeJS.Timeout | undefined;

  /**
   * Sends the SSE headers at once, so the client sees the stream open.
   * @param res - the response to stream on
   * @param headers - the headers, SSE ones included (see {@link SSE_HEADERS})
   * @param keepAliveMs - the heartbeat interval, 0 for none
   */
  constructor(res: ServerResponse, headers: OutgoingHttpHeaders, keepAliveMs: number) {
    this.#res = res;
    res.writeHead(200, headers);
    res.flushHeaders();
    this.#heartbeat = startHeartbeat(res, keepAliveMs);
    res.once('close', this.#stopHeartbeat);
  }

  /** Whether the stream can still be written. */
  get open(): boolean {
    return !this.#res.writableEnded && !this.#res.destroyed;
  }

  /** Writes one serialised JSON-RPC message as an event. */
  write(json: string): void {
    if (this.open) this.#res.write(`event: message\ndata: ${json}\n\n`);
  }

  /** Ends the stream. */
  end(): void {
    this.#stopHeartbeat();
    if (!this.#res.writableEnded) this.#res.end();
  }

  readonly #stopHeartbeat = (): void => {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  };
}
