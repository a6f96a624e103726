import type { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { OnceCloseTransport } from './onceCloseTransport';
import type { RegisteredSession } from './sessionRegistry';

/**
 * One session of the legacy HTTP+SSE transport (protocol 2024-11-05): the SDK's
 * `SSEServerTransport` on the GET stream, closed when that stream closes.
 */
export class LegacySseSession implements RegisteredSession {
  /** Always true: a legacy session lives exactly as long as its stream. */
  readonly busy = true;
  /** Unused: legacy sessions are never idle. */
  readonly lastActive = 0;
  /** The SDK transport (receives the POSTed messages). */
  readonly inner: SSEServerTransport;
  /** The transport the server is connected to. */
  readonly transport: OnceCloseTransport;

  /**
   * @param inner - the SDK transport on the GET response
   * @param onClosed - called once when the session closes
   */
  constructor(inner: SSEServerTransport, onClosed: () => void) {
    this.inner = inner;
    this.transport = new OnceCloseTransport(inner, onClosed);
  }

  /** Closes the session (ends the stream). */
  close(): Promise<void> {
    return this.transport.close();
  }
}
