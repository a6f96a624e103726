import type { ServerResponse } from 'node:http';
import type { HttpContext } from './httpContext';
import { JsonRpcCode, replyError } from './httpReplies';

/**
 * The `Retry-After` (seconds) sent with a refusal at the session limit: a hint, since room is
 * made only when a session ends (DELETE, disconnect or idle timeout), which the server cannot
 * foresee. Long enough not to invite a tight retry loop, short enough for an interactive client.
 */
export const SESSION_LIMIT_RETRY_AFTER_S = 10;

/** The number of open client sessions of an HTTP server (streamable HTTP and legacy SSE). */
export function openSessions(context: HttpContext): number {
  return context.sessions.size + context.sseSessions.size;
}

/**
 * Refuses a new session when the server holds `maxSessions` already: answers 503 with
 * `Retry-After` and a JSON-RPC error (-32000) naming the limit, and returns true. Call it
 * synchronously just before the session is registered, so that concurrent requests cannot
 * overshoot the limit. @internal
 */
export function refuseAtSessionLimit(context: HttpContext, res: ServerResponse): boolean {
  const { maxSessions, logger } = context.options;
  if (openSessions(context) < maxSessions) return false;
  logger.warn(`New session refused: the limit of ${maxSessions} open sessions is reached`);
  replyError(res, 503, {
    code: JsonRpcCode.ServerError,
    message: `Service Unavailable: the server's limit of ${maxSessions} open sessions (maxSessions) is reached; retry after a session ends`,
    headers: { 'retry-after': String(SESSION_LIMIT_RETRY_AFTER_S) },
  });
  return true;
}
