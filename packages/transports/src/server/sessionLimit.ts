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

/** How often, at most, refusals at the limit are logged at warn level (a flood logs little). */
const REPORT_EVERY_MS = 10_000;
const reports = new WeakMap<HttpContext, { last: number; unreported: number }>();

function reportRefusal(context: HttpContext, maxSessions: number): void {
  const { logger } = context.options;
  const state = reports.get(context) ?? { last: Number.NEGATIVE_INFINITY, unreported: 0 };
  reports.set(context, state);
  state.unreported += 1;
  const now = Date.now();
  if (now - state.last < REPORT_EVERY_MS) {
    logger.debug(`New session refused: the limit of ${maxSessions} open sessions is reached`);
    return;
  }
  const count = state.unreported === 1 ? 'a new session' : `${state.unreported} new sessions`;
  logger.warn(`Refused ${count}: the limit of ${maxSessions} open sessions is reached`);
  state.last = now;
  state.unreported = 0;
}

/**
 * Refuses a new session while the server drains (see `HttpServerHandle.drain`) or holds
 * `maxSessions` already: answers 503 with `Retry-After` and a JSON-RPC error (-32000) saying
 * which, and returns true. Call it
 * synchronously just before the session is registered, so that concurrent requests cannot
 * overshoot the limit. @internal
 */
export function refuseAtSessionLimit(context: HttpContext, res: ServerResponse): boolean {
  if (context.draining) {
    replyError(res, 503, {
      code: JsonRpcCode.ServerError,
      message: 'Service Unavailable: the server is shutting down and takes no new sessions',
      headers: { 'retry-after': String(SESSION_LIMIT_RETRY_AFTER_S) },
    });
    return true;
  }
  const { maxSessions } = context.options;
  if (openSessions(context) < maxSessions) return false;
  reportRefusal(context, maxSessions);
  replyError(res, 503, {
    code: JsonRpcCode.ServerError,
    message: `Service Unavailable: the server's limit of ${maxSessions} open sessions (maxSessions) is reached; retry after a session ends`,
    headers: { 'retry-after': String(SESSION_LIMIT_RETRY_AFTER_S) },
  });
  return true;
}
