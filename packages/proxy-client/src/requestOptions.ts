import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { type Context, runWithContext } from '@org/core';
import type { BackendConnector } from '@org/transports';
import type { ForwardingHandlers, ForwardingTarget } from './forwardingHandlers';

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

/** Forwards one progress notification of the backend to `target.front` (if any), in its context. @internal */
export async function forwardProgress(
  handler: NonNullable<ForwardingHandlers['progress']>,
  progress: Progress,
  target: ForwardingTarget,
): Promise<void> {
  try {
    await runWithContext(target.front, () => handler(progress, target));
  } catch (error) {
    target.logger.debug(
      `Cannot forward progress from backend ${target.backend}: ${(error as Error).message}`,
    );
  }
}
