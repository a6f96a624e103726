import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  type Implementation,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { runWithContext } from '@org/core';
import type { ForwardingHandlers, ForwardingTarget } from './forwardingHandlers';

/** Something a backend told the proxy about its components. */
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
  target: () => ForwardingTarget;
  onEvent: (event: BackendEvent) => void;
}

/**
 * An SDK client announcing `capabilities` and answering the backend's requests with the
 * forwarding handlers, each run in the context of the client request it serves.
 * @internal
 */
export function createBackendClient(wiring: BackendClientWiring): Client {
  const { handlers, capabilities, target } = wiring;
  const sdk = new Client(wiring.clientInfo, { capabilities });
  const inContext = <T>(run: (t: ForwardingTarget) => Promise<T>): Promise<T> => {
    const t = target();
    return runWithContext(t.front, () => run(t));
  };
  if (capabilities.roots && handlers.roots) {
    const roots = handlers.roots;
    sdk.setRequestHandler(ListRootsRequestSchema, (request) =>
      inContext((t) => roots(request.params, t)),
    );
  }
  if (capabilities.sampling && handlers.sampling) {
    const sampling = handlers.sampling;
    sdk.setRequestHandler(CreateMessageRequestSchema, (request) =>
      inContext((t) => sampling(request.params, t)),
    );
  }
  if (capabilities.elicitation && handlers.elicitation) {
    const elicitation = handlers.elicitation;
    sdk.setRequestHandler(ElicitRequestSchema, (request) =>
      inContext((t) => elicitation(request.params, t)),
    );
  }
  const log = handlers.log;
  if (log) {
    sdk.setNotificationHandler(LoggingMessageNotificationSchema, (notification) =>
      inContext((t) => log(notification.params, t)).catch((error: Error) =>
        target().logger.debug(`Cannot forward a log message: ${error.message}`),
      ),
    );
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
