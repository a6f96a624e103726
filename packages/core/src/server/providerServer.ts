import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Icon, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectableServer, Logger } from '@org/transports';
import { noopLogger } from '@org/transports';
import type { AnyComponent } from '../components/anyComponent';
import type { ComponentKind } from '../components/component';
import { FrontSession } from '../context/frontSession';
import { AggregateProvider, type ProviderErrorStrategy } from '../providers/aggregateProvider';
import { LocalProvider } from '../providers/localProvider';
import type { Provider, ProviderEvent } from '../providers/provider';
import { namespace as namespaceTransform } from '../transforms/namespace';
import type { ProviderTransform } from '../transforms/providerTransform';
import { transformProvider } from '../transforms/transformedProvider';
import { registerExecuteHandlers } from './executeHandlers';
import { contextRunner, type HandlerKit } from './handlerKit';
import { registerListHandlers } from './listHandlers';
import { registerSessionHandlers } from './sessionHandlers';
import { sharedJsonSchemaValidator } from './sharedValidator';

/** Options of {@link ProviderServer}. */
export interface ProviderServerOptions {
  /** The server's name, sent to clients at initialize. @default 'mcp-server' */
  name?: string;
  /** The server's version. @default '0.0.0' */
  version?: string;
  /** A human-readable title. */
  title?: string;
  /** Icons of the server. */
  icons?: Icon[];
  /** A website about the server. */
  websiteUrl?: string;
  /** Instructions for the client's model, sent at initialize. */
  instructions?: string;
  /** How a failing provider is treated. @default 'warn' */
  onProviderError?: ProviderErrorStrategy;
  /** Page size of lists; unset lists everything at once. */
  pageSize?: number;
  /** Hide internal error details from clients (messages written for clients still pass). @default false */
  maskErrorDetails?: boolean;
  /**
   * Capabilities announced whatever the providers serve.
   * @default { logging: {} }
   */
  capabilities?: ServerCapabilities;
  /** Where the server reports problems. @default noopLogger */
  logger?: Logger;
}

/** Options of {@link ProviderServer.addProvider}. */
export interface AddProviderOptions {
  /** Put the provider's components under this namespace (`ns_tool`, `scheme://ns/path`). */
  namespace?: string;
  /** Further transforms, applied before the namespace. */
  transforms?: ProviderTransform[];
}

const FULL_CAPABILITIES: ServerCapabilities = {
  tools: { listChanged: true },
  resources: { listChanged: true, subscribe: true },
  prompts: { listChanged: true },
  logging: {},
  completions: {},
};

const LIST_CHANGED: Record<ComponentKind, 'tools' | 'resources' | 'prompts'> = {
  tool: 'tools',
  resource: 'resources',
  template: 'resources',
  prompt: 'prompts',
};

/**
 * An MCP server that serves providers: local components, proxied backends, mounted servers.
 * Serve it over any transport of `@org/transports`; each client session gets its own SDK
 * low-level server, its own {@link FrontSession}, and a {@link Context} per request.
 *
 * @example
 * ```ts
 * const server = new ProviderServer({ name: 'demo' });
 * server.add(defineTool({ name: 'hello', handler: () => 'Hello!' }));
 * const http = await serveHttp(server, { port: 3000 });
 * ```
 */
export class ProviderServer implements ConnectableServer {
  /** The provider of local components; it comes first, so its components win on name clashes. */
  readonly local: LocalProvider;
  /** Every provider, in order, as one. */
  readonly providers: AggregateProvider;
  /** The options the server was made with. */
  readonly options: Readonly<ProviderServerOptions>;
  readonly #sessions = new Set<FrontSession>();
  readonly #logger: Logger;
  #offEvents: (() => void) | undefined;

  /** @param options - identity, error handling, pagination, logging */
  constructor(options: ProviderServerOptions = {}) {
    this.options = options;
    this.#logger = options.logger ?? noopLogger;
    this.providers = new AggregateProvider({
      name: options.name ?? 'mcp-server',
      onProviderError: options.onProviderError ?? 'warn',
      logger: this.#logger,
    });
    this.local = new LocalProvider();
    this.providers.add(this.local);
    this.#offEvents = this.providers.subscribe((event) => this.#onProviderEvent(event));
  }

