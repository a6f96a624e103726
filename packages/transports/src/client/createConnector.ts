import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ChildProcessTransport } from './childProcessTransport';
import { HttpConnector } from './httpConnector';
import { InProcessConnector } from './inProcessConnector';
import { resolveTarget } from './resolveTarget';
import { StdioConnector } from './stdioConnector';
import type { BackendConnector, BackendTarget, ConnectOptions, ConnectorOptions } from './targets';

/** Options of {@link createClientTransport}: the connector's and the connection's. */
export interface ClientTransportOptions extends ConnectorOptions, ConnectOptions {}

/**
 * Makes a {@link BackendConnector} for any {@link BackendTarget}: a URL or HTTP target (streamable
 * HTTP or legacy SSE), a command or script file (stdio), or a server in this process (in-memory).
 * See {@link resolveTarget} for how a target is recognised.
 *
 * @throws {@link ProxyError} `InvalidTarget` when the target is not recognised.
 * @example
 * ```ts
 * const connector = createConnector({ command: 'npx', args: ['-y', 'some-mcp-server'], keepAlive: true });
 * const client = new Client({ name: 'proxy', version: '1.0.0' });
 * await client.connect(await connector.connect());
 * // ...
 * await client.close();
 * await connector.close(); // kills the kept child
 * ```
 */
export function createConnector(
  target: BackendTarget,
  options: ConnectorOptions = {},
): BackendConnector {
  const resolved = resolveTarget(target);
  switch (resolved.kind) {
    case 'stdio':
      return new StdioConnector(resolved.target, options);
    case 'in-memory':
      return new InProcessConnector(resolved.target, options);
    default:
      return new HttpConnector(resolved.target, resolved.kind, options);
  }
}

/**
 * Opens one connection to a target, for when no connector needs to outlive it. Closing the
 * returned transport releases everything: a stdio child is killed (`keepAlive` is ignored), an
 * in-process server side is closed.
 *
 * @throws {@link ProxyError} `InvalidTarget` when the target is not recognised.
 * @example
 * ```ts
 * const client = new Client({ name: 'probe', version: '1.0.0' });
 * await client.connect(await createClientTransport('https://example.com/mcp'));
 * ```
 */
export async function createClientTransport(
  target: BackendTarget,
  options: ClientTransportOptions = {},
): Promise<Transport> {
  const resolved = resolveTarget(target);
  if (resolved.kind === 'stdio') return new ChildProcessTransport(resolved.target, options);
  const { headers, signal, ...connectorOptions } = options;
  const connector = createConnector(target, connectorOptions);
  return connector.connect({ headers, signal });
}
