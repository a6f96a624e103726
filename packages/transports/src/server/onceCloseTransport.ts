import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';

/**
 * Wraps an SDK server transport so that `onclose` fires exactly once, whoever closes first
 * (the server, the client going away, or the serve handle), and reports the close to its owner.
 * The SDK's SSE, stdio and in-memory transports may fire `onclose` twice on their own.
 * A close requested before the server started the transport is carried out right after start,
 * so the server still learns about it.
 */
export class OnceCloseTransport implements Transport {
  /** Set by the server: called once when the transport closes. */
  onclose?: () => void;
  /** Set by the server: called on out-of-band errors. */
  onerror?: (error: Error) => void;
  /** Set by the server: receives every client message. */
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  readonly #inner: Transport;
  readonly #onClosed: (() => void) | undefined;
  #started = false;
  #closeRequested = false;
  #closed = false;

  /**
   * @param inner - the transport to wrap
   * @param onClosed - called once when the transport closes, before `onclose`
   */
  constructor(inner: Transport, onClosed?: () => void) {
    this.#inner = inner;
    this.#onClosed = onClosed;
  }

  /** The wrapped transport's session id. */
  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  /** Whether the transport is closed (or closing). */
  get closed(): boolean {
    return this.#closed || this.#closeRequested;
  }

  /** Starts the wrapped transport. */
  async start(): Promise<void> {
    const inner = this.#inner;
    inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => this.#fireClose();
    this.#started = true;
    await inner.start();
    if (this.#closeRequested) await this.close();
  }

  /** Sends through the wrapped transport. */
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#inner.send(message, options);
  }

  /** Passes the negotiated protocol version on. */
  setProtocolVersion(version: string): void {
    this.#inner.setProtocolVersion?.(version);
  }

  /** Closes the wrapped transport; `onclose` fires once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (!this.#started) {
      this.#closeRequested = true;
      return;
    }
    this.#closeRequested = false;
    try {
      await this.#inner.close();
    } finally {
      this.#fireClose();
    }
  }

  #fireClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClosed?.();
    this.onclose?.();
  }
}
