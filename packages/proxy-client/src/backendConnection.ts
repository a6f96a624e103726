import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type ClientCapabilities,
  CreateMessageRequestSchema,
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
import { runWithContext, sharedJsonSchemaValidator } from '@org/core';
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

/** What {@link createBackendClient} wires an SDK client with. @internal */
export interface BackendClientWiring {
  clientInfo: Implementation;
  capabilities: ClientCapabilities;
  handlers: ForwardingHandlers;
  /** Where to forward what the backend sends now (its request `id`, for a request). */
  target: (backendRequestId?: RequestId) => ForwardingTarget;
  /** Counts the forwarding of a notification as part of the client request it goes to. */
  track: (target: ForwardingTarget, work: Promise<unknown>) => void;
  onEvent: (event: BackendEvent) => void;
}

/**
 * An SDK client announcing `capabilities` and answering the backend's requests with the
 * forwarding handlers, each run in the context of the client request it serves.
 * @internal
 */
export function createBackendClient(wiring: BackendClientWiring): Client {
  const { handlers, capabilities, target } = wiring;
  const sdk = new Client(wiring.clientInfo, {
    capabilities,
    jsonSchemaValidator: sharedJsonSchemaValidator(),
  });
  const inContext = <T>(id: RequestId, run: (t: ForwardingTarget) => Promise<T>): Promise<T> => {
    const t = target(id);
    return runWithContext(t.front, () => run(t));
  };
  if (capabilities.roots && handlers.roots) {
    const roots = handlers.roots;
    sdk.setRequestHandler(ListRootsRequestSchema, (request, extra) =>
      inContext(extra.requestId, (t) => roots(request.params, t)),
    );
  }
  if (capabilities.sampling && handlers.sampling) {
    const sampling = handlers.sampling;
    sdk.setRequestHandler(CreateMessageRequestSchema, (request, extra) =>
      inContext(extra.requestId, (t) => sampling(request.params, t)),
    );
  }
  if (capabilities.elicitation && handlers.elicitation) {
    const elicitation = handlers.elicitation;
    sdk.setRequestHandler(ElicitRequestSchema, (request, extra) =>
      inContext(extra.requestId, (t) => elicitation(request.params, t)),
    );
  }
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
