import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { ConnectableServer } from '@org/transports';

/** What {@link CliHandle.drain} found. */
export interface CliDrainResult {
  /** The client requests in flight when the drain began. */
  inFlight: number;
  /** How many of them still ran when the deadline passed (answered with an error). */
  cutOff: number;
  /** How many of them ended with their session (the client went away) before answering. */
  abandoned: number;
}

/** The JSON-RPC error code of requests refused or cut off by a shutdown (a server error). */
const SHUTDOWN_ERROR_CODE = -32000;

/**
 * Sits between the front and the proxy: counts the client requests in flight and, once a
 * drain began, refuses new ones. Internal to the CLI.
 */
export class DrainGate {
  readonly #pending = new Map<GatedTransport, Set<RequestId>>();
  #draining = false;
  #abandoned = 0;
  #onIdle: (() => void) | undefined;

  /** Whether new requests are refused. */
  get draining(): boolean {
    return this.#draining;
  }

  /** A server whose every session goes through this gate. */
  wrap(server: ConnectableServer): ConnectableServer {
    return { connect: (transport) => server.connect(new GatedTransport(transport, this)) };
  }

  /** Records a request that was let through. */
  started(transport: GatedTransport, id: RequestId): void {
    const ids = this.#pending.get(transport) ?? new Set<RequestId>();
    ids.add(id);
    this.#pending.set(transport, ids);
  }

  /** Forgets a request (answered or cancelled), or every request of a closed transport. */
  finished(transport: GatedTransport, id?: RequestId): void {
    const ids = this.#pending.get(transport);
    if (!ids) return;
    if (id === undefined) {
      if (this.#draining) this.#abandoned += ids.size;
      ids.clear();
    } else ids.delete(id);
    if (ids.size === 0) this.#pending.delete(transport);
    if (this.#pending.size === 0) this.#onIdle?.();
  }

  #count(): number {
    let count = 0;
    for (const ids of this.#pending.values()) count += ids.size;
    return count;
  }

  async drain(timeoutMs: number): Promise<CliDrainResult> {
    this.#draining = true;
    const inFlight = this.#count();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.#onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#onIdle = undefined;
    }
    const left = [...this.#pending];
    this.#pending.clear();
    let cutOff = 0;
    for (const [transport, ids] of left) {
      for (const id of ids) {
        cutOff += 1;
        transport.cutOff(id, `the shutdown's drain deadline (${timeoutMs} ms) passed`);
      }
    }
    return { inFlight, cutOff, abandoned: this.#abandoned };
  }
}

/** A front transport seen through a {@link DrainGate}. */
class GatedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  readonly #inner: Transport;
  readonly #gate: DrainGate;
  /** Requests answered with an error by the gate: the server's own answer is dropped. */
  readonly #answered = new Set<RequestId>();

  constructor(inner: Transport, gate: DrainGate) {
    this.#inner = inner;
    this.#gate = gate;
    inner.onmessage = (message, extra) => this.#receive(message, extra);
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => {
      this.#gate.finished(this);
      this.onclose?.();
    };
  }

  get sessionId(): string | undefined {
    return this.#inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.#inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const answer = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    const id = answer ? (message as { id?: RequestId }).id : undefined;
    if (id !== undefined && this.#answered.delete(id)) return;
    try {
      await this.#inner.send(message, options);
    } finally {
      if (id !== undefined) this.#gate.finished(this, id);
    }
  }

  /** Answers a request in flight with an error; the server's answer, if it comes, is dropped. */
  cutOff(id: RequestId, why: string): void {
    this.#answered.add(id);
    this.#refuse(id, `Proxy is shutting down: the request was cut off: ${why}`);
  }

  #refuse(id: RequestId, message: string): void {
    const error = { jsonrpc: '2.0' as const, id, error: { code: SHUTDOWN_ERROR_CODE, message } };
    this.#inner.send(error, { relatedRequestId: id }).catch((failure: unknown) => {
      this.onerror?.(failure instanceof Error ? failure : new Error(String(failure)));
    });
  }

  #receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (isJSONRPCRequest(message)) {
      if (this.#gate.draining) {
        this.#refuse(message.id, 'Proxy is shutting down: no new requests are accepted');
        return;
      }
      this.#gate.started(this, message.id);
    } else if (
      isJSONRPCNotification(message) &&
      message.method === 'notifications/cancelled' &&
      message.params?.requestId !== undefined
    ) {
      // A cancelled request gets no answer.
      this.#gate.finished(this, message.params.requestId as RequestId);
    }
    this.onmessage?.(message, extra);
  }
}
