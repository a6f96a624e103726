import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { BODY_TOO_LARGE, isJsonContentType, readBody } from './bodyReader';
import { connectTarget } from './connectTarget';
import type { HttpContext } from './httpContext';
import { JsonRpcCode, replyError } from './httpReplies';
import { LegacySseSession } from './legacySse';
import { requestAuth } from './oauthFront';
import { startHeartbeat } from './sseStream';

/** GET on the SSE endpoint: opens a legacy session and serves it until the stream closes. */
export async function openLegacySse(context: HttpContext, res: ServerResponse): Promise<void> {
  const { options, sseSessions } = context;
  const inner = new SSEServerTransport(options.messagesPath, res);
  const sessionId = inner.sessionId;
  let heartbeat: NodeJS.Timeout | undefined;
  const session = new LegacySseSession(inner, () => {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    sseSessions.delete(sessionId);
    options.logger.info(`SSE session closed: ${sessionId.slice(0, 8)}`);
  });
  sseSessions.add(sessionId, session);
  res.once('close', () => void session.close());
  try {
    await connectTarget(context.target, { sessionId, transport: 'sse' }, session.transport);
  } catch (error) {
    sseSessions.delete(sessionId);
    options.logger.error('Serving an SSE session failed', error);
    if (!res.headersSent) {
      replyError(res, 500, {
        code: JsonRpcCode.InternalError,
        message: 'Internal error: server setup failed',
      });
    } else {
      res.end();
    }
    return;
  }
  if (!session.transport.closed) heartbeat = startHeartbeat(res, options.sseKeepAliveMs);
  options.logger.info(`SSE session opened: ${sessionId.slice(0, 8)}`);
}

/** POST on the messages endpoint: hands a client message to its legacy session. */
export async function postLegacyMessage(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: string,
): Promise<void> {
  const sessionId = new URLSearchParams(query).get('sessionId');
  const session = sessionId === null ? undefined : context.sseSessions.get(sessionId);
  if (session === undefined || session.transport.closed) {
    return replyError(res, 404, {
      code: JsonRpcCode.SessionNotFound,
      message: 'Session not found',
    });
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    const message = 'Unsupported Media Type: Content-Type must be application/json';
    return replyError(res, 415, { code: JsonRpcCode.ServerError, message });
  }
  const { maxBodyBytes, authInfo } = context.options;
  const raw = await readBody(req, maxBodyBytes);
  if (raw === BODY_TOO_LARGE) {
    const message = `Payload Too Large: Request body must not exceed ${maxBodyBytes} bytes`;
    return replyError(res, 413, {
      code: JsonRpcCode.ServerError,
      message,
      headers: { connection: 'close' },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return replyError(res, 400, {
      code: JsonRpcCode.ParseError,
      message: 'Parse error: Invalid JSON',
    });
  }
  // The SDK transport reads the validated token from `req.auth`.
  const auth = requestAuth.get(req) ?? authInfo;
  if (auth !== undefined) (req as IncomingMessage & { auth?: AuthInfo }).auth = auth;
  await session.inner.handlePostMessage(req, res, parsed);
}
