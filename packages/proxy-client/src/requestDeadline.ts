import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type FrontSession, MAX_TIMER_MS } from '@org/core';

/** A delay a Node timer can wait: longer ones would overflow and fire at once. */
function timerDelay(ms: number): number {
  return Math.max(0, Math.min(ms, MAX_TIMER_MS));
}

/**
 * A signal that aborts when any of `signals` does (with its reason), and `dispose` to stop
 * listening to them. Not `AbortSignal.any`: the SDK never removes the listener it adds to a
 * request's signal, and Node keeps a composite signal with listeners alive until it aborts, so
 * each request answered normally would leak its composite signal and what its listener holds.
 * @internal
 */
export function linkSignals(signals: readonly AbortSignal[]): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const stops: Array<() => void> = [];
  const dispose = () => {
    for (const stop of stops.splice(0)) stop();
  };
  for (const source of signals) {
    if (source.aborted) {
      controller.abort(source.reason);
      break;
    }
    const onAbort = () => {
      dispose();
      controller.abort(source.reason);
    };
    source.addEventListener('abort', onAbort, { once: true });
    stops.push(() => source.removeEventListener('abort', onAbort));
  }
  if (controller.signal.aborted) dispose();
  return { signal: controller.signal, dispose };
}

/**
 * The time limits of one backend operation, kept by the proxy instead of the SDK: the request
 * timeout (restarted by progress and by each further request of the operation, such as the next
 * page of a list; paused while the backend waits on a request it forwarded to the client) and
 * an optional maximum total time (never paused nor restarted). When a limit passes, `signal`
 * aborts with the SDK's own timeout error, so the SDK sends `notifications/cancelled` to the
 * backend and the operation fails as an SDK timeout would.
 * @internal
 */
export class RequestDeadline {
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  #idle: NodeJS.Timeout | undefined;
  #total: NodeJS.Timeout | undefined;
  #paused = 0;
  #done = false;
  #firedAfterMs: number | undefined;

  readonly #unlink: () => void;

  /**
   * @param timeoutMs - the request timeout (a non-finite one: none)
   * @param maxTotalMs - the most the whole operation may take, if limited
   * @param linked - aborts `signal` too (the client request's cancellation), with its reason
   */
  constructor(timeoutMs: number, maxTotalMs: number | undefined, linked?: AbortSignal) {
    this.#timeoutMs = timeoutMs;
    const onAbort = () => {
      this.dispose();
      this.#controller.abort(linked?.reason);
    };
    if (linked?.aborted) this.#controller.abort(linked.reason);
    else linked?.addEventListener('abort', onAbort, { once: true });
    this.#unlink = () => linked?.removeEventListener('abort', onAbort);
    if (maxTotalMs !== undefined && Number.isFinite(maxTotalMs)) {
      this.#total = setTimeout(
        () =>
          this.#fire(
            maxTotalMs,
            new McpError(ErrorCode.RequestTimeout, 'Maximum total timeout exceeded', {
              maxTotalTimeout: maxTotalMs,
            }),
          ),
        timerDelay(maxTotalMs),
      );
    }
    this.#arm();
  }

  /** Aborts when a limit passes or the linked signal aborts. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The limit that passed, in milliseconds, once one did. */
  get firedAfterMs(): number | undefined {
    return this.#firedAfterMs;
  }

  /** Starts the request timeout again (progress, or the next request of the operation). */
  restart(): void {
    if (this.#paused === 0) this.#arm();
  }

  /** Stops the request timeout until as many `resume()` calls (a forwarded request is pending). */
  pause(): void {
    this.#paused += 1;
    clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  /** Undoes one `pause()`; the last one starts the request timeout afresh. */
  resume(): void {
    if (this.#paused === 0) return;
    this.#paused -= 1;
    if (this.#paused === 0) this.#arm();
  }

  /** Stops every timer (the operation ended). */
  dispose(): void {
    this.#done = true;
    this.#unlink();
    clearTimeout(this.#idle);
    clearTimeout(this.#total);
  }

  #arm(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    if (this.#done || !Number.isFinite(this.#timeoutMs)) return;
    const timeout = this.#timeoutMs;
    this.#idle = setTimeout(
      () =>
        this.#fire(
          timeout,
          new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout }),
        ),
      timerDelay(timeout),
    );
  }

  #fire(afterMs: number, reason: McpError): void {
    if (this.#done) return;
    this.#firedAfterMs = afterMs;
    this.dispose();
    this.#controller.abort(reason);
  }
}

/**
 * The deadlines of one proxy client's operations, by the client session each serves, so that a
 * request the backend sends to a client session (sampling, elicitation, roots) pauses the
 * request timeouts of that session's operations until the client answers: a backend waiting for
 * a person is not timed out by the proxy. By session rather than by client request: over stdio
 * or in memory nothing tells which of a session's overlapping requests the backend's request
 * serves (see `ProxyClient.forwardingTarget`), and timing out the one it does serve would be
 * worse than waiting on another.
 * @internal
 */
export class RequestDeadlines {
  readonly #bySession = new Map<FrontSession, Set<RequestDeadline>>();
  readonly #waiting = new Map<FrontSession, number>();

  /** A deadline for an operation serving `session` (paused while `session` is being asked). */
  start(
    session: FrontSession | undefined,
    timeoutMs: number,
    maxTotalMs?: number,
    linked?: AbortSignal,
  ): RequestDeadline {
    const deadline = new RequestDeadline(timeoutMs, maxTotalMs, linked);
    if (!session) return deadline;
    let set = this.#bySession.get(session);
    if (!set) {
      set = new Set();
      this.#bySession.set(session, set);
    }
    set.add(deadline);
    for (let i = this.#waiting.get(session) ?? 0; i > 0; i--) deadline.pause();
    return deadline;
  }

  /** Ends a deadline made with {@link RequestDeadlines.start}. */
  end(session: FrontSession | undefined, deadline: RequestDeadline): void {
    deadline.dispose();
    if (!session) return;
    const set = this.#bySession.get(session);
    set?.delete(deadline);
    if (set?.size === 0) this.#bySession.delete(session);
  }

  /** Pauses the request timeouts of the operations serving `session` until `work` settles. */
  waitOn(session: FrontSession | undefined, work: Promise<unknown>): void {
    if (!session) return;
    this.#waiting.set(session, (this.#waiting.get(session) ?? 0) + 1);
    for (const deadline of this.#bySession.get(session) ?? []) deadline.pause();
    const done = () => {
      const left = (this.#waiting.get(session) ?? 1) - 1;
      if (left > 0) this.#waiting.set(session, left);
      else this.#waiting.delete(session);
      for (const deadline of this.#bySession.get(session) ?? []) deadline.resume();
    };
    work.then(done, done);
  }
}
