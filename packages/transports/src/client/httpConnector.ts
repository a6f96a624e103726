import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Logger, noopLogger } from '../logger';
import { assertConnectable } from './connectGuard';
import { exchangingFetch } from './exchangingFetch';
import { oauthFetch } from './oauthFetch';
import { FileTokenStore } from './oauthFileStore';
import type { OAuthBackendOptions } from './oauthOptions';
import { StoredOAuthProvider } from './oauthProvider';
import { quietFetch } from './quietFetch';
import { RelatedRequests, RelatingStreamableHttpTransport } from './relatedRequests';
import { requestScopedFetch } from './requestHeaders';
import { redactUrl } from './resolveTarget';
import type { BackendConnector, ConnectOptions, ConnectorOptions, HttpTarget } from './targets';
import { TokenExchanger } from './tokenExchange';
import { whenClosed } from './whenClosed';

/**
 * The headers of one HTTP connection: the per-connection `headers`, overlaid by the target's
 * own headers, overlaid by `Authorization: Bearer <auth>` when the target has `auth`. Names
 * compare case-insensitively; the later source wins.
 */
export function mergeHttpHeaders(
  target: Pick<HttpTarget, 'headers' | 'auth'>,
  perConnection: Record<string, string> = {},
): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  const layers = [perConnection, target.headers ?? {}];
  if (target.auth !== undefined) layers.push({ Authorization: `Bearer ${target.auth}` });
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer))
      merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}

/**
 * Opens connections to a remote backend over streamable HTTP or the legacy HTTP+SSE transport,
 * with the SDK's client transports. Holds nothing between connections.
 */
export class HttpConnector implements BackendConnector {
  /** The target's `name`, else the URL's host. */
  readonly name: string;
  /** `streamable-http` or `sse`. */
  readonly kind: 'streamable-http' | 'sse';
  readonly #target: HttpTarget;
  readonly #logger: Logger;
  readonly #url: URL;
  readonly #open = new Set<Transport>();
  readonly #exchanger: TokenExchanger | undefined;
  readonly #oauth: OAuthBackendOptions | undefined;
  #closed = false;

  /**
   * @param target - the endpoint, headers and token
   * @param kind - the wire protocol, already resolved
   * @param options - the logger
   */
  constructor(target: HttpTarget, kind: 'streamable-http' | 'sse', options: ConnectorOptions = {}) {
    this.#target = target;
    this.kind = kind;
    this.#url = target.url instanceof URL ? target.url : new URL(target.url);
    this.name = target.name ?? this.#url.host;
    this.#logger = options.logger ?? noopLogger;
    this.#exchanger = target.tokenExchange
      ? new TokenExchanger(target.tokenExchange, this.name)
      : undefined;
    // One store per connector: its cache and its write queue serve every connection.
    this.#oauth = target.oauth
      ? { ...target.oauth, store: target.oauth.store ?? new FileTokenStore() }
      : undefined;
  }

  /** Names the backend, the protocol and the URL without credentials, query or fragment. */
  describe(): string {
    return `${this.kind} backend ${this.name}: ${redactUrl(this.#url)}`;
  }

  /** A new, not yet started SDK client transport with the merged headers. */
  async connect(options: ConnectOptions = {}): Promise<Transport> {
    assertConnectable(this.name, this.#closed, options.signal);
    const own = new Set(Object.keys(mergeHttpHeaders(this.#target)).map((n) => n.toLowerCase()));
    const plain = quietFetch(this.#target.fetch);
    const scoped = requestScopedFetch(plain, options.requestHeaders, own);
    const init = {
      requestInit: { headers: mergeHttpHeaders(this.#target, options.headers) },
      fetch: this.#exchanger
        ? exchangingFetch(scoped, this.#exchanger, this.name, options.subjectToken)
        : scoped,
    };
    const oauth = this.#oauth;
    const authProvider = oauth
      ? new StoredOAuthProvider(
          this.name,
          oauth,
          () => {
            const principal = options.principal?.();
            return {
              url: this.#url.href,
              ...(principal === undefined ? {} : { principal }),
            };
          },
          { kind: 'serve' },
        )
      : undefined;
    if (oauth && authProvider) {
      init.fetch = oauthFetch({
        backend: this.name,
        endpoint: this.#url,
        provider: authProvider,
        options: oauth,
        toBackend: scoped,
        toAuthServer: plain,
        logger: this.#logger,
      });
      Object.assign(init, { authProvider });
    }
    const transport =
      this.kind === 'sse'
        ? new SSEClientTransport(this.#url, init)
        : new RelatingStreamableHttpTransport(this.#url, init, new RelatedRequests());
    this.#open.add(transport);
    whenClosed(transport, () => this.#open.delete(transport));
    this.#logger.debug(`Connecting to ${this.describe()}`);
    return transport;
  }

  /** Closes the connections still open. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#open].map((transport) => transport.close().catch(() => {})));
  }
}
