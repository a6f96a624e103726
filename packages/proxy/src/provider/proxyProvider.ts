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
  EventHub,
  firstMatchingTemplate,
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
import { InMemoryListCacheStore, type ListCacheEntry, type ListCacheStore } from './listCache';

/** Options of {@link ProxyProvider}. */
export interface ProxyProviderOptions {
  /** A name for messages (the backend's). @default 'proxy' */
  name?: string;
  /**
   * How long a backend's component lists are served from the cache (to client lists and to the
   * lookups of calls, reads and renders), in milliseconds. `0` disables the cache. A backend
   * `list_changed` notification clears the kind it names; every list fetched from the backend
   * refreshes the cache for every client session.
   * @default 300000
   */
  cacheTtlMs?: number;
  /**
   * Make every client list ask the backend (FastMCP's behaviour), keeping the cache for
   * lookups only. For backends whose lists change without `list_changed` notifications.
   * @default false
   */
  refreshOnList?: boolean;
  /** Where lists are kept. @default a new InMemoryListCacheStore */
  cacheStore?: ListCacheStore;
  /** Where problems are reported. @default noopLogger */
  logger?: Logger;
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

/**
 * A provider whose components live on a backend, reached through a client factory. Component
 * lists are cached per kind and shared by every client session (partitioned by the client
 * capabilities announced to the backend): calls resolve names from the cache without listing
 * the backend again, concurrent cold lookups share one backend request, and a backend that
 * answers "method not found" to a list contributes an empty list.
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
  /** Where backend clients come from. */
  readonly clientFactory: ClientFactory;
  /** Whether client lists always ask the backend. */
  readonly refreshOnList: boolean;
  /** How long lists are served from the cache, in milliseconds. */
  readonly cacheTtlMs: number;
  readonly #store: ListCacheStore;
  readonly #logger: Logger;
  readonly #events = new EventHub();
  readonly #inflight = new Map<string, Promise<ListCacheEntry>>();
  readonly #keys = new Map<Kind, Set<string>>();
  /** Bumped by each invalidation of a kind: a list fetched across one is not stored. */
  readonly #generations = new Map<Kind, number>();
  readonly #components = new WeakMap<ListCacheEntry, Component[]>();
  /**
   * The one listener put on every backend client. It is the same function each time so that a
   * client listens once: `ProxyClient.new()` copies its listeners to the copies it makes, and
   * a listener added twice would report each backend event twice.
   */
  readonly #listener: BackendEventListener = (event, from) => this.#onBackendEvent(event, from);

  /**
   * @param clientFactory - gives the backend client for each operation
   * @param options - cache and naming
   */
  constructor(clientFactory: ClientFactory, options: ProxyProviderOptions = {}) {
    this.name = options.name ?? 'proxy';
    this.cacheTtlMs = options.cacheTtlMs ?? 300_000;
    this.refreshOnList = options.refreshOnList ?? false;
    this.#store = options.cacheStore ?? new InMemoryListCacheStore();
    this.#logger = options.logger ?? noopLogger;
    this.clientFactory = async () => this.#watch(await clientFactory());
  }

  #watch(client: ProxyClient): ProxyClient {
    client.onEvent(this.#listener);
    return client;
  }

