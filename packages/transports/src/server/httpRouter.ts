import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HttpContext } from './httpContext';
import { JsonRpcCode, replyEmpty, replyError, replyJson, responseGone } from './httpReplies';
import { openLegacySse, postLegacyMessage } from './legacySseHandlers';
import { metadataPathFor, requestAuth } from './oauthFront';
import { refuseAtSessionLimit } from './sessionLimit';
import {
  handleStreamableDelete,
  handleStreamableGet,
  handleStreamablePost,
} from './streamableHttpHandler';
import type { HttpRoute } from './types';

type Endpoint = 'mcp' | 'health' | 'sse' | 'messages';

const CORS_PREFLIGHT_HEADERS = Object.freeze({
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers':
    'content-type, authorization, mcp-session-id, mcp-protocol-version, last-event-id',
  'access-control-max-age': '86400',
});
const ALLOW: Record<Endpoint, string> = {
  mcp: 'GET, POST, DELETE',
  health: 'GET',
  sse: 'GET',
  messages: 'POST',
};

const forbidden = (what: string) => ({
  code: JsonRpcCode.ServerError,
  message: `Forbidden: ${what} not allowed`,
});
const FORBIDDEN_HOST = forbidden('Host');
const FORBIDDEN_ORIGIN = forbidden('Origin');
const UNAUTHORIZED = {
  code: JsonRpcCode.ServerError,
  message: 'Unauthorized: a valid bearer token is required',
  headers: { 'www-authenticate': 'Bearer' },
};
const NOT_FOUND = { code: JsonRpcCode.ServerError, message: 'Not found' };
const CLOSING = { code: JsonRpcCode.ServerError, message: 'Server closing' };

function endpointOf(context: HttpContext, pathname: string): Endpoint | undefined {
  const { options } = context;
  if (pathname === options.path) return 'mcp';
  if (pathname === options.healthPath) return 'health';
  if (!options.sse) return undefined;
  if (pathname === options.ssePath) return 'sse';
  return pathname === options.messagesPath ? 'messages' : undefined;
}

/** Host and Origin checks, then CORS headers; false when the request was refused. */
function admit(context: HttpContext, req: IncomingMessage, res: ServerResponse): boolean {
  const { guards, options } = context;
  if (!guards.hostAllowed(req.headers.host)) {
    options.logger.warn('Request refused: Host header not allowed');
    replyError(res, 403, FORBIDDEN_HOST);
    return false;
  }
  const origin = req.headers.origin;
  if (!guards.originAllowed(origin)) {
    options.logger.warn('Request refused: Origin header not allowed');
    replyError(res, 403, FORBIDDEN_ORIGIN);
    return false;
  }
  if (guards.corsAllowed(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'mcp-session-id');
    res.setHeader('vary', 'Origin');
  }
  return true;
}

function health(context: HttpContext, res: ServerResponse): void {
  const sessions = context.sessions.size + context.sseSessions.size;
  replyJson(res, `{"status":"ok","sessions":${sessions}}`);
}

async function dispatch(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: Endpoint,
): Promise<void> {
  const method = req.method;
  if (endpoint === 'mcp') {
    if (method === 'POST') return handleStreamablePost(context, req, res);
    if (method === 'GET') return handleStreamableGet(context, req, res);
    if (method === 'DELETE') return handleStreamableDelete(context, req, res);
  } else if (endpoint === 'sse' && method === 'GET') {
    // openLegacySse registers the session synchronously: no other request can slip in between.
    if (refuseAtSessionLimit(context, res)) return;
    return openLegacySse(context, res);
  } else if (endpoint === 'messages' && method === 'POST') {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    return postLegacyMessage(context, req, res, query === -1 ? '' : url.slice(query + 1));
  }
  const message = `Method not allowed: ${String(method)}`;
  replyError(res, 405, {
    code: JsonRpcCode.ServerError,
    message,
    headers: { allow: ALLOW[endpoint] },
  });
}

