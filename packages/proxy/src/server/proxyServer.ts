import {
  ProviderServer,
  type ProviderServerOptions,
  type ProviderTransform,
  transformProvider,
} from '@org/core';
import { type ChildLimit, ProxyError, ProxyErrorCode } from '@org/transports';
import type { ClientFactory } from '../components/clientFactory';
import { boundedNamespace } from '../naming/boundedNamespace';
import type { BackendHealth, BackendHealthOptions } from '../provider/backendHealth';
import { ProxyGroupProvider } from '../provider/proxyGroupProvider';
import {
  type ProxyCacheOptions,
  ProxyProvider,
  splitCacheOptions,
} from '../provider/proxyProvider';

/** One backend of a proxy. */
export interface ProxyBackend {
  /** Its name, for messages (and its namespace when there are several backends). */
  name: string;
  /** Where its clients come from (see the session strategies of `createProxy`). */
  clientFactory: ClientFactory;
  /** The namespace of its components; unset for a single backend. */
  namespace?: string;
  /** Transforms applied to its components (filters, tool overrides), before the namespace. */
  transforms?: ProviderTransform[];
  /** Releases what the backend holds (sessions, children); called by `close()`. */
  dispose?: () => Promise<void>;
  /** Whether the proxy is unready while this backend is down (see `/readyz`). @default false */
  required?: boolean;
}

/** Options of {@link ProxyServer}: one backend's `clientFactory`, or several `backends`. */
export interface ProxyServerOptions
  extends ProviderServerOptions,
    ProxyCacheOptions,
    BackendHealthOptions {
  /** Where the backend's clients come from, for a proxy of one backend. */
  clientFactory?: ClientFactory;
  /** The backends, for a proxy of several (or of one with a name and transforms). */
  backends?: ProxyBackend[];
  /** The limit the backends' stdio children run under, for reporting (`createProxy` sets it). */
  childLimit?: ChildLimit;
}

/**
 * An MCP server fronting backends (FastMCP's `FastMCPProxy`): a {@link ProviderServer} wired
 * with a {@link ProxyProvider} per backend. Local components added with `add()` come first and
 * win on name clashes. It announces what the backends offer and nothing more, forwards ping,
 * completion, resource subscriptions and `logging/setLevel`, and reports a failing backend by
 * name. With several backends, each is namespaced by its name, a failing one is skipped with a
 * warning, and only all failing is an error.
 *
 * @example
 * ```ts
 * const backend = new ProxyClient({ command: 'node', args: ['server.js'] });
 * const proxy = new ProxyServer({ clientFactory: () => backend });
 * await serveHttp(proxy, { port: 8080 });
 * ```
 */
export class ProxyServer extends ProviderServer {
  /** The providers of the backends' components, in order. */
  readonly proxyProviders: readonly ProxyProvider[];
  /** The backends. */
  readonly backends: readonly ProxyBackend[];
  /** The limit on stdio children the backends share (read `running`), when known. */
  readonly childLimit: ChildLimit | undefined;
  readonly #group: ProxyGroupProvider | undefined;

  /** @param options - the backend(s), cache and server options */
  constructor(options: ProxyServerOptions) {
    const [cache, rest] = splitCacheOptions(options);
    const {
      clientFactory,
      backends: given,
      listDeadlineMs,
      retryInitialMs,
      retryMaxMs,
      childLimit,
      ...serverOptions
    } = rest;
    super({ name: 'mcp-proxy', capabilities: {}, onProviderError: 'raise', ...serverOptions });
    const backends = given ?? (clientFactory ? [{ name: 'backend', clientFactory }] : []);
    if (backends.length === 0) {
      throw new ProxyError(
        ProxyErrorCode.InvalidConfig,
        'A ProxyServer needs a clientFactory or at least one backend',
      );
    }
    this.backends = backends;
    this.childLimit = childLimit;
    const providers = backends.map(
      (backend) =>
        new ProxyProvider(backend.clientFactory, {
          ...cache,
          name: backend.name,
          logger: serverOptions.logger,
          observer: this.observer,
        }),
    );
    this.proxyProviders = providers;
    const exposed = backends.map((backend, index) => {
      const transforms = [...(backend.transforms ?? [])];
      if (backend.namespace !== undefined) transforms.push(boundedNamespace(backend.namespace));
      return transformProvider(providers[index]!, ...transforms);
    });
    if (backends.length === 1) this.addProvider(exposed[0]!);
    else {
      const members = backends.map((backend, index) => ({
        name: backend.name,
        namespace: backend.namespace ?? '',
        provider: exposed[index]!,
      }));
      this.#group = new ProxyGroupProvider(members, serverOptions.logger, {
        listDeadlineMs,
        retryInitialMs,
        retryMaxMs,
      });
      this.addProvider(this.#group);
    }
  }

  /**
   * Each backend's health, with several backends: up, or down with its last error and when it
   * is retried (see `BackendHealthOptions`). A single backend is not tracked: `undefined`.
   */
  health(): BackendHealth[] | undefined {
    return this.#group?.health();
  }

  /** The client factory of the first backend. */
  get clientFactory(): ClientFactory {
    return this.backends[0]!.clientFactory;
  }

  /** Closes every session, then releases every backend (sessions, kept children). */
  override async close(): Promise<void> {
    await super.close();
    await Promise.allSettled(this.backends.map((backend) => backend.dispose?.()));
  }
}
