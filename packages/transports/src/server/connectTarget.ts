import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ServeTarget, SessionInfo } from './types';

/**
 * Resolves a {@link ServeTarget} for one session (calling it when it is a factory) and connects
 * the resulting server to the session's transport.
 */
export async function connectTarget(
  target: ServeTarget,
  info: SessionInfo,
  transport: Transport,
): Promise<void> {
  const server = typeof target === 'function' ? await target(info) : target;
  await server.connect(transport);
}
