import type { AnyObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import {
  type CreateMessageRequest,
  type CreateMessageResult,
  CreateMessageResultSchema,
  CreateMessageResultWithToolsSchema,
  type ElicitRequest,
  type ElicitResult,
  ElicitResultSchema,
  ErrorCode,
  type ListRootsRequest,
  type ListRootsResult,
  ListRootsResultSchema,
  type LoggingMessageNotification,
  McpError,
  type Progress,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { Context, FrontSession } from '@org/core';
import type { Logger } from '@org/transports';

/** What a forwarding handler knows about where to forward. */
export interface ForwardingTarget {
  /** The client request the backend request serves, when one is active. */
  front: Context | undefined;
  /**
   * The client session the backend connection belongs to (a `StatefulProxyClient`'s), else
   * that of `front`. The default handlers forward to it what arrives between client requests.
   */
  session: FrontSession | undefined;
  /** The backend's name, for messages. */
  backend: string;
  /** Where to report what cannot be forwarded. */
  logger: Logger;
}

/** Answers a backend's `roots/list`. */
export type RootsHandler = (
  request: ListRootsRequest['params'],
  target: ForwardingTarget,
) => Promise<ListRootsResult>;
/** Answers a backend's `sampling/createMessage`. */
export type SamplingHandler = (
  request: CreateMessageRequest['params'],
  target: ForwardingTarget,
) => Promise<CreateMessageResult>;
/** Answers a backend's `elicitation/create` (form or URL mode). */
export type ElicitationHandler = (
  request: ElicitRequest['params'],
  target: ForwardingTarget,
) => Promise<ElicitResult>;
/** Receives a backend's `notifications/message`. */
export type LogHandler = (
  message: LoggingMessageNotification['params'],
  target: ForwardingTarget,
) => Promise<void>;
/** Receives progress the backend reports for a request the proxy made. */
export type ProgressHandler = (progress: Progress, target: ForwardingTarget) => Promise<void>;

/** The handlers of a proxy client. `null` turns one off (and, for requests, stops advertising it). */
export interface ForwardingHandlers {
  /** `roots/list` from the backend. @default defaultProxyRootsHandler */
  roots: RootsHandler | null;
  /** `sampling/createMessage` from the backend. @default defaultProxySamplingHandler */
  sampling: SamplingHandler | null;
  /** `elicitation/create` from the backend. @default defaultProxyElicitationHandler */
  elicitation: ElicitationHandler | null;
  /** `notifications/message` from the backend. @default defaultProxyLogHandler */
  log: LogHandler | null;
  /** Progress of proxied requests. @default defaultProxyProgressHandler */
  progress: ProgressHandler | null;
}

function noFront(method: string, target: ForwardingTarget): McpError {
  return new McpError(
    ErrorCode.InvalidRequest,
    `Cannot forward ${method} from backend ${target.backend}: no client request is active to forward it to`,
  );
}

function withoutProgressToken<T extends { _meta?: Record<string, unknown> }>(params: T): T {
  if (!params._meta || !('progressToken' in params._meta)) return params;
  const { progressToken: _ignored, ...meta } = params._meta;
  return { ...params, _meta: meta };
}

/**
 * Sends a request to the client: related to the client request being served, or, when none is
 * active but the backend connection belongs to a client session (a `StatefulProxyClient`), to
 * that session. Without either, the backend gets an error saying why.
 */
async function askFront<T>(
  target: ForwardingTarget,
  request: ServerRequest,
  schema: AnyObjectSchema & { parse(value: unknown): T },
): Promise<T> {
  if (target.front) return target.front.request(request, schema);
  const session = target.session;
  if (session?.initialized && !session.closed) {
    return (await session.server.request(request, schema)) as T;
  }
  throw noFront(request.method, target);
}

/** Forwards `roots/list` to the client of the request being served, and its answer back. */
export const defaultProxyRootsHandler: RootsHandler = async (params, target) => {
  const request = params
    ? { method: 'roots/list' as const, params: withoutProgressToken(params) }
    : { method: 'roots/list' as const };
  return askFront(target, request, ListRootsResultSchema);
};

/**
 * Forwards `sampling/createMessage` unchanged (messages, system prompt, temperature, max
 * tokens, stop sequences, model preferences, include-context, metadata, tools, tool choice)
 * and returns the client's full answer (model, stop reason, every content type).
 */
export const defaultProxySamplingHandler: SamplingHandler = async (params, target) => {
  const withTools = params.tools !== undefined || params.toolChoice !== undefined;
  const schema = withTools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema;
  const request = {
    method: 'sampling/createMessage' as const,
    params: withoutProgressToken(params),
  };
  return (await askFront(target, request, schema)) as CreateMessageResult;
};

/** Forwards `elicitation/create` in its own mode (form or URL) and returns the client's action and content. */
export const defaultProxyElicitationHandler: ElicitationHandler = async (params, target) => {
  const mode = (params as { mode?: string }).mode ?? 'form';
  const session = target.front?.session ?? target.session;
  const supported = session?.clientCapabilities.elicitation as Record<string, unknown> | undefined;
  if (session && mode === 'url' && !supported?.url) {
    throw new McpError(
      ErrorCode.InvalidRequest,
      'Cannot forward URL-mode elicitation: the client does not support it',
    );
  }
  const request = { method: 'elicitation/create' as const, params: withoutProgressToken(params) };
  return askFront(target, request, ElicitResultSchema);
};

/**
 * Forwards a backend log message, whatever the shape of its `data`, to the client of the
 * request being served (or of the session), honouring the client's log level.
 */
export const defaultProxyLogHandler: LogHandler = async (message, target) => {
  if (target.front?.active) {
    await target.front.log(message.level, message.data, message.logger);
    return;
  }
  const session = target.session ?? target.front?.session;
  if (session && !session.closed && session.initialized && session.serverCapabilities.logging) {
    if (!session.wantsLog(message.level)) return;
    await session.server.notification({ method: 'notifications/message', params: message });
    return;
  }
  target.logger.debug(
    `Dropped a log message from backend ${target.backend}: no client to forward it to`,
  );
};

/** Reports backend progress to the client under the client request's own progress token. */
export const defaultProxyProgressHandler: ProgressHandler = async (progress, target) => {
  if (!target.front) {
    target.logger.debug(
      `Dropped progress from backend ${target.backend}: no client request to report it to`,
    );
    return;
  }
  await target.front.reportProgress(progress.progress, progress.total, progress.message);
};

/** The default handlers, each forwarding to the client connected to the proxy. */
export const defaultForwardingHandlers: Readonly<ForwardingHandlers> = Object.freeze({
  roots: defaultProxyRootsHandler,
  sampling: defaultProxySamplingHandler,
  elicitation: defaultProxyElicitationHandler,
  log: defaultProxyLogHandler,
  progress: defaultProxyProgressHandler,
});
