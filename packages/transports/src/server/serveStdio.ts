import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { noopLogger } from '../logger';
import { connectTarget } from './connectTarget';
import { OnceCloseTransport } from './onceCloseTransport';
import type { ServeTarget, StdioServeOptions, StdioServerHandle } from './types';

/**
 * Serves one MCP client over stdio (newline-delimited JSON-RPC), by default on the process's
 * own stdin and stdout. The session closes when stdin ends (the client went away) or when
 * `close()` is called; `closed` resolves then.
 *
 * @example
 * ```ts
 * const handle = await serveStdio(() => createMyMcpServer());
 * await handle.closed;
 * ```
 */
export async function serveStdio(
  target: ServeTarget,
  options: StdioServeOptions = {},
): Promise<StdioServerHandle> {
  const stdin = (options.stdin ?? process.stdin) as Readable;
  const stdout = (options.stdout ?? process.stdout) as Writable;
  const logger = options.logger ?? noopLogger;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const onEnd = (): void => {
    logger.info('Stdio client went away');
    void transport.close();
  };
  const transport = new OnceCloseTransport(new StdioServerTransport(stdin, stdout), () => {
    stdin.off('end', onEnd);
    stdin.off('close', onEnd);
    logger.info('Stdio session closed');
    resolveClosed();
  });
  stdin.once('end', onEnd);
  stdin.once('close', onEnd);
  try {
    await connectTarget(target, { transport: 'stdio' }, transport);
  } catch (error) {
    stdin.off('end', onEnd);
    stdin.off('close', onEnd);
    throw error;
  }
  const close = async (): Promise<void> => {
    await transport.close();
    await closed;
  };
  return { closed, close, [Symbol.asyncDispose]: close };
}
