import type {
  RequestHandlerExtra,
  RequestOptions,
} from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type ClientCapabilities,
  type CreateMessageRequest,
  type CreateMessageResult,
  CreateMessageResultSchema,
  CreateMessageResultWithToolsSchema,
  type ElicitRequest,
  type ElicitResult,
  ElicitResultSchema,
  type ListRootsResult,
  ListRootsResultSchema,
  type LoggingLevel,
  type ProgressToken,
  type RequestId,
  type RequestMeta,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';
import type { Principal } from '../observe/observedEvents';
import type { FrontSession } from './frontSession';

/**
 * The client capability that `request` (a server-to-client request) needs and `capabilities`
 * lack, as a dotted path (`sampling`, `sampling.tools`, `elicitation`, `elicitation.url`,
 * `roots`), or `undefined` when nothing is missing.
 *
 * @example
 * ```ts
 * missingClientCapability(
 *   { method: 'elicitation/create', params: { mode: 'url', message: 'Sign in', url, elicitationId: 'e1' } },
 *   { elicitation: { form: {} } },
 * ); // => 'elicitation.url'
 * ```
 */
export function missingClientCapability(
  request: ServerRequest,
  capabilities: ClientCapabilities,
): string | undefined {
  switch (request.method) {
    case 'sampling/createMessage':
      if (!capabilities.sampling) return 'sampling';
      return request.params.tools && !capabilities.sampling.tools ? 'sampling.tools' : undefined;
    case 'elicitation/create':
      if (!capabilities.elicitation) return 'elicitation';
      return request.params.mode === 'url' && !capabilities.elicitation.url
        ? 'elicitation.url'
        : undefined;
    case 'roots/list':
      return capabilities.roots ? undefined : 'roots';
    default:
      return undefined;
  }
}

/** The SDK's per-request handler data, as a ProviderServer receives it. */
export type ServerRequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Options for the requests a {@link Context} sends to its client. */
export interface ContextRequestOptions {
  /** Aborts the request (the client sees `notifications/cancelled`). Defaults to the request's own signal. */
  signal?: AbortSignal;
  /**
   * Gives up after this long. `Infinity` (or anything above {@link MAX_TIMER_MS}) waits as long
   * as a Node timer can, about 24.8 days: in effect, until the request is answered or aborted.
   * @default 60000 (the SDK's default)
   */
  timeoutMs?: number;
}

/**
 * The longest a Node timer can wait (2^31 - 1 ms, about 24.8 days). A longer delay overflows
 * and fires at once, so longer timeouts are cut to this.
 *
 * @example
 * ```ts
 * await context.elicit(params, { timeoutMs: MAX_TIMER_MS }); // waits for the person, not the clock
 * ```
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What one client request to a {@link ProviderServer} carries: its session, id, `_meta`,
 * progress token and cancellation signal, and the means to talk back to the client that sent
 * it (log, progress, sampling, elicitation, roots). Messages a context sends are related to its
 * request, so over streamable HTTP they travel on that request's response stream.
 *
 * Get the current one with `currentContext()` or `requireContext()`.
 */
export class Context {
  /** The session this request belongs to. */
  readonly session: FrontSession;
  /** The JSON-RPC id of the request. */
  readonly requestId: RequestId;
  /** The method of the request, such as `tools/call`. */
  readonly method: string;
  /** Fires when the client cancels the request or the session ends. */
  readonly signal: AbortSignal;
  /**
   * The backend that serves this request, set by the proxied component that forwards it (for
   * request events, metrics and logs). Unset for local components.
   */
  server: string | undefined;
  readonly #extra: ServerRequestExtra;
  #active = true;
  #related = true;

  /**
   * @param session - the request's session
   * @param method - the request's method
   * @param extra - the SDK's handler data for the request
   */
  constructor(session: FrontSession, method: string, extra: ServerRequestExtra) {
    this.session = session;
    this.method = method;
    this.requestId = extra.requestId;
    this.signal = extra.signal;
    this.#extra = extra;
  }

  /**
   * A context of `session` that serves no request: the one a server runs its handling of a
   * client notification in (`method`, such as `notifications/roots/list_changed`). What it sends
   * is related to no request (over streamable HTTP it travels on the session's standalone
   * stream); its `requestId` is `method`, it has no `_meta`, and its signal never fires (it is
   * `active` until finished or until the session ends).
   *
   * @example
   * ```ts
   * const context = Context.forSession(session, 'notifications/roots/list_changed');
   * await runWithContext(context, () => provider.rootsChanged?.());
   * ```
   */
  static forSession(session: FrontSession, method: string): Context {
    const extra = {
      signal: new AbortController().signal,
      requestId: method,
      sessionId: undefined,
      sendNotification: (notification: ServerNotification) =>
        session.server.notification(notification),
      sendRequest: ((request, schema, options) =>
        session.server.request(request, schema, options)) as ServerRequestExtra['sendRequest'],
    } as ServerRequestExtra;
    const context = new Context(session, method, extra);
    context.#related = false;
    return context;
  }

