import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CancelledNotificationSchema,
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitationCompleteNotificationSchema,
  type ElicitRequest,
  ElicitRequestSchema,
  type Implementation,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  type RequestId,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { type FrontSession, runWithContext, sharedJsonSchemaValidator } from '@org/core';
import { reportDrop } from './dropReports';
import type { ForwardingHandlers, ForwardingTarget } from './forwardingHandlers';

/**
 * Closes an SDK client. A streamable HTTP backend session is ended first (`DELETE`, as the
 * protocol asks of a client leaving), waiting at most `timeoutMs` for the backend to answer:
 * closing the transport alone would leave the session open on the backend until it times out.
 * @internal
 */
export async function closeBackendClient(sdk: Client, timeoutMs: number): Promise<void> {
  const transport = sdk.transport as { sessionId?: string; terminateSession?: () => Promise<void> };
  if (transport?.sessionId && typeof transport.terminateSession === 'function') {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([transport.terminateSession().catch(() => {}), giveUp]);
    clearTimeout(timer);
  }
  await sdk.close();
}

/**
 * Makes a connected SDK client handle each response after the notifications that arrived
 * before it. The SDK runs notification handlers a microtask later but handles a response at
 * once, dropping the request's progress handler: a backend's last progress notification, read
 * in the same chunk as the answer, would then be lost ("unknown token"). Deferring responses by
 * one microtask keeps the wire order.
 * @internal
 */
export function deliverResponsesInOrder(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  transport.onmessage = (message, extra) => {
    if ('id' in message && !('method' in message)) queueMicrotask(() => deliver(message, extra));
    else deliver(message, extra);
  };
}

/** The prefix `McpError`'s constructor puts before a message (`MCP error -32600: `), repeated or not. */
const MCP_ERROR_PREFIX = /^(?:MCP error -?\d+: )+/;

/**
 * Makes a connected SDK client send its error answers (to the backend's sampling, elicitation and
 * roots requests) without the `MCP error <code>: ` prefix of `McpError` messages. The prefix is
 * no part of the wire message: the backend's SDK adds its own when it turns the answer into an
 * `McpError`, so a client's error relayed as is (its message already prefixed once by the proxy's
 * SDK, sometimes twice) would reach the backend prefixed two or three times.
 * @internal
 */
export function sendErrorsUnprefixed(transport: Transport): void {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if ('error' in message && typeof message.error?.message === 'string') {
      const text = message.error.message.replace(MCP_ERROR_PREFIX, '');
      if (text !== message.error.message) {
        return send({ ...message, error: { ...message.error, message: text } }, options);
      }
    }
    return send(message, options);
  };
}

/** The most URL-mode elicitations one backend connection remembers (the oldest are forgotten). */
const MAX_URL_ELICITATIONS = 1000;

/**
 * The client session each URL-mode elicitation of one backend connection was forwarded to, by
 * `elicitationId`, so that the backend's `notifications/elicitation/complete` reaches that
 * client session and no other. An entry goes when the completion arrives, when the client did
 * not accept, or when its client session ends.
 */
class UrlElicitations {
  readonly #sessions = new Map<string, { session: FrontSession; release: () => void }>();

  remember(id: string, session: FrontSession): void {
    this.forget(id);
    if (this.#sessions.size >= MAX_URL_ELICITATIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    const release = session.onClose(() => {
      if (this.#sessions.get(id)?.session === session) this.#sessions.delete(id);
    });
    this.#sessions.set(id, { session, release });
  }

  forget(id: string): void {
    const entry = this.#sessions.get(id);
    if (!entry) return;
    this.#sessions.delete(id);
    entry.release();
  }

  take(id: string): FrontSession | undefined {
    const session = this.#sessions.get(id)?.session;
    this.forget(id);
    return session;
  }
}

/**
 * Something a backend told the proxy about its components.
 *
 * @example
 * ```ts
 * backend.onEvent((event) => {
 *   if (event.type === 'listChanged') cache.invalidate(event.kind);
 *   else notifySubscribers(event.uri);
 * });
 * ```
 */
export type BackendEvent =
  | {
      /** A list of the backend's changed. */
      type: 'listChanged';
      /** Which kind of component. */
      kind: 'tool' | 'resource' | 'prompt';
    }
  | {
      /** A resource of the backend changed. */
      type: 'resourceUpdated';
      /** Its URI on the backend. */
      uri: string;
    };

/**
 * The SDK client's private state {@link withdrawableFirstRequest} reads; `sdkInternals.test.ts`
 * pins the name against the SDK version in use.
 * @internal
 */
export interface SdkClientInternals {
  _requestHandlerAbortControllers: Map<RequestId, AbortController>;
}

/**
 * Makes the backend's `notifications/cancelled` abort the handling of any of its requests. The
 * SDK ignores a cancellation of request id 0 (`if (!requestId) return`), and an SDK backend
 * numbers its requests from 0: its first sampling, elicitation or roots request could never be
 * withdrawn, and the request forwarded to the client would stay open.
 */
function withdrawableFirstRequest(sdk: Client): void {
  const internals = sdk as unknown as SdkClientInternals;
  sdk.setNotificationHandler(CancelledNotificationSchema, async (notification) => {
    const id = notification.params.requestId;
    if (id === undefined) return;
    internals._requestHandlerAbortControllers?.get(id)?.abort(notification.params.reason);
  });
}

