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

/**
 * The client capabilities a proxy can route whichever client connects: sampling (with tools),
 * elicitation (form and URL mode) and roots, each when its handler is on. Announced to a backend
 * session that serves many clients (`capabilities: 'routable'`, the `shared` strategy's
 * default), so that a later client able to sample is not refused because the first one could
 * not; a request of the backend is then checked against the capabilities of the client it goes
 * to. Roots are announced without `listChanged`: one client's roots change cannot be told to a
 * session that serves many (the backend asks `roots/list` within the request that needs them).
 *
 * @example
 * ```ts
 * routableCapabilities({ ...defaultForwardingHandlers, sampling: null });
 * // => { elicitation: { form: {}, url: {} }, roots: {} }
 * ```
 */
export function routableCapabilities(handlers: ForwardingHandlers): ClientCapabilities {
  const capabilities: ClientCapabilities = {};
  if (handlers.sampling) capabilities.sampling = { tools: {} };
  if (handlers.elicitation) capabilities.elicitation = { form: {}, url: {} };
  if (handlers.roots) capabilities.roots = {};
  return capabilities;
}