  /** The request's `_meta`, if the client sent one. */
  get meta(): RequestMeta | undefined {
    return this.#extra._meta;
  }

  /** The progress token the client asked progress under, if any. */
  get progressToken(): ProgressToken | undefined {
    return this.#extra._meta?.progressToken;
  }

  /** The HTTP headers of the request, when it came over HTTP. */
  get httpHeaders(): Readonly<Record<string, string | string[] | undefined>> | undefined {
    return this.#extra.requestInfo?.headers;
  }

  /** What bearer authentication established about the caller, when it ran. */
  get authInfo(): ServerRequestExtra['authInfo'] {
    return this.#extra.authInfo;
  }

  /**
   * The caller, as the front's authentication established it (from {@link Context.authInfo}):
   * the subject is the token's `sub` claim when the verifier kept one in `authInfo.extra`,
   * otherwise its client id. Never carries the token itself. `undefined` without auth.
   */
  get principal(): Principal | undefined {
    const auth = this.#extra.authInfo;
    if (!auth) return undefined;
    const extra = auth.extra ?? {};
    const sub = typeof extra.sub === 'string' ? extra.sub : undefined;
    const claims = extra.claims;
    return {
      subject: sub ?? auth.clientId,
      scopes: auth.scopes,
      ...(typeof claims === 'object' && claims !== null
        ? { claims: claims as Record<string, unknown> }
        : {}),
    };
  }

  /** Whether the request is still being handled (not answered, not cancelled). */
  get active(): boolean {
    return this.#active && !this.signal.aborted && !this.session.closed;
  }

  /** Marks the request answered. @internal */
  finish(): void {
    this.#active = false;
  }

  /**
   * Sends a log message to the client, related to this request, if the client's level lets
   * it through.
   */
  async log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    if (!this.session.wantsLog(level)) return;
    if (!this.session.serverCapabilities.logging) return;
    await this.notify({
      method: 'notifications/message',
      params: logger === undefined ? { level, data } : { level, data, logger },
    });
  }

  /**
   * Reports progress to the client under the request's own progress token. Does nothing when
   * the client did not ask for progress.
   */
  async reportProgress(progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = this.progressToken;
    if (progressToken === undefined || !this.active) return;
    const params: Record<string, unknown> = { progressToken, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    await this.notify({ method: 'notifications/progress', params } as ServerNotification);
  }

  /** Asks the client's model for a completion (`sampling/createMessage`). */
  async sample(
    params: CreateMessageRequest['params'],
    options?: ContextRequestOptions,
  ): Promise<CreateMessageResult> {
    const schema = params.tools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema;
    return (await this.request(
      { method: 'sampling/createMessage', params },
      schema,
      options,
    )) as CreateMessageResult;
  }

  /** Asks the user for input through the client (`elicitation/create`, form or URL mode). */
  async elicit(
    params: ElicitRequest['params'],
    options?: ContextRequestOptions,
  ): Promise<ElicitResult> {
    return this.request({ method: 'elicitation/create', params }, ElicitResultSchema, options);
  }

  /** Asks the client for its roots (`roots/list`). */
  async listRoots(options?: ContextRequestOptions): Promise<ListRootsResult> {
    return this.request({ method: 'roots/list' }, ListRootsResultSchema, options);
  }

  /**
   * Sends any request to the client, related to this request, and validates the answer with
   * `schema`. The client's capabilities are checked first: a request the client did not declare
   * support for fails at once with a `ProxyError` (`UNSUPPORTED`) naming the missing capability,
   * instead of reaching a client that would answer "method not found".
   */
  async request<TResult>(
    request: ServerRequest,
    schema: { parse(value: unknown): TResult } & Parameters<ServerRequestExtra['sendRequest']>[1],
    options: ContextRequestOptions = {},
  ): Promise<TResult> {
    const missing = missingClientCapability(request, this.session.clientCapabilities);
    if (missing)
      throw new ProxyError(ProxyErrorCode.Unsupported, `Client capability missing: ${missing}`);
    const requestOptions: RequestOptions = {
      ...(this.#related ? { relatedRequestId: this.requestId } : {}),
      signal: options.signal ?? this.signal,
    };
    if (options.timeoutMs !== undefined)
      requestOptions.timeout = Math.min(options.timeoutMs, MAX_TIMER_MS);
    return (await this.session.server.request(request, schema, requestOptions)) as TResult;
  }

  /** Sends a notification to the client, related to this request. */
  async notify(notification: ServerNotification): Promise<void> {
    if (this.session.closed) return;
    await this.session.server.notification(
      notification,
      this.#related ? { relatedRequestId: this.requestId } : undefined,
    );
  }
}
