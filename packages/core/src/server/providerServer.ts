import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type Icon,
  RootsListChangedNotificationSchema,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { ConnectableServer, Logger } from '@org/transports';
import { errorMessage, noopLogger } from '@org/transports';
import type { AnyComponent } from '../components/anyComponent';
import type { ComponentKind } from '../components/component';
import { Context } from '../context/context';
import { FrontSession } from '../context/frontSession';
import { runWithContext } from '../context/storage';
import { Observer } from '../observe/observer';
import { AggregateProvider, type ProviderErrorStrategy } from '../providers/aggregateProvider';
import { mergeCapabilities } from '../providers/capabilities';
import { LocalProvider } from '../providers/localProvider';
import type { Provider, ProviderEvent } from '../providers/provider';
import { namespace as namespaceTransform } from '../transforms/namespace';
import type { ProviderTransform } from '../transforms/providerTransform';
import { transformProvider } from '../transforms/transformedProvider';
import { ALL_KINDS, capabilitiesOfKinds, type DeclaredKinds } from './declaredKinds';
import { registerExecuteHandlers } from './executeHandlers';
import { contextRunner, type HandlerKit } from './handlerKit';
import { registerListHandlers } from './listHandlers';
import { MountedServer } from './mountedServer';
import { checkPageSize } from './pagination';
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
  /** Page size of lists, a positive integer; unset lists everything at once. */
  pageSize?: number;
  /** Hide internal error details from clients (messages written for clients still pass). @default false */
  maskErrorDetails?: boolean;
  /**
   * Capabilities announced whatever the providers serve, merged with theirs at initialize.
   * @default { logging: {} }
   */
  capabilities?: ServerCapabilities;
  /**
   * Kinds of component announced at initialize (with `listChanged`) even while no provider
   * serves one, so that a session which connected before the first tool, resource or prompt
   * was added still gets its `list_changed` notification.
   *
   * By default a purely local server (one that serves only its local components: nothing was
   * added with `addProvider` or `mount`) declares every kind, since any can be added at any
   * time; any other server declares none and announces what its providers serve, so a proxy
   * never invents a capability its backends lack. A mounted server's declared kinds count for
   * the server mounting it.
   */
  declare?: DeclaredKinds;
  /** Where the server reports problems. @default noopLogger */
  logger?: Logger;
  /**
   * Where the server reports requests and sessions (see {@link Observer}); share one with
   * whatever else should report to the same listeners. @default a new one
   */
  observer?: Observer;
}

/** Options of {@link ProviderServer.addProvider}. */
export interface AddProviderOptions {
  /** Put the provider's components under this namespace (`ns_tool`, `scheme://ns/path`). */
  namespace?: string;
  /** Further transforms, applied before the namespace. */
  transforms?: ProviderTransform[];
}

const DECLARABLE = new Set(['tools', 'resources', 'prompts']);

