import type { Logger } from '../logger';
import type { EventStore, StoredEvent } from './eventStore';
import type { SseStream } from './sseStream';

/**
 * The events of one session as they go to its {@link EventStore}: appends are made in send
 * order, and {@link settled} waits for the ones still running (an async store). @internal
 */
export class EventJournal {
  readonly #store: EventStore;
  readonly #sessionId: string;
  readonly #logger: Logger;
  #pending: Promise<unknown> = Promise.resolve();

  constructor(store: EventStore, sessionId: string, logger: Logger) {
    this.#store = store;
    this.#sessionId = sessionId;
    this.#logger = logger;
  }

  append(event: StoredEvent): void {
    try {
      const result = this.#store.append(this.#sessionId, event);
      if (result instanceof Promise) this.#track(result);
    } catch (error) {
      this.#logger.warn('Storing an SSE event failed; it cannot be replayed', error);
    }
  }

  #track(result: Promise<unknown>): void {
    const settled = result.catch((error: unknown) =>
      this.#logger.warn('Storing an SSE event failed; it cannot be replayed', error),
    );
    this.#pending = Promise.all([this.#pending, settled]);
  }

  /** Resolves once every append made so far has settled. */
  settled(): Promise<unknown> {
    return this.#pending;
  }

  async eventsAfter(lastEventId: string): Promise<readonly StoredEvent[] | undefined> {
    await this.#pending;
    return this.#store.eventsAfter(this.#sessionId, lastEventId);
  }

  async release(): Promise<void> {
    await this.#pending;
    try {
      await this.#store.release(this.#sessionId);
    } catch (error) {
      this.#logger.warn('Releasing the SSE events of a session failed', error);
    }
  }
}

/** The sequence number at the end of an event id (`<stream>_<seq>`); NaN when there is none. */
export function eventSeq(id: string): number {
  return Number(id.slice(id.lastIndexOf('_') + 1));
}

/**
 * One logical SSE stream of a session (a POST's response stream or the standalone GET stream).
 * It numbers its events (`<streamId>_<seq>`), records them in the session's journal, and
 * writes them to the HTTP response it is attached to, if any. It outlives its responses: a
 * client that lost one attaches a new one with a GET carrying `Last-Event-ID`. @internal
 */
export class EventStream {
  /** The stream id: the session's tag and the stream's name. */
  readonly streamId: string;
  readonly #journal: EventJournal | undefined;
  readonly #onDetach: (() => void) | undefined;
  readonly #onEnd: (() => void) | undefined;
  #seq = 0;
  #sink: SseStream | undefined;
  /** Events sent while a resume replays the store; written after the replay. */
  #held: { id: string; data: string }[] | undefined;
  #ended = false;

  /**
   * @param streamId - the stream id (unique in its session)
   * @param journal - where events are recorded; none: no ids (stateless mode)
   * @param hooks - called when the attached response goes away, and when the stream ends
   */
  constructor(
    streamId: string,
    journal: EventJournal | undefined,
    hooks: { onDetach?: () => void; onEnd?: () => void } = {},
  ) {
    this.streamId = streamId;
    this.#journal = journal;
    this.#onDetach = hooks.onDetach;
    this.#onEnd = hooks.onEnd;
  }

  /** Whether events get ids and are recorded (so the stream can be resumed). */
  get resumable(): boolean {
    return this.#journal !== undefined;
  }

  /** Whether a response is attached (or being attached by a resume). */
  get attached(): boolean {
    return this.#sink !== undefined || this.#held !== undefined;
  }

  /** Whether the stream is over (no event will follow). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The sequence number of the last event sent. */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Sends a message (records it and writes it to the attached response). */
  send(data: string): void {
    if (this.#ended) return;
    if (this.#journal === undefined) {
      this.#sink?.write(data);
      return;
    }
    const id = `${this.streamId}_${++this.#seq}`;
    this.#journal.append({ id, streamId: this.streamId, data });
    if (this.#held !== undefined) this.#held.push({ id, data });
    else this.#sink?.write(data, id);
  }

  /** Sends a priming event (an id, no message) so that the client can resume from here. */
  prime(): void {
    if (this.#ended || this.#journal === undefined) return;
    const id = `${this.streamId}_${++this.#seq}`;
    this.#journal.append({ id, streamId: this.streamId, data: '' });
    if (this.#held !== undefined) this.#held.push({ id, data: '' });
    else this.#sink?.prime(id);
  }

  /** Attaches a fresh response: later events are written to it. */
  attach(sink: SseStream): void {
    this.#sink = sink;
    sink.onClose(() => this.#detached(sink));
  }

  /** Starts a resume: events sent from now on are held until {@link finishResume}. */
  beginResume(): void {
    this.#held = [];
  }

  /** Gives up a resume begun with {@link beginResume}. */
  cancelResume(): void {
    this.#held = undefined;
  }

  /**
   * Ends a resume: writes the replayed events after `afterSeq`, then those sent meanwhile,
   * and attaches the response for the rest (or ends it, when the stream is over).
   */
  finishResume(
    sink: SseStream,
    replayed: readonly { id: string; data: string }[],
    afterSeq: number,
  ): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    let last = afterSeq;
    for (const event of [...replayed, ...held]) {
      const seq = eventSeq(event.id);
      if (!(seq > last)) continue;
      last = seq;
      if (event.data === '') sink.prime(event.id);
      else sink.write(event.data, event.id);
    }
    if (this.#ended) {
      sink.end();
      return;
    }
    this.attach(sink);
  }

  /** Ends the stream and its response. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd?.();
    if (this.#held !== undefined) return; // finishResume ends the response
    this.#sink?.end();
  }

  #detached(sink: SseStream): void {
    if (this.#sink !== sink) return;
    this.#sink = undefined;
    this.#onDetach?.();
  }
}
