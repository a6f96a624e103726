import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createEchoServer } from './echoServer';

/** Messages a backend received, by JSON-RPC method, and the connections it served. */
export class BackendCounts {
  /** Received requests and notifications by method. */
  readonly byMethod = new Map<string, number>();
  /** Connections (backend sessions) opened. */
  connections = 0;

  /** Forgets everything counted so far. */
  reset(): void {
    this.byMethod.clear();
    this.connections = 0;
  }

  /** How many messages of `method` arrived. */
  count(method: string): number {
    return this.byMethod.get(method) ?? 0;
  }

  /** Every request (not notification) received, whatever the method. */
  requests(): number {
    let total = 0;
    for (const [method, n] of this.byMethod) if (!method.startsWith('notifications/')) total += n;
    return total;
  }

  /** Records one incoming message. */
  record(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    this.byMethod.set(message.method, this.count(message.method) + 1);
  }
}

/** Wraps a server-side transport so that every message it delivers is counted first. */
class CountingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];
  readonly #inner: Transport;
  readonly #counts: BackendCounts;

  constructor(inner: Transport, counts: BackendCounts) {
    this.#inner = inner;
    this.#counts = counts;
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  start(): Promise<void> {
    this.#inner.onmessage = (message, extra) => {
      this.#counts.record(message);
      this.onmessage?.(message, extra);
    };
    this.#inner.onclose = () => this.onclose?.();
    this.#inner.onerror = (error) => this.onerror?.(error);
    return this.#inner.start();
  }

  send(...args: Parameters<Transport['send']>): Promise<void> {
    return this.#inner.send(...args);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/**
 * An in-process echo backend that counts what it receives: a connectable server making a fresh
 * echo server per connection, behind a counting transport.
 */
export function countingEchoBackend(counts: BackendCounts): {
  connect(transport: Transport): Promise<void>;
} {
  return {
    async connect(transport: Transport): Promise<void> {
      counts.connections += 1;
      await createEchoServer().connect(new CountingTransport(transport, counts));
    },
  };
}
