import type { BackendRequestEvent, Observer, RequestEvent } from '@org/core';
import type { Logger } from '@org/transports';

/** Methods whose requests are logged at `info`: the work clients ask for. Others are `debug`. */
export const WORK_METHODS: ReadonlySet<string> = new Set([
  'tools/call',
  'resources/read',
  'prompts/get',
]);

/** The fields of a request log line, as the JSON logger writes them. */
export interface RequestLogFields {
  /** The JSON-RPC id of the request, as a string. */
  requestId: string;
  /** The front session's id. */
  sessionId: string;
  /** The backend that served it, or `null` (lists, local components). */
  server: string | null;
  /** Its method, such as `tools/call`. */
  method: string;
  /** The tool or prompt name, or resource URI, or `null`. */
  name: string | null;
  /** Wall time in milliseconds, rounded to 0.1 ms. */
  durationMs: number;
  /** `ok`, `error` or `cancelled`. */
  outcome: RequestEvent['outcome'];
  /** The error's message, when it failed. */
  error?: string;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The fields of the line logged for `event`. */
export function requestLogFields(event: RequestEvent): RequestLogFields {
  return {
    requestId: event.requestId,
    sessionId: event.sessionId,
    server: event.server ?? null,
    method: event.method,
    name: event.name ?? null,
    durationMs: round(event.durationMs),
    outcome: event.outcome,
    ...(event.error !== undefined ? { error: event.error } : {}),
  };
}

function logRequest(logger: Logger, event: RequestEvent): void {
  const fields = requestLogFields(event);
  const what = event.name === undefined ? event.method : `${event.method} ${event.name}`;
  const message = `${what} ${event.outcome} in ${fields.durationMs}ms`;
  if (event.outcome === 'error') logger.warn(message, fields);
  else if (WORK_METHODS.has(event.method)) logger.info(message, fields);
  else logger.debug(message, fields);
}

function logBackendFailure(logger: Logger, event: BackendRequestEvent): void {
  if (event.outcome !== 'error') return;
  const what = event.name === undefined ? event.method : `${event.method} ${event.name}`;
  logger.warn(`backend ${event.backend}: ${what} failed: ${event.error ?? 'unknown error'}`, {
    sessionId: event.sessionId ?? null,
    server: event.backend,
    method: event.method,
    name: event.name ?? null,
    durationMs: round(event.durationMs),
    outcome: event.outcome,
    ...(event.error !== undefined ? { error: event.error } : {}),
  });
}

/**
 * Logs one line per client request answered, from `observer`'s `request` events: the request
 * id, session id, server, method, name, duration and outcome (see {@link RequestLogFields}),
 * at `info` for tool calls, resource reads and prompt renders, at `debug` for every other
 * method (lists, pings, completions), and at `warn` for any request that failed. A backend
 * request that failed is logged at `warn` too, naming the backend. Messages pass through the
 * logger's own redaction (use a logger from `createJsonLogger` or `redactingLogger`).
 *
 * @returns a function that stops the log
 *
 * @example
 * ```ts
 * const stop = startRequestLog(proxy.observer, createJsonLogger());
 * ```
 */
export function startRequestLog(observer: Observer, logger: Logger): () => void {
  const offRequest = observer.on('request', (event) => logRequest(logger, event));
  const offBackend = observer.on('backendRequest', (event) => logBackendFailure(logger, event));
  return () => {
    offRequest();
    offBackend();
  };
}
