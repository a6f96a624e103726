import type { Context, Observer, Outcome } from '@org/core';
import { errorMessage } from '@org/transports';
import type { ForwardedKind } from './backendConnection';
import type { ForwardingTarget } from './forwardingHandlers';

/** `MCP error <code>: ` said more than once (an `McpError` made from another's message). */
const REPEATED_PREFIX = /^(MCP error -?\d+: )(?:MCP error -?\d+: )+/;

/**
 * Reports one backend request's end as a `backendRequest` event. `what` is the request as the
 * client names it in errors (`tools/call add`, `resources/read file:///a`): its first word is
 * the method, the rest what it is about. @internal
 */
export function reportBackendRequest(
  observer: Observer,
  backend: string,
  what: string,
  front: Context | undefined,
  started: number,
  error: unknown,
): void {
  const space = what.indexOf(' ');
  const outcome: Outcome =
    error === undefined ? 'ok' : front?.signal.aborted ? 'cancelled' : 'error';
  observer.emit('backendRequest', {
    backend,
    method: space === -1 ? what : what.slice(0, space),
    ...(space === -1 ? {} : { name: what.slice(space + 1) }),
    ...(front ? { sessionId: front.session.id } : {}),
    durationMs: performance.now() - started,
    outcome,
    ...(error === undefined ? {} : { error: errorMessage(error).replace(REPEATED_PREFIX, '$1') }),
  });
}

/** Reports a forwarded server-to-client request when it settles. @internal */
export function observeForwarded(
  observer: Observer,
  kind: ForwardedKind,
  target: ForwardingTarget,
  work: Promise<unknown>,
): void {
  if (!observer.wants('forwardedRequest')) return;
  const started = performance.now();
  const session = target.front?.session ?? target.session;
  const settle = (outcome: Outcome) =>
    observer.emit('forwardedRequest', {
      backend: target.backend,
      kind,
      ...(session ? { sessionId: session.id } : {}),
      durationMs: performance.now() - started,
      outcome,
    });
  work.then(
    () => settle('ok'),
    () => settle(target.signal?.aborted ? 'cancelled' : 'error'),
  );
}
