import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** JSON-RPC error codes used in HTTP error bodies. */
export const JsonRpcCode = {
  /** The body is not JSON. */
  ParseError: -32700,
  /** The body is JSON but not a valid JSON-RPC message or batch. */
  InvalidRequest: -32600,
  /** The server failed to set up the session. */
  InternalError: -32603,
  /** Transport-level refusals (headers, methods, limits). */
  ServerError: -32000,
  /** An unknown or closed session. */
  SessionNotFound: -32001,
} as const;

/**
 * Answers with a JSON-RPC error body (`id: null`) and the given status. Does nothing when the
 * response has already started.
 */
export function replyError(
  res: ServerResponse,
  status: number,
  error: { code: number; message: string; headers?: OutgoingHttpHeaders },
): void {
  if (res.headersSent || res.writableEnded) return;
  const body = `{"jsonrpc":"2.0","error":{"code":${error.code},"message":${JSON.stringify(error.message)}},"id":null}`;
  res.writeHead(status, {
    ...error.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Answers with a status and no body. */
export function replyEmpty(
  res: ServerResponse,
  status: number,
  headers?: OutgoingHttpHeaders,
): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, headers);
  res.end();
}

/** Answers 200 with a JSON body. */
export function replyJson(res: ServerResponse, body: string, headers?: OutgoingHttpHeaders): void {
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Whether the client of a response has gone away (or the response is already over). */
export function responseGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || res.socket === null || res.socket.destroyed;
}
