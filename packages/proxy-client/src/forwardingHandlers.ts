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
import { type Context, type FrontSession, MAX_TIMER_MS, missingClientCapability } from '@org/core';
import { type Logger, ProxyError } from '@org/transports';
import { reportDrop } from './dropReports';
import { linkSignals } from './requestDeadline';

/**
 * What a forwarding handler knows about where to forward.
 *
 * @example
 * ```ts
 * const roots: RootsHandler = async (params, target) => {
 *   if (!target.front && !target.session) return { roots: [{ uri: 'file:///srv/default' }] };
 *   return defaultProxyRootsHandler(params, target);
 * };
 * ```
 */
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
  /**
   * Why what the backend sends must not be forwarded at all, when a client could otherwise be
   * reached (`front` and `session` are then undefined): the client request it serves has ended,
   * or client requests of several client sessions are in flight on the backend connection and
   * nothing tells which one it serves (see the `shared` strategy).
   */
  unrouted?: string;
  /**
   * For a request of the backend (sampling, elicitation, roots): aborts when the backend cancels
   * it (`notifications/cancelled`) or the backend connection closes. The default handlers abort
   * the request they forwarded to the client with it.
   */
  signal?: AbortSignal;
}

/**
 * Answers a backend's `roots/list`.
 *
 * @example
 * ```ts
 * const fixedRoots: RootsHandler = async () => ({ roots: [{ uri: 'file:///srv/app', name: 'app' }] });
 * const backend = new ProxyClient('http://127.0.0.1:8000/mcp', { handlers: { roots: fixedRoots } });
 * ```
 */
export type RootsHandler = (
  request: ListRootsRequest['params'],
  target: ForwardingTarget,
) => Promise<ListRootsResult>;
/**
 * Answers a backend's `sampling/createMessage`.
 *
 * @example
 * ```ts
 * const capped: SamplingHandler = (params, target) =>
 *   defaultProxySamplingHandler({ ...params, maxTokens: Math.min(params.maxTokens, 1000) }, target);
 * ```
 */
export type SamplingHandler = (
  request: CreateMessageRequest['params'],
  target: ForwardingTarget,
) => Promise<CreateMessageResult>;
/**
 * Answers a backend's `elicitation/create` (form or URL mode).
 *
 * @example
 * ```ts
 * const noUrls: ElicitationHandler = async (params, target) =>
 *   params.mode === 'url' ? { action: 'decline' } : defaultProxyElicitationHandler(params, target);
 * ```
 */
export type ElicitationHandler = (
  request: ElicitRequest['params'],
  target: ForwardingTarget,
) => Promise<ElicitResult>;
/**
 * Receives a backend's `notifications/message`.
 *
 * @example
 * ```ts
 * const tagged: LogHandler = (message, target) =>
 *   defaultProxyLogHandler({ ...message, logger: `${target.backend}/${message.logger ?? 'root'}` }, target);
 * ```
 */
export type LogHandler = (
  message: LoggingMessageNotification['params'],
  target: ForwardingTarget,
) => Promise<void>;
/**
 * Receives progress the backend reports for a request the proxy made.
 *
 * @example
 * ```ts
 * const percent: ProgressHandler = (progress, target) =>
 *   progress.total
 *     ? defaultProxyProgressHandler({ ...progress, progress: (100 * progress.progress) / progress.total, total: 100 }, target)
 *     : defaultProxyProgressHandler(progress, target);
 * ```
 */
export type ProgressHandler = (progress: Progress, target: ForwardingTarget) => Promise<void>;

/**
 * The handlers of a proxy client. `null` turns one off (and, for requests, stops advertising it).
 * Pass the ones to change in `ProxyClientOptions.handlers`; the others keep their defaults.
 *
 * @example
 * ```ts
 * const handlers: Partial<ForwardingHandlers> = {
 *   elicitation: null, // never announced to the backend, never forwarded
 *   log: async (message, target) => {
 *     audit(target.backend, message.level);
 *     await defaultProxyLogHandler(message, target);
 *   },
 * };
 * const backend = new ProxyClient({ command: 'node', args: ['server.js'] }, { handlers });
 * ```
 */
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
    `Cannot forward ${method} from backend ${target.backend}: ${target.unrouted ?? 'no client request is active to forward it to'}`,
  );
}

function withoutProgressToken<T extends { _meta?: Record<string, unknown> }>(params: T): T {
  if (!params._meta || !('progressToken' in params._meta)) return params;
  const { progressToken: _ignored, ...meta } = params._meta;
  return { ...params, _meta: meta };
}

/** How a client is named to a backend: its `clientInfo.name` (never its session id, a secret over HTTP). */
function clientName(session: FrontSession): string {
  const name = session.clientInfo?.name;
  return name ? `"${name}"` : '(unnamed)';
}

/**
 * Sends a request to the client: related to the client request being served, or, when none is
 * active but the backend connection belongs to a client session (a `StatefulProxyClient`), to
 * that session. Without either, the backend gets an error saying why; a client that did not
 * declare the capability the request needs (`sampling`, `sampling.tools`, `elicitation`,
 * `elicitation.url`, `roots`) is not asked, and the backend gets an error naming the capability
 * and the client. The request waits as long as the backend does (no timeout of its own) and is
 * withdrawn (`notifications/cancelled` to the client) when the backend cancels it. The client's
 * own answer, an error included, goes back unchanged; a failure to deliver the request at all
 * (over streamable HTTP, a session with no GET stream open for a request related to no client
 * request) becomes an error naming the method and the backend.
 */
