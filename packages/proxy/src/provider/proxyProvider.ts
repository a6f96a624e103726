import {
  ErrorCode,
  type LoggingLevel,
  McpError,
  type Prompt as McpPrompt,
  type Resource as McpResource,
  type ResourceTemplate as McpResourceTemplate,
  type Tool as McpTool,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type Component,
  type ComponentKind,
  type Context,
  currentContext,
  EventHub,
  type FrontSession,
  firstMatchingTemplate,
  type Observer,
  type Provider,
  type ProviderListener,
} from '@org/core';
import type { BackendEvent, BackendEventListener, ProxyClient } from '@org/proxy-client';
import { type Logger, noopLogger } from '@org/transports';
import { holdsSubscriptions } from '../components/backendSubscriptions';
import type { ClientFactory } from '../components/clientFactory';
import { ProxyPrompt } from '../components/proxyPrompt';
import { ProxyResource } from '../components/proxyResource';
import { ProxyTemplate } from '../components/proxyTemplate';
import { ProxyTool } from '../components/proxyTool';
import { type CacheScope, ListCache, type ListCacheEntry, type ListCacheStore } from './listCache';
import { principalPartition } from './principalPartition';
import { isSignInNeeded } from './signInNeeded';

/** What a backend is said to offer before its caller signed in: the component kinds. */
const SIGNED_OUT_CAPABILITIES: ServerCapabilities = { tools: {}, resources: {}, prompts: {} };

/** Options of {@link ProxyProvider}. */
export interface ProxyProviderOptions {
  /** A name for messages (the backend's). @default 'proxy' */
  name?: string;
  /**
   * How long a backend's component lists are served from the cache (to client lists and to the
   * lookups of calls, reads and renders), in milliseconds. `0` disables the cache. A backend
   * `list_changed` notification clears the kind it names; every list fetched from the backend
   * refreshes the cache of its partition (see `cacheScope`).
   * @default 300000
   */
  cacheTtlMs?: number;
  /**
   * Which backend answers share cached lists. `session`: each backend session has its own (a
   * stateful backend lists what its session holds); `shared`: every backend session with the
   * same forwarded credentials and announced capabilities shares one list (FastMCP's way).
   * Unset: `session` whenever the backend client serves one client session (the `per-session`
   * strategy), else `shared`.
   */
  cacheScope?: CacheScope;
  /**
   * Make every client list ask the backend (FastMCP's behaviour), keeping the cache for
   * lookups only. For backends whose lists change without `list_changed` notifications.
   * @default false
   */
  refreshOnList?: boolean;
  /** Where lists are kept. @default a new InMemoryListCacheStore */
  cacheStore?: ListCacheStore;
  /** Where cache lookups are reported (`cache` events); unset: not reported. */
  observer?: Observer;
  /** The most cached lists kept (kinds times partitions), least recently used out first. @default 4096 */
  maxCacheEntries?: number;
  /**
   * Pass a call, read, render, subscription or completion naming what the backend did not list
   * (once the list was refreshed) to the backend as it is, so the client gets the backend's own
   * answer (a backend may serve names it does not list). Off: such a name is unknown here.
   * A component any other provider of the server lists wins over an unlisted one.
   * @default true
   */
  forwardUnknown?: boolean;
  /** Where problems are reported. @default noopLogger */
  logger?: Logger;
}

/** The list a kind of component comes in, as `cache` events name it. */
const LIST_OF: Record<ComponentKind, string> = {
  tool: 'tools',
  resource: 'resources',
  template: 'templates',
  prompt: 'prompts',
};

/** The options of {@link ProxyProvider} a proxy passes to the provider of each backend. */
export type ProxyCacheOptions = Pick<
  ProxyProviderOptions,
  | 'cacheTtlMs'
  | 'cacheStore'
  | 'cacheScope'
  | 'maxCacheEntries'
  | 'refreshOnList'
  | 'forwardUnknown'
>;

const CACHE_OPTION_KEYS: ReadonlyArray<keyof ProxyCacheOptions> = [
  'cacheTtlMs',
  'cacheStore',
  'cacheScope',
  'maxCacheEntries',
  'refreshOnList',
  'forwardUnknown',
];

