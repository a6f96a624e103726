import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { MAX_TIMER_MS, runWithContext } from '@org/core';
import type { BackendConnector } from '@org/transports';
import { errorMessage } from '@org/transports';
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
 * The options of the backend requests of one operation: no SDK timeout (the proxy keeps its own,
 * see `RequestDeadline`, whose signal aborts the request), `signal` (the client request's
 * cancellation combined with that deadline), and `onprogress`. Progress is always asked for when
 * there is a handler, so that a long-running backend keeps the request alive; the handler
 * forwards it only when the client asked for progress. `restartTimeout` starts the request
 * timeout again before each further request of the operation (the next page of a list).
 * @internal
 */
export function backendRequestOptions(
  signal: AbortSignal,
  onprogress: ((progress: Progress) => void) | undefined,
  restartTimeout: () => void,
): TimedRequestOptions {
  return {
    timeout: MAX_TIMER_MS,
    signal,
    restartTimeout,
    ...(onprogress ? { onprogress } : {}),
  };
}

/**
 * Request options of an operation whose timeout the proxy keeps: `restartTimeout`, when set, is
 * called before each request after the first (see `BackendOperations`).
 * @internal
 */
export interface TimedRequestOptions extends RequestOptions {
  /** Starts the operation's request timeout again. */
  restartTimeout?: () => void;
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
      `Cannot forward progress from backend ${target.backend}: ${errorMessage(error)}`,
    );
  }
}
