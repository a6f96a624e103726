import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ForwardingHandlers } from './forwardingHandlers';

/**
 * The client capabilities to announce to a backend: those of the proxy's own client (the
 * front) that the proxy can forward, and only those. Without a front, nothing is announced.
 *
 * @example
 * ```ts
 * const front = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };
 * mirrorCapabilities(front, { ...defaultForwardingHandlers, elicitation: null });
 * // => { sampling: {}, roots: { listChanged: true } }
 * ```
 */
export function mirrorCapabilities(
  front: ClientCapabilities | undefined,
  handlers: ForwardingHandlers,
): ClientCapabilities {
  const capabilities: ClientCapabilities = {};
  if (!front) return capabilities;
  if (front.sampling && handlers.sampling) capabilities.sampling = front.sampling;
  if (front.elicitation && handlers.elicitation) capabilities.elicitation = front.elicitation;
  if (front.roots && handlers.roots) capabilities.roots = front.roots;
  return capabilities;
}
