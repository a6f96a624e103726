import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';

/**
 * What {@link toBackendError} needs to know about the failed request.
 *
 * @example
 * ```ts
 * const failure: BackendFailure = {
 *   backend: 'weather',
 *   what: 'tools/call forecast',
 *   connectionClosed: false,
 *   timeoutMs: 60_000,
 * };
 * ```
 */
export interface BackendFailure {
  /** The backend's name. */
  backend: string;
  /** The method that failed, such as `tools/call weather_get`. */
  what: string;
  /** Whether the connection to the backend had closed. */
  connectionClosed: boolean;
  /** The request timeout in force. */
  timeoutMs: number;
  /** Why the connection closed, when the transport said (a stdio child's exit). */
  closeReason?: string;
}

/** The HTTP status of an SDK HTTP transport error, when it has one. */
function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof StreamableHTTPError || error instanceof SseError)) return undefined;
  return typeof error.code === 'number' && error.code > 0 ? error.code : undefined;
}

/** Codes of the transports' errors meaning the connection itself is gone (a dead stdio child). */
const DEAD_CONNECTION = new Set<ProxyErrorCode>([
  ProxyErrorCode.BackendClosed,
  ProxyErrorCode.BackendUnavailable,
  ProxyErrorCode.Closed,
]);

/**
 * Whether a request failed on the way to the backend (an HTTP error status, a refused
 * connection, a dead child, a transport that is not connected) rather than with an answer from
 * the backend.
 * After such a failure the connection cannot be trusted: the backend may have lost the
 * session (HTTP 404 after a restart), so the client drops it and reconnects on next use.
 */
export function isTransportFailure(error: unknown): boolean {
  if (error instanceof McpError) return false;
  if (error instanceof ProxyError) return DEAD_CONNECTION.has(error.code);
  if (error instanceof StreamableHTTPError || error instanceof SseError) return true;
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return true;
  if (!(error instanceof Error)) return false;
  // A Node system error on the pipe or socket (EPIPE, ECONNRESET, ERR_STREAM_DESTROYED, ...).
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z]+$|^ERR_STREAM_/.test(code)) return true;
  return error.message === 'Not connected';
}

/**
 * Why a connection closed, from an error its transport reported: a stdio child's exit
 * (`exited with signal SIGKILL`), or undefined for any other error.
 * @internal
 */
export function closeReasonOf(error: unknown): string | undefined {
  if (!(error instanceof ProxyError) || error.code !== ProxyErrorCode.BackendClosed)
    return undefined;
  return error.message.replace(/^Backend \S+ /, '');
}

/**
 * Whether a request failed because a streamable HTTP backend no longer knows the session it was
 * sent in (HTTP 404, as after the backend restarted or expired the session). The protocol asks
 * a client to start a new session then.
 */
export function isSessionExpired(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/**
 * The error of a non-idempotent request (a tool call) sent in a session the backend had lost:
 * the proxy opened a new session but did not send the request again, since the backend may
 * have acted on it. The next request uses the new session.
 * @internal
 */
export function sessionExpiredError(backend: string, what: string, cause: unknown): ProxyError {
  return new ProxyError(
    ProxyErrorCode.BackendClosed,
    `Backend ${backend} session expired and was re-initialised; the request was not replayed, retry it: ${what}`,
    { cause },
  );
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/gi;

/**
 * `text` with every http(s) URL in it stripped of what may be a secret: `user:password@`, the
 * query string and the fragment (a fetch error quotes the URL it was given, credentials and all).
 * @internal
 */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, (url) =>
    url.replace(/^(https?:\/\/)[^/?#]*@/i, '$1').replace(/[?#].*$/s, ''),
  );
}

/**
 * What went wrong, for a message: the error's message, with the HTTP status of an HTTP
 * transport error and the message of a cause that adds something, URLs redacted
 * ({@link redactUrls}).
 * @internal
 */
export function failureMessage(error: unknown): string {
  const status = httpStatusOf(error);
  if (status !== undefined) return redactUrls(`HTTP ${status}: ${(error as Error).message}`);
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return redactUrls(
      cause instanceof Error && cause.message && !error.message.includes(cause.message)
        ? `${error.message} (${cause.message})`
        : error.message,
    );
  }
  return redactUrls(String(error));
}

/**
 * Names the backend in a failure that happened on the way to it: a closed connection, a
 * timeout, a transport error. A JSON-RPC error the backend itself answered passes through
 * unchanged, code and message.
 *
 * @example
 * ```ts
 * const timeout = new McpError(ErrorCode.RequestTimeout, 'Request timed out');
 * const error = toBackendError(timeout, {
 *   backend: 'weather',
 *   what: 'tools/call forecast',
 *   connectionClosed: false,
 *   timeoutMs: 5000,
 * });
 * // => ProxyError BACKEND_TIMEOUT: "Backend weather did not answer tools/call forecast within 5000 ms"
 * ```
 */
export function toBackendError(error: unknown, failure: BackendFailure): unknown {
  if (error instanceof ProxyError) return error;
  if (error instanceof McpError) {
    if (
      error.code === ErrorCode.RequestTimeout &&
      /timed out|timeout exceeded/i.test(error.message)
    ) {
      return new ProxyError(
        ProxyErrorCode.BackendTimeout,
        `Backend ${failure.backend} did not answer ${failure.what} within ${failure.timeoutMs} ms`,
        { cause: error },
      );
    }
    if (error.code === ErrorCode.ConnectionClosed && failure.connectionClosed) {
      return new ProxyError(
        ProxyErrorCode.BackendClosed,
        `Backend ${failure.backend} closed the connection during ${failure.what}${failure.closeReason ? `: ${failure.closeReason}` : ''}`,
        { cause: error },
      );
    }
    return error;
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  return new ProxyError(
    ProxyErrorCode.BackendUnavailable,
    `Backend ${failure.backend} failed during ${failure.what}: ${failureMessage(error)}`,
    { cause: error },
  );
}
