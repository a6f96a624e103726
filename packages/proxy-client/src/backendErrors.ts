import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';

/** What {@link toBackendError} needs to know about the failed request. */
export interface BackendFailure {
  /** The backend's name. */
  backend: string;
  /** The method that failed, such as `tools/call weather_get`. */
  what: string;
  /** Whether the connection to the backend had closed. */
  connectionClosed: boolean;
  /** The request timeout in force. */
  timeoutMs: number;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message && !error.message.includes(cause.message)
      ? `${error.message} (${cause.message})`
      : error.message;
  }
  return String(error);
}

/**
 * Names the backend in a failure that happened on the way to it: a closed connection, a
 * timeout, a transport error. A JSON-RPC error the backend itself answered passes through
 * unchanged, code and message.
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
        `Backend ${failure.backend} closed the connection during ${failure.what}`,
        { cause: error },
      );
    }
    return error;
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  return new ProxyError(
    ProxyErrorCode.BackendUnavailable,
    `Backend ${failure.backend} failed during ${failure.what}: ${messageOf(error)}`,
    { cause: error },
  );
}
