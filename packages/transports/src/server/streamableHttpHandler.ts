import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { acceptsAll } from './acceptHeader';
import { BODY_TOO_LARGE, isJsonContentType, readBody } from './bodyReader';
import { connectTarget } from './connectTarget';
import { type HttpContext, messageExtra } from './httpContext';
import { JsonRpcCode, replyEmpty, replyError } from './httpReplies';
import { type ParsedMessages, parseJsonRpcBody } from './jsonRpcBody';
import { refuseAtSessionLimit } from './sessionLimit';
import { StreamableHttpTransport } from './streamableHttpTransport';
import type { SessionInfo } from './types';

const SUPPORTED_VERSIONS: ReadonlySet<string> = new Set(SUPPORTED_PROTOCOL_VERSIONS);
const SESSION_NOT_FOUND = { code: JsonRpcCode.SessionNotFound, message: 'Session not found' };
const SESSION_REQUIRED = {
  code: JsonRpcCode.ServerError,
  message: 'Bad Request: Mcp-Session-Id header is required',
};
const CLOSING = { code: JsonRpcCode.ServerError, message: 'Server closing' };
const STATELESS_METHOD = {
  code: JsonRpcCode.ServerError,
  message: 'Method not allowed in stateless mode',
  headers: { allow: 'POST' },
};

const POST_TYPES = ['application/json', 'text/event-stream'] as const;
const SSE_TYPES = ['text/event-stream'] as const;
const acceptsPost = (accept: string | undefined): boolean => acceptsAll(accept, POST_TYPES);
const acceptsSse = (accept: string | undefined): boolean => acceptsAll(accept, SSE_TYPES);

/** Answers 400 and returns false when `MCP-Protocol-Version` names a version the SDK does not speak. */
function checkProtocolVersion(req: IncomingMessage, res: ServerResponse): boolean {
  const version = req.headers['mcp-protocol-version'];
  if (version === undefined || (typeof version === 'string' && SUPPORTED_VERSIONS.has(version)))
    return true;
  const message = `Bad Request: Unsupported protocol version: ${String(version)}`;
  replyError(res, 400, { code: JsonRpcCode.ServerError, message });
  return false;
}

/** The session of a request by its `Mcp-Session-Id`, answering 400 or 404 when there is none. */
function sessionOf(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): StreamableHttpTransport | undefined {
  const sessionId = req.headers['mcp-session-id'];
  if (typeof sessionId !== 'string') {
    replyError(res, 400, SESSION_REQUIRED);
    return undefined;
  }
  const transport = context.sessions.get(sessionId);
  if (transport === undefined || transport.closed) replyError(res, 404, SESSION_NOT_FOUND);
  return transport?.closed === false ? transport : undefined;
}

/** Makes a server for a new transport; answers 500 (and returns false) when that fails. */
async function connect(
  context: HttpContext,
  transport: StreamableHttpTransport,
  res: ServerResponse,
): Promise<boolean> {
  const sessionId = transport.sessionId;
  const info: SessionInfo =
    sessionId === undefined
      ? { transport: 'streamable-http' }
      : { sessionId, transport: 'streamable-http' };
  try {
    await connectTarget(context.target, info, transport);
  } catch (error) {
    context.options.logger.error('Serving a streamable HTTP session failed', error);
    await transport.abandon();
    replyError(res, 500, {
      code: JsonRpcCode.InternalError,
      message: 'Internal error: server setup failed',
    });
    return false;
  }
  if (!transport.closed) return true;
  replyError(res, 503, CLOSING);
  return false;
}

async function openSession(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: ParsedMessages,
): Promise<void> {
  if (!body.initialize) return replyError(res, 400, SESSION_REQUIRED);
  if (body.messages.length > 1) {
    const message = 'Invalid Request: Only one initialization request is allowed';
    return replyError(res, 400, { code: JsonRpcCode.InvalidRequest, message });
  }
  if (refuseAtSessionLimit(context, res)) return;
  const { sessions, options } = context;
  const sessionId = randomUUID();
  const transport = new StreamableHttpTransport({
    sessionId,
    logger: options.logger,
    keepAliveMs: options.sseKeepAliveMs,
    maxSseQueueBytes: options.maxSseQueueBytes,
    primeAfterMs: options.ssePrimeAfterMs,
    clientGoneGraceMs: options.clientGoneGraceMs,
    ...(options.eventStore === undefined ? {} : { eventStore: options.eventStore }),
    onClosed: () => {
      sessions.delete(sessionId);
      options.logger.info(`Streamable HTTP session closed: ${sessionId.slice(0, 8)}`);
    },
  });
  sessions.add(sessionId, transport);
  if (!(await connect(context, transport, res))) return;
  options.logger.info(`Streamable HTTP session opened: ${sessionId.slice(0, 8)}`);
  transport.handlePost(res, body, messageExtra(context, req));
}