  /** Adds local components (tools, resources, templates, prompts). */
  add(...components: AnyComponent[]): this {
    this.local.add(...components);
    return this;
  }

  /** Adds a provider after the existing ones, optionally transformed and namespaced. */
  addProvider(provider: Provider, options: AddProviderOptions = {}): Provider {
    const transforms = [...(options.transforms ?? [])];
    if (options.namespace !== undefined) transforms.push(namespaceTransform(options.namespace));
    const served = transformProvider(provider, ...transforms);
    this.providers.add(served);
    return served;
  }

  /** Serves another server's components too, optionally under a namespace. The link is live. */
  mount(server: ProviderServer, options: AddProviderOptions = {}): Provider {
    return this.addProvider(server.providers, options);
  }

  /** The open client sessions. */
  get sessions(): readonly FrontSession[] {
    return [...this.#sessions];
  }

  /** Serves one client session over `transport`. */
  async connect(transport: Transport): Promise<void> {
    const sdk = new Server(
      {
        name: this.options.name ?? 'mcp-server',
        version: this.options.version ?? '0.0.0',
        ...(this.options.title ? { title: this.options.title } : {}),
        ...(this.options.icons ? { icons: this.options.icons } : {}),
        ...(this.options.websiteUrl ? { websiteUrl: this.options.websiteUrl } : {}),
      },
      {
        capabilities: FULL_CAPABILITIES,
        jsonSchemaValidator: sharedJsonSchemaValidator(),
        ...(this.options.instructions ? { instructions: this.options.instructions } : {}),
      },
    );
    const session = new FrontSession(sdk, transport.sessionId);
    const kit: HandlerKit = {
      sdk,
      session,
      providers: this.providers,
      pageSize: this.options.pageSize,
      maskErrorDetails: this.options.maskErrorDetails ?? false,
      logger: this.#logger,
      run: contextRunner(session),
    };
    registerSessionHandlers(kit, this.options.capabilities ?? { logging: {} });
    registerListHandlers(kit);
    registerExecuteHandlers(kit);
    sdk.onerror = (error) => this.#logger.debug(`Session ${session.id}: ${error.message}`);
    sdk.onclose = () => {
      this.#sessions.delete(session);
      void session.markClosed().then((errors) => {
        for (const error of errors) {
          this.#logger.warn(
            `Releasing session ${session.id} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      });
    };
    this.#sessions.add(session);
    await sdk.connect(transport);
  }

  /** Tells every initialized session (or only `only`) that a kind of component changed. */
  notifyListChanged(kind: ComponentKind, only?: FrontSession): void {
    const section = LIST_CHANGED[kind];
    for (const session of this.#sessions) {
      if (only && session !== only) continue;
      if (!session.initialized || !session.serverCapabilities[section]?.listChanged) continue;
      session.server
        .notification({ method: `notifications/${section}/list_changed` })
        .catch((error: Error) => {
          this.#logger.debug(`Cannot notify session ${session.id}: ${error.message}`);
        });
    }
  }

  /** Tells the sessions subscribed to `uri` (or only `only`) that the resource changed. */
  notifyResourceUpdated(uri: string, only?: FrontSession): void {
    for (const session of this.#sessions) {
      if (only && session !== only) continue;
      if (!session.initialized || !session.subscriptions.has(uri)) continue;
      session.server.sendResourceUpdated({ uri }).catch((error: Error) => {
        this.#logger.debug(`Cannot notify session ${session.id}: ${error.message}`);
      });
    }
  }

  #onProviderEvent(event: ProviderEvent): void {
    if (event.type === 'listChanged') this.notifyListChanged(event.kind, event.session);
    else this.notifyResourceUpdated(event.uri, event.session);
  }

  /** Starts every provider. */
  async start(): Promise<void> {
    await this.providers.start();
  }

  /** Closes every session, then stops every provider. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#sessions].map((session) => session.server.close()));
    this.#offEvents?.();
    this.#offEvents = undefined;
    await this.providers.stop();
  }
}