/**
 * Splits `options` into the {@link ProxyCacheOptions} it holds and the rest.
 * @internal
 */
export function splitCacheOptions<T extends ProxyCacheOptions>(
  options: T,
): [ProxyCacheOptions, Omit<T, keyof ProxyCacheOptions>] {
  const cache: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...options };
  for (const key of CACHE_OPTION_KEYS) {
    cache[key] = options[key];
    delete rest[key];
  }
  return [cache as ProxyCacheOptions, rest as Omit<T, keyof ProxyCacheOptions>];
}

type Kind = ComponentKind;

const MAKE: Record<Kind, (factory: ClientFactory, item: unknown) => Component> = {
  tool: (factory, item) => ProxyTool.fromMcpTool(factory, item as McpTool),
  resource: (factory, item) => ProxyResource.fromMcpResource(factory, item as McpResource),
  template: (factory, item) => ProxyTemplate.fromMcpTemplate(factory, item as McpResourceTemplate),
  prompt: (factory, item) => ProxyPrompt.fromMcpPrompt(factory, item as McpPrompt),
};

const LIST: Record<Kind, (client: ProxyClient) => Promise<unknown[]>> = {
  tool: (client) => client.listTools(),
  resource: (client) => client.listResources(),
  template: (client) => client.listResourceTemplates(),
  prompt: (client) => client.listPrompts(),
};

/** A kind's list, or an empty one when the backend answers "method not found". */
async function listOrEmpty(kind: Kind, client: ProxyClient): Promise<unknown[]> {
  try {
    return await LIST[kind](client);
  } catch (error) {
    if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
    throw error;
  }
}

let scopeCounter = 0;

/**
 * A provider whose components live on a backend, reached through a client factory. Component
 * lists are cached per kind and partition (see {@link ProxyProviderOptions.cacheScope} and
 * `ListCache`): calls resolve names from the cache without listing the backend again, a name
 * missing from the cache refreshes the list once (however many callers) and then, unknown
 * still, goes to the backend as it is, and a backend that answers "method not found" to a list
 * contributes an empty list.
 *
 * @example
 * ```ts
 * const backend = new StatefulProxyClient('http://127.0.0.1:8000/mcp');
 * server.addProvider(new ProxyProvider(() => backend.newStateful(), { cacheTtlMs: 60_000 }), { namespace: 'api' });
 * ```
 */
export class ProxyProvider implements Provider {
  /** A name for messages. */
  readonly name: string;
  /**
   * Where backend clients come from: the given factory, resolved once per client request (a
   * call's lookup and the call itself use one backend client).
   */
  readonly clientFactory: ClientFactory;
  /** Whether client lists always ask the backend. */
  readonly refreshOnList: boolean;
  /** How long lists are served from the cache, in milliseconds. */
  readonly cacheTtlMs: number;
  /** The cache scope given, if any (unset: `session` for clients bound to a session). */
  readonly cacheScope: CacheScope | undefined;
  /** Whether names the backend did not list are passed to it. */
  readonly forwardUnknown: boolean;
  readonly #factory: ClientFactory;
  readonly #cache: ListCache;
  readonly #logger: Logger;
  readonly #events = new EventHub();
  readonly #components = new WeakMap<ListCacheEntry, Component[]>();
  readonly #watched = new WeakSet<ProxyClient>();
  readonly #resolved = new WeakMap<Context, Promise<ProxyClient>>();
  /** Opaque partition names of client sessions (a session id may be a credential: never a key). */
  readonly #sessionScopes = new WeakMap<FrontSession, string>();
  readonly #listener: BackendEventListener = (event, from) => this.#onBackendEvent(event, from);