function checkOptions(options: ProviderServerOptions): void {
  const { declare } = options;
  checkPageSize(options.pageSize);
  if (declare !== undefined) {
    if (typeof declare !== 'object' || declare === null) {
      throw new TypeError(`The declare option must be an object, got ${String(declare)}`);
    }
    for (const [key, value] of Object.entries(declare)) {
      if (!DECLARABLE.has(key) || (value !== undefined && typeof value !== 'boolean')) {
        throw new TypeError(
          `The declare option takes tools, resources and prompts, each true or false; got ${key}: ${String(value)}`,
        );
      }
    }
  }
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
  /** Where this server reports its requests and sessions; listen with `observer.on(...)`. */
  readonly observer: Observer;
  #offEvents: (() => void) | undefined;

  /**
   * @param options - identity, error handling, pagination, declared kinds, logging
   * @throws TypeError when `pageSize` is not a positive integer or `declare` is malformed
   */
  constructor(options: ProviderServerOptions = {}) {
    checkOptions(options);
    this.options = options;
    this.#logger = options.logger ?? noopLogger;
    this.observer = options.observer ?? new Observer();
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

  /**
   * Serves another server's components too, optionally under a namespace. The link is live:
   * components the mounted server gains or loses show up here, with `list_changed`. This server
   * announces what the mounted one announces (its declared kinds included). The mounted server
   * is not owned: this server's `start()` and `close()` leave its providers alone, so it can
   * keep serving its own clients; start and close it yourself.
   */
  mount(server: ProviderServer, options: AddProviderOptions = {}): Provider {
    if (server === this) throw new TypeError('A server cannot mount itself');
    const mounted = new MountedServer(
      server.providers,
      () => server.servedCapabilities(),
      () => server.servedInstructions(),
    );
    return this.addProvider(mounted, options);
  }

  /**
   * The kinds this server announces whatever its providers serve: the `declare` option, or by
   * default every kind while the server is purely local and none otherwise.
   */
  get declaredKinds(): Readonly<DeclaredKinds> {
    if (this.options.declare) return this.options.declare;
    const all = this.providers.providers;
    return all.length === 1 && all[0] === this.local ? ALL_KINDS : {};
  }

  /**
   * What the server announces for its components at initialize: the union of what its
   * providers serve and of its {@link ProviderServer.declaredKinds} (the `capabilities`
   * option is merged on top). Asked in the initialize request's context.
   */
  async servedCapabilities(): Promise<ServerCapabilities> {
    const served = await this.providers.capabilities();
    return mergeCapabilities(capabilitiesOfKinds(this.declaredKinds), served);
  }

  /**
   * The instructions sent at initialize: the `instructions` option, else those of the
   * providers (a proxied backend's own), joined in order. Asked in the initialize request's
   * context.
   */
  async servedInstructions(): Promise<string | undefined> {
    return this.options.instructions ?? (await this.providers.instructions());
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
      run: contextRunner(session, this.observer),
    };
    registerSessionHandlers(
      kit,
      this.options.capabilities ?? { logging: {} },
      () => this.servedCapabilities(),
      () => this.servedInstructions(),
    );
    registerListHandlers(kit);
    registerExecuteHandlers(kit);
    sdk.setNotificationHandler(RootsListChangedNotificationSchema, () =>
      this.#rootsChanged(session),
    );
    sdk.onerror = (error) => this.#logger.debug(`Session ${session.id}: ${error.message}`);
    sdk.onclose = () => {
      this.#sessions.delete(session);
      this.observer.emit('session', { type: 'closed', sessionId: session.id });
      void session.markClosed().then((errors) => {
        for (const error of errors) {
          this.#logger.warn(`Releasing session ${session.id} failed: ${errorMessage(error)}`);
        }
      });
    };
    this.#sessions.add(session);
    this.observer.emit('session', { type: 'opened', sessionId: session.id });
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

  /**
   * Passes a session's `notifications/roots/list_changed` to the providers, in a context of that
   * session related to no request. A failure is logged: a notification has no answer.
   */
  async #rootsChanged(session: FrontSession): Promise<void> {
    if (session.closed || !session.initialized) return;
    const context = Context.forSession(session, 'notifications/roots/list_changed');
    try {
      await runWithContext(context, () => this.providers.rootsChanged());
    } catch (error) {
      this.#logger.warn(
        `Passing on the roots change of session ${session.id} failed: ${errorMessage(error)}`,
      );
    } finally {
      context.finish();
    }
  }

  #onProviderEvent(event: ProviderEvent): void {
    if (event.type === 'listChanged') this.notifyListChanged(event.kind, event.session);
    else this.notifyResourceUpdated(event.uri, event.session);
  }

  /** Starts every provider, in order (a mounted server's are left to their owner). */
  async start(): Promise<void> {
    await this.providers.start();
  }

  /**
   * Closes every session, then stops every provider in reverse order (a mounted server's are
   * left to their owner). Throws an `AggregateError` of the failures when some provider fails
   * to stop; the others are stopped all the same.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#sessions].map((session) => session.server.close()));
    this.#offEvents?.();
    this.#offEvents = undefined;
    await this.providers.stop();
  }
}
