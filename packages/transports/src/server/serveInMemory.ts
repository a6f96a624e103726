import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { connectTarget } from './connectTarget';
import { OnceCloseTransport } from './onceCloseTransport';
import type { InMemoryConnection, ServeTarget } from './types';

/**
 * Serves one MCP client in this process over a linked in-memory transport pair: the server of
 * `target` is connected to one side, the other side is returned for an SDK `Client`.
 * `close()` closes both sides (the server sees its transport close).
 *
 * @example
 * ```ts
 * const connection = await serveInMemory(() => createMyMcpServer());
 * const client = new Client({ name: 'test', version: '1.0.0' });
 * await client.connect(connection.clientTransport);
 * ```
 */
export async function serveInMemory(target: ServeTarget): Promise<InMemoryConnection> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const transport = new OnceCloseTransport(serverTransport);
  await connectTarget(target, { transport: 'in-memory' }, transport);
  const close = async (): Promise<void> => {
    await clientTransport.close();
    await transport.close();
  };
  return { clientTransport, close, [Symbol.asyncDispose]: close };
}
