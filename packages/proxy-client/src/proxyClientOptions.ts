import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectorOptions, Logger } from '@org/transports';
import type { ForwardingHandlers } from './forwardingHandlers';

/**
 * Options of `ProxyClient`.
 *
 * @example
 * ```ts
 * const options: ProxyClientOptions = {
 *   name: 'weather',
 *   requestTimeoutMs: 30_000,
 *   forwardHeaders: ['authorization'],
 *   handlers: { roots: null },
 *   logger: createConsoleLogger('info'),
 * };
 * const backend = new ProxyClient('https://weather.example.com/mcp', options);
 * ```
 */
export interface ProxyClientOptions {
  /** The backend's name in messages and logs. @default the connector's name */
  name?: string;
  /** How the proxy introduces itself to the backend. @default { name: 'mcp-proxy', version: '0.0.0' } */
  clientInfo?: Implementation;
  /** Replace (or turn off with `null`) any of the forwarding handlers. */
  handlers?: Partial<ForwardingHandlers>;
  /**
   * The client capabilities announced to the backend. `mirror` announces those of the client
   * connected to the proxy at the time of connecting (sampling, elicitation, roots), and none
   * without one.
   * @default 'mirror'
   */
  capabilities?: ClientCapabilities | 'mirror';
  /** How long a backend request may take; progress from the backend restarts the clock. @default 60000 */
  requestTimeoutMs?: number;
  /**
   * How long opening a backend session may take: starting a stdio child or reaching an HTTP
   * backend, and the `initialize` handshake. Separate from `requestTimeoutMs`, so that a short
   * request timeout does not cut off a backend that is slow to start (`npx` fetching a package).
   * @default 60000
   */
  connectTimeoutMs?: number;
  /**
   * Names of HTTP headers of the client's request to pass to an HTTP backend when connecting
   * (none by default: credentials are never forwarded unasked).
   */
  forwardHeaders?: string[];
  /** Close the connection as soon as no operation uses it (a client per request). @default false */
  closeWhenIdle?: boolean;
  /** Options of the connector made from a target (ignored when given a connector). */
  connector?: ConnectorOptions;
  /**
   * Where the client reports what it cannot forward (a log message or progress from the backend
   * with no client to send it to: at warning level the first time for each backend and kind,
   * at debug level after) and its reconnections. Pass `noopLogger` to silence it.
   * @default a logger writing warnings and errors to standard error
   */
  logger?: Logger;
}