  /**
   * @param clientFactory - gives the backend client for each operation
   * @param options - cache, unknown names and naming
   */
  constructor(clientFactory: ClientFactory, options: ProxyProviderOptions = {}) {
    this.name = options.name ?? 'proxy';
    this.cacheTtlMs = options.cacheTtlMs ?? 300_000;
    this.refreshOnList = options.refreshOnList ?? false;
    this.cacheScope = options.cacheScope;
    this.forwardUnknown = options.forwardUnknown ?? true;
    this.#factory = clientFactory;
    this.#cache = new ListCache({
      ttlMs: this.cacheTtlMs,
      prefix: this.name,
      store: options.cacheStore,
      maxEntries: options.maxCacheEntries,
      onLookup: options.observer
        ? (kind, outcome) =>
            options.observer?.emit('cache', { backend: this.name, kind: LIST_OF[kind], outcome })
        : undefined,
    });
    this.#logger = options.logger ?? noopLogger;
    this.clientFactory = () => this.#client();
  }

  /** The lists this provider caches. */
  get cache(): ListCache {
    return this.#cache;
  }

  /**
   * The backend client of the current client request: the factory runs once per request, and
   * the provider's one listener is put on each client once.
   */
  #client(): Promise<ProxyClient> {
    const context = currentContext();
    // A request about one component (a call, a read, a render) is served by this backend.
    if (context && context.server === undefined && !context.method.endsWith('/list')) {
      context.server = this.name;
    }
    const known = context && this.#resolved.get(context);
    if (known) return known;
    const resolving = Promise.resolve(this.#factory()).then((client) => {
      if (!this.#watched.has(client)) {
        this.#watched.add(client);
        client.onEvent(this.#listener);
      }
      return client;
    });
    if (context) {
      this.#resolved.set(context, resolving);
      resolving.catch(() => this.#resolved.delete(context));
    }
    return resolving;
  }

  /**
   * The partition of `client`'s lists: its forwarded-credential digest and announced
   * capabilities, and, under the `session` scope, the client session its backend session
   * serves (released when that session ends).
   */
  #partition(client: ProxyClient): string {
    const base = principalPartition(client.cachePartition());
    const prefix = this.#sessionPrefix(client);
    return prefix ? `${prefix}${base}` : base;
  }

  /**
   * What the partitions of `client`'s backend session start with under the `session` scope
   * (an opaque name of the client session it serves, released with it); `undefined` otherwise.
   */
  #sessionPrefix(client: ProxyClient): string | undefined {
    const session = client.session;
    const scope = this.cacheScope ?? (session ? 'session' : 'shared');
    if (scope !== 'session' || !session) return undefined;
    let name = this.#sessionScopes.get(session);
    if (name === undefined) {
      scopeCounter += 1;
      name = `s${scopeCounter}|`;
      this.#sessionScopes.set(session, name);
      const prefix = name;
      session.onClose(() => this.#cache.releaseWhere((partition) => partition.startsWith(prefix)));
    }
    return name;
  }

  /**
   * A backend event. A list change clears the cached lists of that kind and is passed on: of
   * the backend session's own partition under the `session` scope, else of every partition.
   * When the backend client serves one client session (`per-session`), the event concerns that
   * session only: the backend tells each of its sessions, so each client session hears of a
   * change once, from its own backend session, instead of once per connected client.
   */
  #onBackendEvent(event: BackendEvent, from: ProxyClient): void {
    const only = from.session ? { session: from.session } : {};
    if (event.type === 'resourceUpdated') {
      this.#events.emit({ type: 'resourceUpdated', uri: event.uri, ...only });
      return;
    }
    const kinds: Kind[] = event.kind === 'resource' ? ['resource', 'template'] : [event.kind];
    const prefix = this.#sessionPrefix(from);
    const partitions = prefix ? (partition: string) => partition.startsWith(prefix) : undefined;
    // Clients are told once the lists are gone, so that what they ask next is fresh.
    void this.#invalidateAll(kinds, partitions).then(() =>
      this.#events.emit({ type: 'listChanged', kind: event.kind, ...only }),
    );
  }

  async #invalidateAll(
    kinds: Kind[],
    partitions: ((partition: string) => boolean) | undefined,
  ): Promise<void> {
    const outcomes = await Promise.allSettled(
      kinds.map((kind) => this.#cache.invalidate(kind, partitions)),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        this.#logger.warn(
          `Cannot clear cached lists of backend ${this.name}: ${String(outcome.reason)}`,
        );
      }
    }
  }

  /**
   * Forgets the cached lists of one kind (every partition). A list still on its way from the
   * backend is not shared with later lookups, nor stored: it may predate the change.
   */
  invalidate(kind: Kind): Promise<void> {
    return this.#cache.invalidate(kind);
  }

  #convert(kind: Kind, entry: ListCacheEntry): Component[] {
    const memo = this.#components.get(entry);
    if (memo) return memo;
    const make = MAKE[kind];
    const components = entry.items.map((item) => make(this.clientFactory, item));
    this.#components.set(entry, components);
    return components;
  }

  async #list<T extends Component>(kind: Kind, refresh: boolean): Promise<T[]> {
    const client = await this.#client();
    const partition = this.#partition(client);
    const { entry } = await this.#cache.get(
      kind,
      partition,
      () => listOrEmpty(kind, client),
      refresh,
    );
    return this.#convert(kind, entry) as T[];
  }

  /**
   * The component of `kind` that `match` picks, from the cache; when the cached list (not
   * fetched just now) lacks it and `refreshOnMiss`, from a refreshed list.
   */
  async #find<T extends Component>(
    kind: Kind,
    match: (component: T) => boolean,
    refreshOnMiss: boolean,
  ): Promise<T | undefined> {
    const client = await this.#client();
    const partition = this.#partition(client);
    const fetch = () => listOrEmpty(kind, client);
    const { entry, fetched } = await this.#cache.get(kind, partition, fetch);
    const found = (this.#convert(kind, entry) as T[]).find(match);
    if (found || fetched || !refreshOnMiss) return found;
    const fresh = await this.#cache.refreshAfterMiss(kind, partition, entry, fetch);
    return (this.#convert(kind, fresh) as T[]).find(match);
  }

  /** Lists the backend's tools (from the cache while it is fresh). */
  listTools(): Promise<ProxyTool[]> {
    return this.#list('tool', this.refreshOnList);
  }

  /**
   * The backend tool named `name`: from the cache, else from a refreshed list, else (with
   * `forwardUnknown`) an unlisted tool that passes the call to the backend as it is.
   */
  async getTool(name: string): Promise<ProxyTool | undefined> {
    const found = await this.#find<ProxyTool>('tool', (tool) => tool.name === name, true);
    if (found || !this.forwardUnknown) return found;
    return ProxyTool.fromMcpTool(this.clientFactory, {
      name,
      inputSchema: { type: 'object' },
    }).copy({ unlisted: true });
  }

  /** Lists the backend's resources (from the cache while it is fresh). */
  listResources(): Promise<ProxyResource[]> {
    return this.#list('resource', this.refreshOnList);
  }

  /**
   * The backend resource at `uri`: from the cache, else from refreshed lists, else (with
   * `forwardUnknown`) an unlisted resource that passes reads and subscriptions to the backend.
   * A URI one of the backend's templates matches is left to the template (undefined here):
   * templated reads never refresh the resource list.
   */
  async getResource(uri: string): Promise<ProxyResource | undefined> {
    const isUri = (resource: ProxyResource) => resource.uri === uri;
    const matches = (template: ProxyTemplate) => template.matches(uri) !== undefined;
    const cached = await this.#find('resource', isUri, false);
    if (cached) return cached;
    if (await this.#find('template', matches, false)) return undefined;
    const [resource, template] = await Promise.all([
      this.#find('resource', isUri, true),
      this.#find('template', matches, true),
    ]);
    if (resource) return resource;
    if (template || !this.forwardUnknown) return undefined;
    return ProxyResource.fromMcpResource(this.clientFactory, { uri, name: uri }).copy({
      unlisted: true,
    });
  }

  /** Lists the backend's resource templates (from the cache while it is fresh). */
  listResourceTemplates(): Promise<ProxyTemplate[]> {
    return this.#list('template', this.refreshOnList);
  }

  /**
   * The first backend template matching `uri`, from the cache (a URI no cached list knows is
   * refreshed by `getResource`, which servers ask first).
   */
  async getResourceTemplate(uri: string): Promise<ProxyTemplate | undefined> {
    const templates = await this.#list<ProxyTemplate>('template', false);
    return firstMatchingTemplate(templates, uri) as ProxyTemplate | undefined;
  }

  /**
   * The backend template whose URI template is `uriTemplate` (a completion's `ref/resource`):
   * from the cache, else from a refreshed list, else (with `forwardUnknown`) an unlisted
   * template that passes completions to the backend.
   */
  async findResourceTemplate(uriTemplate: string): Promise<ProxyTemplate | undefined> {
    const found = await this.#find<ProxyTemplate>(
      'template',
      (template) => template.uriTemplate === uriTemplate,
      true,
    );
    if (found || !this.forwardUnknown) return found;
    return ProxyTemplate.fromMcpTemplate(this.clientFactory, {
      uriTemplate,
      name: uriTemplate,
    }).copy({ unlisted: true });
  }

  /** Lists the backend's prompts (from the cache while it is fresh). */
  listPrompts(): Promise<ProxyPrompt[]> {
    return this.#list('prompt', this.refreshOnList);
  }

  /**
   * The backend prompt named `name`: from the cache, else from a refreshed list, else (with
   * `forwardUnknown`) an unlisted prompt that passes renders and completions to the backend.
   */
  async getPrompt(name: string): Promise<ProxyPrompt | undefined> {
    const found = await this.#find<ProxyPrompt>('prompt', (prompt) => prompt.name === name, true);
    if (found || !this.forwardUnknown) return found;
    return ProxyPrompt.fromMcpPrompt(this.clientFactory, { name }).copy({ unlisted: true });
  }

  /** Proxy components run nothing as background tasks: always empty, and the backend is not asked. */
  getTasks(): Component[] {
    return [];
  }

  /**
   * What the backend offers, tasks excepted (they are not proxied), and resource subscriptions
   * excepted when the backend session closes after each request (`per-request`): no update
   * could arrive on it.
   */
  async capabilities(): Promise<ServerCapabilities> {
    let client: ProxyClient;
    let capabilities: ServerCapabilities;
    try {
      client = await this.#client();
      capabilities = await client.serverCapabilities();
    } catch (error) {
      // A caller who must sign in to the backend first still gets a session: its lists and
      // calls then say how to sign in (an initialize error would say it to no one).
      if (isSignInNeeded(error)) return SIGNED_OUT_CAPABILITIES;
      throw error;
    }
    const { tasks: _tasks, ...offered } = capabilities;
    if (offered.resources?.subscribe && !holdsSubscriptions(client)) {
      const { subscribe: _subscribe, ...resources } = offered.resources;
      return { ...offered, resources };
    }
    return offered;
  }

  /** The backend's instructions (from its initialize answer). */
  async instructions(): Promise<string | undefined> {
    try {
      const client = await this.#client();
      return await client.instructions();
    } catch (error) {
      if (isSignInNeeded(error)) return undefined;
      throw error;
    }
  }

  /**
   * Records the client session's log level for its backend session, when the backend does
   * logging, and sends the backend the most verbose level of the client sessions it serves when
   * that changed (see `ProxyClient.sessionState`): a shared backend session logs at the level
   * its most verbose client asked for, and each client gets only what its own level lets
   * through. The level is released when the client session closes, and sent again after a
   * reconnect.
   */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    const client = await this.#client();
    if (!(await client.serverCapabilities()).logging) return;
    await client.sessionState.setLevel(currentContext()?.session, level);
  }

  /** Pings the backend. */
  async ping(): Promise<void> {
    const client = await this.#client();
    await client.ping();
  }

  /**
   * Passes a client session's roots change (`notifications/roots/list_changed`; called in that
   * session's context) to the backend session serving it, when one is open and was told the
   * roots capability with `listChanged`; none is opened for it. Only a backend client bound to
   * that client session (the `per-session` strategy) is told: a `shared` backend session serves
   * many client sessions (told of one's change, the backend would ask `roots/list` outside any
   * request, which cannot be routed), and a `per-request` one lives as long as one request.
   */
  async rootsChanged(): Promise<void> {
    const session = currentContext()?.session;
    if (!session || session.closed) return;
    const client = await this.clientFactory();
    if (client.session === session) await client.sendRootsListChanged();
  }

  /** Listens to the backend's list changes and resource updates. */
  subscribe(listener: ProviderListener): () => void {
    return this.#events.subscribe(listener);
  }

  /** Where problems are reported. @internal */
  get logger(): Logger {
    return this.#logger;
  }
}