/** The `elicitationId` of a URL-mode elicitation, if `params` is one. */
function urlElicitationId(params: ElicitRequest['params']): string | undefined {
  const { mode, elicitationId } = params as { mode?: string; elicitationId?: unknown };
  return mode === 'url' && typeof elicitationId === 'string' ? elicitationId : undefined;
}

/** The kinds of request a backend sends to the client through the proxy. @internal */
export type ForwardedKind = 'sampling' | 'elicitation' | 'roots';

/** What {@link createBackendClient} wires an SDK client with. @internal */
export interface BackendClientWiring {
  clientInfo: Implementation;
  capabilities: ClientCapabilities;
  handlers: ForwardingHandlers;
  /** Where to forward what the backend sends now (its request `id`, for a request). */
  target: (backendRequestId?: RequestId) => ForwardingTarget;
  /** Counts the forwarding of a notification as part of the client request it goes to. */
  track: (target: ForwardingTarget, work: Promise<unknown>) => void;
  /** Told of each request of the backend being forwarded (sampling, elicitation, roots), until it settles. */
  waitOn?: (target: ForwardingTarget, work: Promise<unknown>) => void;
  /** Told of each forwarded request with its kind, for the `forwardedRequest` event. */
  observe?: (kind: ForwardedKind, target: ForwardingTarget, work: Promise<unknown>) => void;
  onEvent: (event: BackendEvent) => void;
}

/**
 * An SDK client announcing `capabilities` and answering the backend's requests with the
 * forwarding handlers, each run in the context of the client request it serves, with the
 * backend's cancellation of its request as `ForwardingTarget.signal`. A URL-mode elicitation's
 * `notifications/elicitation/complete` goes to the client session the elicitation was forwarded
 * to, and is dropped (the drop reported) when none was.
 * @internal
 */
export function createBackendClient(wiring: BackendClientWiring): Client {
  const { handlers, capabilities, target } = wiring;
  const sdk = new Client(wiring.clientInfo, {
    capabilities,
    jsonSchemaValidator: sharedJsonSchemaValidator(),
  });
  withdrawableFirstRequest(sdk);
  const urlElicitations = new UrlElicitations();
  const inContext = <T>(
    extra: { requestId: RequestId; signal: AbortSignal },
    kind: ForwardedKind,
    run: (t: ForwardingTarget) => Promise<T>,
  ): Promise<T> => {
    const t: ForwardingTarget = { ...target(extra.requestId), signal: extra.signal };
    const work = runWithContext(t.front, () => run(t));
    wiring.waitOn?.(t, work);
    wiring.observe?.(kind, t, work);
    return work;
  };
  if (capabilities.roots && handlers.roots) {
    const roots = handlers.roots;
    sdk.setRequestHandler(ListRootsRequestSchema, (request, extra) =>
      inContext(extra, 'roots', (t) => roots(request.params, t)),
    );
  }
  if (capabilities.sampling && handlers.sampling) {
    const sampling = handlers.sampling;
    sdk.setRequestHandler(CreateMessageRequestSchema, (request, extra) =>
      inContext(extra, 'sampling', (t) => sampling(request.params, t)),
    );
  }
  if (capabilities.elicitation && handlers.elicitation) {
    const elicitation = handlers.elicitation;
    sdk.setRequestHandler(ElicitRequestSchema, (request, extra) =>
      inContext(extra, 'elicitation', async (t) => {
        const id = urlElicitationId(request.params);
        const session = t.front?.session ?? t.session;
        if (id === undefined || !session) return elicitation(request.params, t);
        urlElicitations.remember(id, session);
        try {
          const answer = await elicitation(request.params, t);
          if (answer.action !== 'accept') urlElicitations.forget(id);
          return answer;
        } catch (error) {
          urlElicitations.forget(id);
          throw error;
        }
      }),
    );
  }
  sdk.setNotificationHandler(ElicitationCompleteNotificationSchema, async (notification) => {
    const id = notification.params.elicitationId;
    const session = urlElicitations.take(id);
    const t = target();
    const dropped = { one: 'an elicitation completion', kind: 'elicitation completions' };
    if (!session) {
      reportDrop(t, dropped, `no URL-mode elicitation ${id} was forwarded to a client`);
      return;
    }
    if (session.closed || !session.initialized) {
      reportDrop(t, dropped, `the client session elicitation ${id} was forwarded to has ended`);
      return;
    }
    await session.server.notification(notification).catch((error: Error) => {
      t.logger.debug(`Cannot forward the completion of elicitation ${id}: ${error.message}`);
    });
  });
  const log = handlers.log;
  if (log) {
    sdk.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      const t = target();
      const work = runWithContext(t.front, () => log(notification.params, t)).catch(
        (error: Error) => t.logger.debug(`Cannot forward a log message: ${error.message}`),
      );
      wiring.track(t, work);
      return work;
    });
  }
  sdk.setNotificationHandler(ToolListChangedNotificationSchema, async () =>
    wiring.onEvent({ type: 'listChanged', kind: 'tool' }),
  );
  sdk.setNotificationHandler(ResourceListChangedNotificationSchema, async () =>
    wiring.onEvent({ type: 'listChanged', kind: 'resource' }),
  );
  sdk.setNotificationHandler(PromptListChangedNotificationSchema, async () =>
    wiring.onEvent({ type: 'listChanged', kind: 'prompt' }),
  );
  sdk.setNotificationHandler(ResourceUpdatedNotificationSchema, async (notification) =>
    wiring.onEvent({ type: 'resourceUpdated', uri: notification.params.uri }),
  );
  return sdk;
}
