import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { Observer } from '@org/core';
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
   * without one. `routable` announces everything the enabled handlers can forward, whichever
   * client connects (see `routableCapabilities`): for a backend session that serves many
   * clients (the `shared` strategy uses it unless told otherwise); a request of the backend
   * whose client lacks the capability is then refused, with an error naming the capability and
   * the client.
   * @default 'mirror'
   */
  capabilities?: ClientCapabilities | 'mirror' | 'routable';
  /**
   * How long a backend operation may go without an answer: progress from the backend restarts
   * the clock, as does each further request of the operation (the next page of a list), and it
   * stands still while the backend waits on a request it forwarded to the client for that
   * operation (sampling, elicitation, roots: a person may take minutes to answer). When it runs
   * out, the backend gets `notifications/cancelled` and the operation fails with a timeout
   * error naming the backend.
   * @default 60000
   */
  requestTimeoutMs?: number;
  /**
   * The most a backend operation may take in all, progress and waits on the client included:
   * neither restarts nor stops this clock. When it runs out, the backend gets
   * `notifications/cancelled` and the operation fails with a timeout error naming the backend.
   * @default no limit
   */
  maxTotalTimeoutMs?: number;
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
  /**
   * Where the client reports its backend requests, the requests it forwards to clients and its
   * backend sessions (see `Observer` of `@org/core`). Copies made with `new()` share it; a proxy
   * made by `createProxy` passes its own. @default a new one
   */
  observer?: Observer;
  /**
   * Reconnecting in the background when the backend connection is lost (a stdio child died, an
   * HTTP backend went away) while client sessions are subscribed to its resources: without it,
   * updates would stop until the next operation reconnects. The new backend session is told
   * every subscription and the log level again (see `ProxyClient.sessionState`). `false` leaves
   * reconnecting to the next operation. A client that closes its backend session after each
   * operation (`closeWhenIdle`, the `per-request` strategy) never reconnects in the background.
   * @default { attempts: 8, initialDelayMs: 100, maxDelayMs: 5000 }
   */
  reconnect?: ReconnectOptions | false;
}

/**
 * How a `ProxyClient` reconnects in the background (see {@link ProxyClientOptions.reconnect}).
 * Attempts are never concurrent; their timers do not keep the process alive; closing the
 * client stops them.
 *
 * @example
 * ```ts
 * const backend = new ProxyClient({ command: 'node', args: ['feed.js'] }, {
 *   reconnect: { attempts: 20, initialDelayMs: 250, maxDelayMs: 10_000 },
 * });
 * ```
 */
export interface ReconnectOptions {
  /**
   * How many attempts in a row before giving up with a warning (the next operation still
   * reconnects). The count starts again once a connection has stayed up for `maxDelayMs`.
   * @default 8
   */
  attempts?: number;
  /** The wait before the first attempt, doubled after each one. @default 100 */
  initialDelayMs?: number;
  /** The longest wait between two attempts. @default 5000 */
  maxDelayMs?: number;
}
