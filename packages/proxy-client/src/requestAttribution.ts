import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { type Context, currentContext } from '@org/core';
import { isRelatedRequestSource } from '@org/transports';

/**
 * What the wire says about a backend's request: it serves a client request (`front`), one that
 * has ended (`ended`), a backend request made outside any client request (`none`), or it does
 * not say (`unknown`).
 * @internal
 */
export type WireAttribution =
  | { kind: 'front'; front: Context }
  | { kind: 'ended' }
  | { kind: 'none' }
  | { kind: 'unknown' };

const isRequest = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } =>
  'method' in message && 'id' in message && message.id !== undefined;
const isResponse = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } =>
  !('method' in message) && 'id' in message && message.id !== undefined;

/**
 * Which client request each request of one backend connection serves, and so which one each of
 * the backend's own requests serves when the wire relates it to one of ours. The SDK calls
 * `send` synchronously inside `request()`, so the context current in `send` is the caller's.
 * @internal
 */
export class RequestAttribution {
  /** Our backend requests in flight, by id, with the client request each serves. */
  readonly #servedBy = new Map<RequestId, Context>();
  /** The backend's requests being answered, by id, with the client request (null: none) each serves. */
  readonly #incoming = new Map<RequestId, Context | null>();

  /**
   * Watches a connected transport: what it sends (our requests, our answers, cancellations) and
   * what it receives (the backend's requests and answers). A transport whose wire relates
   * nothing (stdio, in-memory) is left alone: every attribution is then `unknown`, and its
   * proxied calls pay nothing for this.
   */
  watch(transport: Transport): void {
    if (!isRelatedRequestSource(transport)) return;
    const related = transport.relatedRequestId.bind(transport);
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (isRequest(message)) {
        const front = currentContext();
        if (front) this.#servedBy.set(message.id, front);
      } else if (isResponse(message)) {
        this.#incoming.delete(message.id);
      } else if ('method' in message && message.method === 'notifications/cancelled') {
        const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
        if (id !== undefined) this.#servedBy.delete(id);
      }
      return send(message, options);
    };
    const deliver = transport.onmessage;
    if (!deliver) return;
    transport.onmessage = (message, extra) => {
      if (isRequest(message)) {
        const ours = related(message.id);
        if (ours !== undefined) this.#incoming.set(message.id, this.#servedBy.get(ours) ?? null);
      } else if (isResponse(message)) {
        this.#servedBy.delete(message.id);
      }
      deliver(message, extra);
    };
  }

  /** What the wire said about the backend's request `id`. */
  attribution(id: RequestId): WireAttribution {
    const front = this.#incoming.get(id);
    if (front === undefined) return { kind: 'unknown' };
    if (front === null) return { kind: 'none' };
    return front.active ? { kind: 'front', front } : { kind: 'ended' };
  }
}