async function askFront<T>(
  target: ForwardingTarget,
  request: ServerRequest,
  schema: AnyObjectSchema & { parse(value: unknown): T },
): Promise<T> {
  const session = target.session;
  if (!target.front && !(session?.initialized && !session.closed)) {
    throw noFront(request.method, target);
  }
  const asked = target.front?.session ?? session!;
  const missing = missingClientCapability(request, asked.clientCapabilities);
  if (missing) {
    throw new McpError(
      ErrorCode.InvalidRequest,
      `Cannot forward ${request.method} from backend ${target.backend}: client ${clientName(asked)} does not support ${missing} (it did not declare that capability)`,
    );
  }
  try {
    if (target.front) {
      const link = target.signal ? linkSignals([target.front.signal, target.signal]) : undefined;
      try {
        return await target.front.request(request, schema, {
          timeoutMs: MAX_TIMER_MS,
          ...(link ? { signal: link.signal } : {}),
        });
      } finally {
        link?.dispose();
      }
    }
    return (await session!.server.request(request, schema, {
      timeout: MAX_TIMER_MS,
      ...(target.signal ? { signal: target.signal } : {}),
    })) as T;
  } catch (error) {
    if (error instanceof McpError || !(error instanceof Error)) throw error;
    // A local refusal (the request cannot reach the client) is the request's fault, not ours.
    throw new McpError(
      error instanceof ProxyError ? ErrorCode.InvalidRequest : ErrorCode.InternalError,
      `Cannot forward ${request.method} from backend ${target.backend}: ${error.message}`,
    );
  }
}

/**
 * Forwards `roots/list` to the client of the request being served, and its answer back.
 *
 * @example
 * ```ts
 * const roots: RootsHandler = async (params, target) => {
 *   const answer = await defaultProxyRootsHandler(params, target);
 *   return { roots: answer.roots.filter((root) => root.uri.startsWith('file:///home/')) };
 * };
 * ```
 */
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
 *
 * @example
 * ```ts
 * const backend = new ProxyClient(url, {
 *   handlers: {
 *     sampling: async (params, target) => {
 *       console.error(`${target.backend} samples ${params.messages.length} messages`);
 *       return defaultProxySamplingHandler(params, target);
 *     },
 *   },
 * });
 * ```
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

/**
 * Forwards `elicitation/create` in its own mode (form or URL) and returns the client's action
 * and content. URL mode is refused with an error when the client did not declare it (as is any
 * forwarded request whose capability the client lacks).
 *
 * @example
 * ```ts
 * const backend = new ProxyClient(url, {
 *   handlers: {
 *     elicitation: async (params, target) =>
 *       target.front ? defaultProxyElicitationHandler(params, target) : { action: 'cancel' },
 *   },
 * });
 * ```
 */
export const defaultProxyElicitationHandler: ElicitationHandler = async (params, target) => {
  const request = { method: 'elicitation/create' as const, params: withoutProgressToken(params) };
  return askFront(target, request, ElicitResultSchema);
};

/**
 * Forwards a backend log message, whatever the shape of its `data`, to the client of the
 * request being served (or of the session), honouring that client's own log level: a backend
 * session serving several clients (the `shared` strategy) logs at the most verbose level any
 * of them asked for, and a client that asked for `error` still gets only `error` and above.
 * With neither, the message is dropped and the drop logged to the client's logger (at warning
 * level the first time for each backend, at debug level after).
 *
 * @example
 * ```ts
 * const backend = new ProxyClient(url, {
 *   handlers: {
 *     log: async (message, target) => {
 *       if (message.level !== 'debug') await defaultProxyLogHandler(message, target);
 *     },
 *   },
 * });
 * ```
 */
export const defaultProxyLogHandler: LogHandler = async (message, target) => {
  if (target.front?.active) {
    if (!target.front.session.wantsLog(message.level)) return;
    await target.front.log(message.level, message.data, message.logger);
    return;
  }
  const session = target.session ?? target.front?.session;
  if (session && !session.closed && session.initialized && session.serverCapabilities.logging) {
    if (!session.wantsLog(message.level)) return;
    await session.server.notification({ method: 'notifications/message', params: message });
    return;
  }
  reportDrop(
    target,
    { one: 'a log message', kind: 'log messages' },
    target.unrouted ?? 'no client request or client session to forward it to',
  );
};

/**
 * Reports backend progress to the client under the client request's own progress token
 * (nothing is sent when the client asked for no progress). Without a client request, the
 * progress is dropped and the drop logged as for {@link defaultProxyLogHandler}.
 *
 * @example
 * ```ts
 * const backend = new ProxyClient(url, {
 *   handlers: {
 *     progress: async (progress, target) => {
 *       metrics.observe(target.backend, progress.progress);
 *       await defaultProxyProgressHandler(progress, target);
 *     },
 *   },
 * });
 * ```
 */
export const defaultProxyProgressHandler: ProgressHandler = async (progress, target) => {
  if (!target.front) {
    reportDrop(target, { one: 'progress', kind: 'progress' }, 'no client request to report it to');
    return;
  }
  await target.front.reportProgress(progress.progress, progress.total, progress.message);
};

/**
 * The default handlers, each forwarding to the client connected to the proxy.
 *
 * @example
 * ```ts
 * // A client that forwards everything but sampling, which it answers itself.
 * const handlers: ForwardingHandlers = { ...defaultForwardingHandlers, sampling: localModel };
 * const backend = new ProxyClient(url, { handlers });
 * ```
 */
export const defaultForwardingHandlers: Readonly<ForwardingHandlers> = Object.freeze({
  roots: defaultProxyRootsHandler,
  sampling: defaultProxySamplingHandler,
  elicitation: defaultProxyElicitationHandler,
  log: defaultProxyLogHandler,
  progress: defaultProxyProgressHandler,
});