async function postStateless(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: ParsedMessages,
): Promise<void> {
  // Notifications and responses alone cannot be answered by a fresh server: accept them.
  if (body.requestIds.length === 0) return replyEmpty(res, 202);
  const live = context.statelessTransports;
  const transport: StreamableHttpTransport = new StreamableHttpTransport({
    logger: context.options.logger,
    keepAliveMs: context.options.sseKeepAliveMs,
    maxSseQueueBytes: context.options.maxSseQueueBytes,
    closeWhenIdle: true,
    onClosed: () => live.delete(transport),
  });
  live.add(transport);
  if (!(await connect(context, transport, res))) return;
  transport.handlePost(res, body, messageExtra(context, req));
}

/** POST on the streamable HTTP endpoint: validates, then delivers to a session (new or known). */
export async function handleStreamablePost(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { options } = context;
  if (!acceptsPost(req.headers.accept)) {
    const message =
      'Not Acceptable: Client must accept both application/json and text/event-stream';
    return replyError(res, 406, { code: JsonRpcCode.ServerError, message });
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    const message = 'Unsupported Media Type: Content-Type must be application/json';
    return replyError(res, 415, { code: JsonRpcCode.ServerError, message });
  }
  if (!checkProtocolVersion(req, res)) return;
  const hasSession = !options.stateless && req.headers['mcp-session-id'] !== undefined;
  const transport = hasSession ? sessionOf(context, req, res) : undefined;
  if (hasSession && transport === undefined) return;
  const raw = await readBody(req, options.maxBodyBytes);
  if (raw === BODY_TOO_LARGE) {
    const message = `Payload Too Large: Request body must not exceed ${options.maxBodyBytes} bytes`;
    return replyError(res, 413, {
      code: JsonRpcCode.ServerError,
      message,
      headers: { connection: 'close' },
    });
  }
  const body = parseJsonRpcBody(raw);
  if (!body.ok) return replyError(res, 400, body);
  if (options.stateless) return postStateless(context, req, res, body);
  if (transport === undefined) return openSession(context, req, res, body);
  if (body.initialize) {
    return replyError(res, 400, {
      code: JsonRpcCode.InvalidRequest,
      message: 'Invalid Request: Server already initialized',
    });
  }
  if (transport.closed) return replyError(res, 404, SESSION_NOT_FOUND);
  transport.handlePost(res, body, messageExtra(context, req));
}

/**
 * GET on the streamable HTTP endpoint: opens the session's standalone SSE stream, or with
 * `Last-Event-ID` resumes the stream of that event (400 for an id that is not an event of the
 * session, 409 when that stream is open elsewhere, 410 when its events are no longer held).
 */
export async function handleStreamableGet(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (context.options.stateless) {
    replyError(res, 405, STATELESS_METHOD);
    return;
  }
  if (!acceptsSse(req.headers.accept)) {
    const message = 'Not Acceptable: Client must accept text/event-stream';
    replyError(res, 406, { code: JsonRpcCode.ServerError, message });
    return;
  }
  if (!checkProtocolVersion(req, res)) return;
  const transport = sessionOf(context, req, res);
  if (transport === undefined) return;
  const lastEventId = req.headers['last-event-id'];
  if (typeof lastEventId === 'string' && lastEventId !== '') {
    const refusal = await transport.resumeStream(res, lastEventId);
    if (refusal === undefined) return;
    if (refusal.status === 404) replyError(res, 404, SESSION_NOT_FOUND);
    else {
      replyError(res, refusal.status, { code: JsonRpcCode.ServerError, message: refusal.message });
    }
    return;
  }
  if (!transport.openStandaloneStream(res)) {
    const message = 'Conflict: Only one SSE stream is allowed per session';
    replyError(res, 409, { code: JsonRpcCode.ServerError, message });
  }
}

/** DELETE on the streamable HTTP endpoint: closes the session. */
export async function handleStreamableDelete(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (context.options.stateless) return replyError(res, 405, STATELESS_METHOD);
  if (!checkProtocolVersion(req, res)) return;
  const transport = sessionOf(context, req, res);
  if (transport === undefined) return;
  await transport.close();
  replyEmpty(res, 200);
}