/** The extra route serving `pathname`, if one does (exact paths before prefixes). */
function extraRoute(context: HttpContext, pathname: string): HttpRoute | undefined {
  const routes = context.options.routes;
  if (routes.length === 0) return undefined;
  return (
    routes.find((r) => r.path === pathname) ??
    routes.find((r) => r.path.endsWith('/') && pathname.startsWith(r.path))
  );
}

/** Serves an extra route: its methods, then its auth, then its handler. */
async function serveRoute(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: HttpRoute,
): Promise<void> {
  const methods = route.methods ?? ['GET'];
  const allow = methods.join(', ');
  if (req.method === 'OPTIONS') return replyEmpty(res, 204, { allow });
  if (!methods.includes(req.method ?? '')) {
    const message = `Method not allowed: ${String(req.method)}`;
    return replyError(res, 405, { code: JsonRpcCode.ServerError, message, headers: { allow } });
  }
  if (!route.public && !(await authenticate(context, req, res))) return;
  await route.handle(req, res);
}

/** Whether `pathname` is the RFC 9728 metadata document (bare or path-suffixed). */
function isMetadataPath(context: HttpContext, pathname: string): boolean {
  return pathname === metadataPathFor('/') || pathname === metadataPathFor(context.options.path);
}

/**
 * Authenticates a request: the static token, or the OAuth front (which stores the request's
 * authInfo for the handlers). False when it was refused (already answered).
 */
async function authenticate(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const oauth = context.oauth;
  if (oauth === undefined) {
    if (context.guards.authorized(req)) return true;
    context.options.logger.warn('Request refused: missing or wrong bearer token');
    replyError(res, 401, UNAUTHORIZED);
    return false;
  }
  const result = await oauth.authenticate(req);
  if ('token' in result) {
    requestAuth.set(req, result);
    return true;
  }
  context.options.logger.warn(`Request refused: ${result.message}`);
  replyError(res, result.status, {
    code: JsonRpcCode.ServerError,
    message: result.message,
    headers: {
      ...(result.challenge !== undefined ? { 'www-authenticate': result.challenge } : {}),
      ...(result.retryAfterSec !== undefined
        ? { 'retry-after': String(result.retryAfterSec) }
        : {}),
    },
  });
  return false;
}

async function route(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (context.closing) return replyError(res, 503, CLOSING);
  if (!admit(context, req, res)) return;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const pathname = query === -1 ? url : url.slice(0, query);
  const endpoint = endpointOf(context, pathname);
  if (context.oauth && req.method === 'GET' && isMetadataPath(context, pathname)) {
    return replyJson(res, JSON.stringify(context.oauth.metadata()));
  }
  if (endpoint === undefined) {
    const extra = extraRoute(context, pathname);
    if (extra) return serveRoute(context, req, res, extra);
    return replyError(res, 404, NOT_FOUND);
  }
  if (req.method === 'OPTIONS') {
    const cors = res.hasHeader('access-control-allow-origin');
    return replyEmpty(
      res,
      204,
      cors ? { ...CORS_PREFLIGHT_HEADERS, allow: ALLOW[endpoint] } : { allow: ALLOW[endpoint] },
    );
  }
  // The health endpoint is exempt from auth so that probes need no credentials.
  if (endpoint === 'health') {
    if (req.method === 'GET') return health(context, res);
  } else if (!(await authenticate(context, req, res))) return;
  return dispatch(context, req, res, endpoint);
}

/**
 * The `request` listener of the HTTP server: guards (Host, Origin, CORS, auth), the health
 * endpoint, the streamable HTTP and legacy SSE endpoints, then the extra routes. Unknown paths
 * get 404.
 */
export function createRequestListener(context: HttpContext): RequestListener {
  const logger = context.options.logger;
  return (req, res) => {
    route(context, req, res).catch((error: unknown) => {
      if (responseGone(res)) {
        logger.debug('HTTP client went away during a request', error);
        return;
      }
      logger.error('HTTP request failed', error);
      if (res.headersSent) res.destroy();
      else replyError(res, 500, { code: JsonRpcCode.InternalError, message: 'Internal error' });
    });
  };
}
