/** Events kept per session by default: 1000. */
export const DEFAULT_EVENT_STORE_MAX_EVENTS = 1000;
/** Bytes of event data kept per session by default: 4 MiB. */
export const DEFAULT_EVENT_STORE_MAX_BYTES = 4 * 1024 * 1024;

/** One server-sent event of a streamable HTTP session, as an {@link EventStore} keeps it. */
export interface StoredEvent {
  /** The event id (the SSE `id:` field); unique within its session, it names its stream. */
  readonly id: string;
  /** The stream the event was sent on (a POST's response stream, or the GET stream). */
  readonly streamId: string;
  /** The serialised JSON-RPC message; empty for a priming event (an id and no message). */
  readonly data: string;
}

/**
 * Where a streamable HTTP server keeps the events it sent, so that a client that lost a stream
 * can resume it with a GET carrying `Last-Event-ID` (MCP 2025-11-25 resumability).
 *
 * Unlike the SDK's `EventStore`, the transport makes the event ids itself (they encode the
 * session and the stream) and the store is scoped by session id: it is an ordered log per
 * session. Every method may return a promise, so that a shared store (Redis, say) can plug in;
 * the transport calls {@link EventStore.append} in the order the events are sent and waits for
 * every append to settle before it asks for a replay.
 */
export interface EventStore {
  /** Records an event of a session, after every event recorded for it before. */
  append(sessionId: string, event: StoredEvent): void | Promise<void>;
  /**
   * The events recorded after `lastEventId` on its stream (same `streamId`), oldest first, or
   * undefined when the store does not hold `lastEventId` (never recorded, or evicted). A store
   * that evicts must evict oldest first, so that holding an event means holding all after it.
   */
  eventsAfter(
    sessionId: string,
    lastEventId: string,
  ): readonly StoredEvent[] | undefined | Promise<readonly StoredEvent[] | undefined>;
  /** Forgets every event of a session (it ended). */
  release(sessionId: string): void | Promise<void>;
}

/** Options of {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** The most events kept per session; older ones are evicted first. @default 1000 */
  maxEvents?: number;
  /**
   * The most bytes of event data (UTF-8) kept per session; older events are evicted first.
   * @default 4194304
   */
  maxBytes?: number;
}

/** What an {@link InMemoryEventStore} holds for one session. */
export interface EventStoreUsage {
  /** The number of events held. */
  events: number;
  /** Their size in bytes (UTF-8 data plus ids). */
  bytes: number;
}

interface SessionLog {
  events: StoredEvent[];
  bytes: number[];
  totalBytes: number;
}

/**
 * The default {@link EventStore}: in memory, bounded per session by event count and by bytes
 * (oldest events are evicted first), released when the session ends.
 */
export class InMemoryEventStore implements EventStore {
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #sessions = new Map<string, SessionLog>();

  /** @param options - the bounds per session */
  constructor(options: InMemoryEventStoreOptions = {}) {
    this.#maxEvents = options.maxEvents ?? DEFAULT_EVENT_STORE_MAX_EVENTS;
    this.#maxBytes = options.maxBytes ?? DEFAULT_EVENT_STORE_MAX_BYTES;
    for (const [name, value] of [
      ['maxEvents', this.#maxEvents],
      ['maxBytes', this.#maxBytes],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new RangeError(`Invalid InMemoryEventStore option ${name}: ${String(value)}`);
      }
    }
  }

  /** The number of sessions with events held. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** The events and bytes held for a session. */
  usage(sessionId: string): EventStoreUsage {
    const log = this.#sessions.get(sessionId);
    return { events: log?.events.length ?? 0, bytes: log?.totalBytes ?? 0 };
  }

  /** @inheritDoc */
  append(sessionId: string, event: StoredEvent): void {
    let log = this.#sessions.get(sessionId);
    if (log === undefined) {
      log = { events: [], bytes: [], totalBytes: 0 };
      this.#sessions.set(sessionId, log);
    }
    const size = Buffer.byteLength(event.data, 'utf8') + event.id.length;
    log.events.push(event);
    log.bytes.push(size);
    log.totalBytes += size;
    while (
      log.events.length > 0 &&
      (log.events.length > this.#maxEvents || log.totalBytes > this.#maxBytes)
    ) {
      log.events.shift();
      log.totalBytes -= log.bytes.shift() ?? 0;
    }
  }

  /** @inheritDoc */
  eventsAfter(sessionId: string, lastEventId: string): readonly StoredEvent[] | undefined {
    const events = this.#sessions.get(sessionId)?.events;
    if (events === undefined) return undefined;
    const index = events.findIndex((event) => event.id === lastEventId);
    if (index === -1) return undefined;
    const streamId = events[index]!.streamId;
    return events.slice(index + 1).filter((event) => event.streamId === streamId);
  }

  /** @inheritDoc */
  release(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }
}
