import {
  type ClientCapabilities,
  ErrorCode,
  InitializeRequestSchema,
  PingRequestSchema,
  type ServerCapabilities,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '@org/transports';
import { mergeCapabilities } from '../providers/capabilities';
import { protocolError, RESOURCE_NOT_FOUND, requestFailure } from './errorMapping';
import type { HandlerKit } from './handlerKit';

/**
 * The SDK server's private state this module sets at initialize: the capabilities are only
 * known once the client has said what it supports (a proxy mirrors them to its backends).
 * `sdkInternals.test.ts` pins these names against the SDK version in use.
 * @internal
 */
export interface SdkServerInternals {
  _capabilities: ServerCapabilities;
  _instructions?: string;
  _clientCapabilities?: ClientCapabilities;
  _clientVersion?: unknown;
  _oninitialize(request: unknown): Promise<Record<string, unknown>>;
  _requestMessageId: number;
  assertTaskHandlerCapability(method: string): void;
}

/**
 * Registers `initialize`, `ping`, `logging/setLevel` and resource subscriptions, and numbers the
 * session's server-to-client requests from 1. `servedCapabilities` says what the server
 * announces for its components; `baseCapabilities` are merged on top. `servedInstructions`
 * gives the instructions sent at initialize.
 * @internal
 */
export function registerSessionHandlers(
  kit: HandlerKit,
  baseCapabilities: ServerCapabilities,
  servedCapabilities: () => Promise<ServerCapabilities>,
  servedInstructions: () => Promise<string | undefined>,
): void {
  const { sdk, session, providers } = kit;
  const internals = sdk as unknown as SdkServerInternals;
  // A task-augmented request reaches its handler: `tools/call` refuses it with METHOD_NOT_FOUND
  // naming the tool (what the tasks spec asks for `taskSupport: forbidden`); `resources/read` and
  // `prompts/get` never see the `task` (the SDK's schemas drop it) and serve the request as the
  // spec asks of a receiver not declaring tasks. The SDK would refuse any task-augmented request
  // itself, as an internal error that names nothing.
  internals.assertTaskHandlerCapability = () => {};
  // The SDK numbers requests from 0, and an SDK 1.x client ignores `notifications/cancelled`
  // for request id 0: the first sampling, elicitation or roots request of a session could
  // never be cancelled. Starting at 1 makes every request cancellable.
  if (internals._requestMessageId === 0) internals._requestMessageId = 1;
  sdk.setRequestHandler(InitializeRequestSchema, (request, extra) =>
    kit.run('initialize', extra, async () => {
      internals._clientCapabilities = request.params.capabilities;
      internals._clientVersion = request.params.clientInfo;
      let served: ServerCapabilities;
      let instructions: string | undefined;
      try {
        [served, instructions] = await Promise.all([servedCapabilities(), servedInstructions()]);
      } catch (error) {
        throw requestFailure('initializing', error, kit.maskErrorDetails);
      }
      if (instructions !== undefined) internals._instructions = instructions;
      const capabilities = mergeCapabilities(baseCapabilities, served);
      delete capabilities.tasks;
      session.serverCapabilities = capabilities;
      internals._capabilities = capabilities;
      const result = await internals._oninitialize(request);
      session.initialized = true;
      return result;
    }),
  );
  sdk.setRequestHandler(PingRequestSchema, (_request, extra) =>
    kit.run('ping', extra, async () => {
      try {
        await providers.ping();
      } catch (error) {
        throw requestFailure('answering ping', error, kit.maskErrorDetails);
      }
      return {};
    }),
  );
  sdk.setRequestHandler(SetLevelRequestSchema, (request, extra) =>
    kit.run('logging/setLevel', extra, async () => {
      session.setLogLevel(request.params.level);
      await providers.setLogLevel(request.params.level);
      return {};
    }),
  );
  sdk.setRequestHandler(SubscribeRequestSchema, (request, extra) =>
    kit.run('resources/subscribe', extra, async (context) => {
      const { uri } = request.params;
      try {
        const resource = await providers.getResource(uri);
        const template =
          resource && !resource.unlisted ? undefined : await providers.getResourceTemplate(uri);
        if (template) await template.subscribe(uri, context);
        else if (resource) await resource.subscribe(context);
        else throw protocolError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`);
      } catch (error) {
        throw requestFailure(`subscribing to ${uri}`, error, kit.maskErrorDetails);
      }
      session.subscriptions.add(uri);
      return {};
    }),
  );
  sdk.setRequestHandler(UnsubscribeRequestSchema, (request, extra) =>
    kit.run('resources/unsubscribe', extra, async (context) => {
      const { uri } = request.params;
      if (!session.subscriptions.delete(uri)) {
        throw protocolError(ErrorCode.InvalidParams, `Not subscribed: ${uri}`);
      }
      try {
        const resource = await providers.getResource(uri);
        const template =
          resource && !resource.unlisted ? undefined : await providers.getResourceTemplate(uri);
        if (template) await template.unsubscribe(uri, context);
        else await resource?.unsubscribe(context);
      } catch (error) {
        kit.logger.warn(`Unsubscribing from ${uri} failed: ${errorMessage(error)}`);
      }
      return {};
    }),
  );
}
