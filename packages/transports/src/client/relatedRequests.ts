import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * A client transport that can tell which of its client's requests a server-to-client request
 * relates to. The streamable HTTP transports made by `createConnector` for a streamable HTTP
 * backend are such transports (a server sends what relates to a request on the SSE answer of
 * the POST that carried it); stdio and in-memory transports are not: nothing on their wire says.
 *
 * @example
 * ```ts
 * const transport = await createConnector({ url: 'http://127.0.0.1:3000/mcp' }).connect();
 * if (isRelatedRequestSource(transport)) {
 *   // after the backend's request 7 arrived:
 *   const ours = transport.relatedRequestId(7); // the id of our request it serves, if known
 * }
 * ```
 */
export interface RelatedRequestSource {
  /**
   * The id of the client's request whose answer stream carried the server's request
   * `serverRequestId`; undefined when it came on no request's stream or is unknown. Each
   * relation is given once, then forgotten.
   */
  relatedRequestId(serverRequestId: RequestId): RequestId | undefined;
}

/** Whether a transport can tell which request a server-to-client request relates to. */
export function isRelatedRequestSource(
  transport: Transport,
): transport is Transport & RelatedRequestSource {
  return typeof (transport as Partial<RelatedRequestSource>).relatedRequestId === 'function';
}

/** How many relations {@link RelatedRequests} keeps that nobody asked for (oldest forgotten first). */
const MAX_UNCLAIMED_RELATIONS = 256;

const isId = (value: unknown): value is RequestId =>
  typeof value === 'string' || typeof value === 'number';

/** The id of the one request a POST body carries, if it carries one. */
function postedRequestId(body: unknown): RequestId | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as { method?: unknown; id?: unknown };
    return typeof message.method === 'string' && isId(message.id) ? message.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Learns which request of the client each server-to-client request of a streamable HTTP
 * backend relates to. A server sends the messages related to a request on the SSE answer of the
 * POST that carried it, so a request arriving on a POST's stream serves that POST's request.
 * The SDK's transport does not say which stream a message came on: this watches the streams in
 * the transport's `fetch` and remembers the relation before the SDK reads the message.
 * @internal
 */
export class RelatedRequests {
  readonly #related = new Map<RequestId, RequestId>();

  /** The request a server-to-client request relates to, if known; forgotten once asked. */
  take(serverRequestId: RequestId): RequestId | undefined {
    const related = this.#related.get(serverRequestId);
    this.#related.delete(serverRequestId);
    return related;
  }

  /** `fetch`, watching the SSE answers of POSTs carrying a request. */
  watch(fetch: FetchLike): FetchLike {
    return async (url, init) => {
      const response = await fetch(url, init);
      const type = response.headers.get('content-type') ?? '';
      const sse = /^text\/event-stream\b/i.test(type);
      if (init?.method !== 'POST' || !response.ok || !response.body || !sse) {
        return response;
      }
      const posted = postedRequestId(init.body);
      if (posted === undefined) return response;
      const body = response.body.pipeThrough(this.#relateTo(posted));
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }

  /** A pass-through stream recording the requests among its SSE events as related to `posted`. */
  #relateTo(posted: RequestId): TransformStream<Uint8Array, Uint8Array> {
    const decoder = new TextDecoder();
    let line = '';
    let data: string[] = [];
    const event = (): void => {
      const text = data.join('\n');
      data = [];
      if (!text.includes('"method"')) return;
      try {
        const message = JSON.parse(text) as { method?: unknown; id?: unknown };
        if (typeof message.method === 'string' && isId(message.id))
          this.#remember(message.id, posted);
      } catch {
        // Not JSON: the SDK reports it.
      }
    };
    return new TransformStream({
      transform: (chunk, controller) => {
        const lines = (line + decoder.decode(chunk, { stream: true })).split('\n');
        line = lines.pop() ?? '';
        for (const raw of lines) {
          const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          if (text === '') event();
          else if (text.startsWith('data:'))
            data.push(text.slice(text.startsWith('data: ') ? 6 : 5));
        }
        // Only now may the SDK read the chunk: the relation is known before the message is.
        controller.enqueue(chunk);
      },
    });
  }

  #remember(serverRequestId: RequestId, posted: RequestId): void {
    this.#related.set(serverRequestId, posted);
    if (this.#related.size <= MAX_UNCLAIMED_RELATIONS) return;
    const oldest = this.#related.keys().next();
    if (!oldest.done) this.#related.delete(oldest.value);
  }
}

/**
 * The SDK's streamable HTTP client transport, telling which of its requests a server-to-client
 * request relates to: `relatedRequestId(serverRequestId)` gives the id of the request whose POST
 * answer carried it (once; undefined when it came on the standalone GET stream or is unknown).
 * A proxy client uses it to forward the backend's request in the context of the client request
 * it serves, even when several are in flight on one backend session. @internal
 */
export class RelatingStreamableHttpTransport
  extends StreamableHTTPClientTransport
  implements RelatedRequestSource
{
  readonly #related: RelatedRequests;

  constructor(
    url: URL,
    init: { requestInit: RequestInit; fetch: FetchLike },
    related: RelatedRequests,
  ) {
    super(url, { ...init, fetch: related.watch(init.fetch) });
    this.#related = related;
  }

  /** The id of the request whose POST answer carried the server request `serverRequestId`. */
  relatedRequestId(serverRequestId: RequestId): RequestId | undefined {
    return this.#related.take(serverRequestId);
  }
}