  /**
   * A backend event. A list change clears the cached lists of that kind (for every client
   * session: the cache is shared) and is passed on. When the backend client serves one client
   * session (`per-session`), the event concerns that session only: the backend tells each of its
   * sessions, so each client session hears of a change once, from its own backend session,
   * instead of once per connected client.
   */
  #onBackendEvent(event: BackendEvent, from: ProxyClient): void {
    const only = from.session ? { session: from.session } : {};
    if (event.type === 'resourceUpdated') {
      this.#events.emit({ type: 'resourceUpdated', uri: event.uri, ...only });
      return;
    }
    const kinds: Kind[] = event.kind === 'resource' ? ['resource', 'template'] : [event.kind];
    // Clients are told once the lists are gone, so that what they ask next is fresh.
    void this.#invalidateAll(kinds).then(() =>
      this.#events.emit({ type: 'listChanged', kind: event.kind, ...only }),
    );
  }

  async #invalidateAll(kinds: Kind[]): Promise<void> {
    const outcomes = await Promise.allSettled(kinds.map((kind) => this.invalidate(kind)));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        this.#logger.warn(
          `Cannot clear cached lists of backend ${this.name}: ${String(outcome.reason)}`,
        );
      }
    }
  }

  #partition(client: ProxyClient): string {
    return client.cachePartition();
  }

  /**
   * Forgets the cached lists of one kind (every partition). A list still on its way from the
   * backend is not shared with later lookups, nor stored: it may predate the change.
   */
  async invalidate(kind: Kind): Promise<void> {
    this.#generations.set(kind, (this.#generations.get(kind) ?? 0) + 1);
    for (const key of [...this.#inflight.keys()]) {
      if (key.startsWith(`${kind}:`)) this.#inflight.delete(key);
    }
    const keys = this.#keys.get(kind);
    if (!keys) return;
    this.#keys.delete(kind);
    await Promise.all([...keys].map((key) => this.#store.delete(key)));
  }

  async #fetch(kind: Kind, client: ProxyClient, key: string): Promise<ListCacheEntry> {
    const generation = this.#generations.get(kind) ?? 0;
    let items: unknown[];
    try {
      items = await LIST[kind](client);
    } catch (error) {
      if (!(error instanceof McpError && error.code === ErrorCode.MethodNotFound)) throw error;
      items = [];
    }
    const entry: ListCacheEntry = { items, storedAt: performance.now() };
    if (generation !== (this.#generations.get(kind) ?? 0)) return entry;
    await this.#store.set(key, entry);
    const keys = this.#keys.get(kind) ?? new Set<string>();
    keys.add(key);
    this.#keys.set(kind, keys);
    return entry;
  }

  async #entry(
    kind: Kind,
    refresh: boolean,
  ): Promise<{ entry: ListCacheEntry; factory: ClientFactory }> {
    const client = await this.clientFactory();
    const key = `${kind}:${this.#partition(client)}`;
    const factory = this.clientFactory;
    if (!refresh && this.cacheTtlMs > 0) {
      const cached = await this.#store.get(key);
      if (cached && performance.now() - cached.storedAt < this.cacheTtlMs)
        return { entry: cached, factory };
    }
    let pending = this.#inflight.get(key);
    if (!pending) {
      const fetching = this.#fetch(kind, client, key).finally(() => {
        if (this.#inflight.get(key) === fetching) this.#inflight.delete(key);
      });
      pending = fetching;
      this.#inflight.set(key, fetching);
    }
    return { entry: await pending, factory };
  }

  #convert(kind: Kind, entry: ListCacheEntry, factory: ClientFactory): Component[] {
    const memo = this.#components.get(entry);
    if (memo) return memo;
    const make = MAKE[kind];
    const components = entry.items.map((item) => make(factory, item));
    this.#components.set(entry, components);
    return components;
  }

  async #components_<T extends Component>(kind: Kind, refresh: boolean): Promise<T[]> {
    const { entry, factory } = await this.#entry(kind, refresh);
    return this.#convert(kind, entry, factory) as T[];
  }

  /** Lists the backend's tools (from the cache while it is fresh). */
  listTools(): Promise<ProxyTool[]> {
    return this.#components_('tool', this.refreshOnList);
  }

  /** The backend tool named `name`, from the cache when it is fresh. */
  async getTool(name: string): Promise<ProxyTool | undefined> {
    return (await this.#components_<ProxyTool>('tool', false)).find((tool) => tool.name === name);
  }

  /** Lists the backend's resources (from the cache while it is fresh). */
  listResources(): Promise<ProxyResource[]> {
    return this.#components_('resource', this.refreshOnList);
  }

  /** The backend resource at `uri`, from the cache when it is fresh. */
  async getResource(uri: string): Promise<ProxyResource | undefined> {
    return (await this.#components_<ProxyResource>('resource', false)).find(
      (resource) => resource.uri === uri,
    );
  }

  /** Lists the backend's resource templates (from the cache while it is fresh). */
  listResourceTemplates(): Promise<ProxyTemplate[]> {
    return this.#components_('template', this.refreshOnList);
  }

  /** The first backend template matching `uri`, from the cache when it is fresh. */
  async getResourceTemplate(uri: string): Promise<ProxyTemplate | undefined> {
    return firstMatchingTemplate(await this.#components_<ProxyTemplate>('template', false), uri) as
      | ProxyTemplate
      | undefined;
  }

  /** Lists the backend's prompts (from the cache while it is fresh). */
  listPrompts(): Promise<ProxyPrompt[]> {
    return this.#components_('prompt', this.refreshOnList);
  }

  /** The backend prompt named `name`, from the cache when it is fresh. */
  async getPrompt(name: string): Promise<ProxyPrompt | undefined> {
    return (await this.#components_<ProxyPrompt>('prompt', false)).find(
      (prompt) => prompt.name === name,
    );
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
    const client = await this.clientFactory();
    const { tasks: _tasks, ...offered } = await client.serverCapabilities();
    if (offered.resources?.subscribe && !holdsSubscriptions(client)) {
      const { subscribe: _subscribe, ...resources } = offered.resources;
      return { ...offered, resources };
    }
    return offered;
  }

  /** Passes the client's log level to the backend, when it does logging. */
  async setLogLevel(level: LoggingLevel): Promise<void> {
    const client = await this.clientFactory();
    if ((await client.serverCapabilities()).logging) await client.setLoggingLevel(level);
  }

  /** Pings the backend. */
  async ping(): Promise<void> {
    const client = await this.clientFactory();
    await client.ping();
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
