import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import type { Context } from '@org/core';
import type { BackendConnector } from '@org/transports';

/** Whether a proxy client's target is a connector already (else one is made from it). @internal */
export function isConnector(value: unknown): value is BackendConnector {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BackendConnector).describe === 'function' &&
    typeof (value as BackendConnector).connect === 'function' &&
    'kind' in value
  );
}

/**
 * The options of a backend request serving `front`: the timeout, restarted by progress; the
 * front request's cancellation; and `onprogress`. Progress is always asked for when there is a
 * handler, so that a long-running backend keeps the request alive; the handler forwards it
 * only when the client asked for progress.
 * @internal
 */
export function backendRequestOptions(
  front: Context | undefined,
  timeoutMs: number,
  onprogress: ((progress: Progress) => void) | undefined,
): RequestOptions {
  return {
    timeout: timeoutMs,
    resetTimeoutOnProgress: true,
    ...(front ? { signal: front.signal } : {}),
    ...(onprogress ? { onprogress } : {}),
  };
}
