import {
  type Provider,
  ProviderServer,
  type ProviderServerOptions,
  type ProviderTransform,
  transformProvider,
} from '@org/core';
import {
  type ChildLimit,
  errorMessage,
  type Logger,
  noopLogger,
  ProxyError,
  ProxyErrorCode,
} from '@org/transports';
import type { ClientFactory } from '../components/clientFactory';
import { boundedNamespace } from '../naming/boundedNamespace';
import {
  type BackendHealth,
  type BackendHealthOptions,
  HEALTH_DEFAULTS,
} from '../provider/backendHealth';
import { type GroupMember, ProxyGroupProvider } from '../provider/proxyGroupProvider';
import {
  type ProxyCacheOptions,
  ProxyProvider,
  splitCacheOptions,
} from '../provider/proxyProvider';
import { BackendSlot } from './backendSlot';
import type { BackendChanges, BackendPlanner, ReloadReport } from './reloadTypes';
import { passSessionLevels } from './sessionLevels';

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
  /**
   * Whether the current request's caller may know of this backend (a config's `policy`): a
   * backend it may see nothing of is left out of the messages and instructions it gets.
   * @default always
   */
  visible?: () => boolean;
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
  /**
   * How {@link ProxyServer.reconfigure} turns a config into backends; `createProxy` sets it
   * for a proxy of an `mcpServers` config. Without it the proxy cannot be reconfigured (its
   * backends can still be replaced with {@link ProxyServer.setBackends}).
   */
  planner?: BackendPlanner;
  /**
   * Whether every kind announced at `initialize` carries `listChanged`, whatever the backends
   * announce: a proxy whose backends may be replaced changes its lists, and clients only take
   * the notifications of kinds announced with it. @default true with a `planner`, else false
   */
  announceListChanged?: boolean;
}

/** One backend as served: its provider (lists, cache) and its place in a group. */
interface Served {
  backend: ProxyBackend;
  provider: ProxyProvider;
  member: GroupMember;
}

/** The error for a backend list a proxy cannot serve. */
function invalidBackends(message: string): ProxyError {
  return new ProxyError(ProxyErrorCode.InvalidConfig, message);
}

/** Checks a backend list: at least one, names unique. */
function checkBackends(backends: readonly ProxyBackend[]): void {
  if (backends.length === 0) {
    throw invalidBackends('A ProxyServer needs a clientFactory or at least one backend');
  }
  const names = new Set<string>();
  for (const backend of backends) {
    if (names.has(backend.name)) throw invalidBackends(`Two backends are named ${backend.name}`);
    names.add(backend.name);
  }
}

/**
 * An MCP server fronting backends (FastMCP's `FastMCPProxy`): a {@link ProviderServer} wired
 * with a {@link ProxyProvider} per backend. Local components added with `add()` come first and
 * win on name clashes. It announces what the backends offer and nothing more, forwards ping,
 * completion, resource subscriptions and `logging/setLevel`, and reports a failing backend by
 * name. With several backends, each is namespaced by its name, a failing one is skipped with a
 * warning, and only all failing is an error.
 *
 * The backends can be replaced while clients are connected ({@link ProxyServer.setBackends},
 * and {@link ProxyServer.reconfigure} for a proxy of a config): sessions of the backends kept
 * go on, those of the backends removed are closed, and clients are told to list again.
 *
 * @example
 * ```ts
 * const backend = new ProxyClient({ command: 'node', args: ['server.js'] });
 * const proxy = new ProxyServer({ clientFactory: () => backend });
 * await serveHttp(proxy, { port: 8080 });
 * ```
 */
export class ProxyServer extends ProviderServer {
  /** The limit on stdio children the backends share (read `running`), when known. */
  readonly childLimit: ChildLimit | undefined;
  readonly #cache: ProxyCacheOptions;
  readonly #healthOptions: BackendHealthOptions;
  readonly #logger: Logger;
  readonly #planner: BackendPlanner | undefined;
  readonly #slot: BackendSlot;
  #served: Served[] = [];
  #group: ProxyGroupProvider | undefined;
  /** The replacement in progress: replacements run one after the other. */
  #replacing: Promise<unknown> = Promise.resolve();

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
      planner,
      announceListChanged,
      ...serverOptions
    } = rest;
    super({ name: 'mcp-proxy', capabilities: {}, onProviderError: 'raise', ...serverOptions });
    const backends = given ?? (clientFactory ? [{ name: 'backend', clientFactory }] : []);
    checkBackends(backends);
    this.childLimit = childLimit;
    this.#cache = cache;
    this.#healthOptions = { listDeadlineMs, retryInitialMs, retryMaxMs };
    this.#logger = serverOptions.logger ?? noopLogger;
    this.#planner = planner;
    this.#slot = new BackendSlot(this.#arrange(backends), announceListChanged ?? !!planner);
    this.addProvider(this.#slot);
  }

  /** The backends, in order. */
  get backends(): readonly ProxyBackend[] {
    return this.#served.map((served) => served.backend);
  }

  /** The providers of the backends' components, in order. */
  get proxyProviders(): readonly ProxyProvider[] {
    return this.#served.map((served) => served.provider);
  }

  /**
   * Serves `backends` from now on, returning what now stands behind the slot. A backend whose
   * `clientFactory` is one already served keeps its provider (its list cache and backend
   * sessions) and its health; its name, namespace and transforms may change.
   */
  #arrange(backends: readonly ProxyBackend[]): Provider {
    const previous = this.#served;
    this.#served = backends.map((backend) => {
      const kept = previous.find(
        (served) => served.backend.clientFactory === backend.clientFactory,
      );
      const provider =
        kept?.provider ??
        new ProxyProvider(backend.clientFactory, {
          ...this.#cache,
          name: backend.name,
          logger: this.#logger,
          observer: this.observer,
        });
      const transforms = [...(backend.transforms ?? [])];
      if (backend.namespace !== undefined) transforms.push(boundedNamespace(backend.namespace));
      const exposed = transformProvider(provider, ...transforms);
      // The member object is kept (its health is keyed by it); what it serves is replaced.
      const member: GroupMember = kept?.member ?? {
        name: backend.name,
        namespace: '',
        provider: exposed,
      };
      member.name = backend.name;
      member.namespace = backend.namespace ?? '';
      member.provider = exposed;
      member.visible = backend.visible;
      return { backend, provider, member };
    });
    if (this.#served.length === 1) {
      void this.#group?.stop();
      this.#group = undefined;
      return this.#served[0]!.member.provider;
    }
    const members = this.#served.map((served) => served.member);
    if (this.#group) this.#group.setMembers(members);
    else this.#group = new ProxyGroupProvider(members, this.#logger, this.#healthOptions);
    return this.#group;
  }

  /**
   * Replaces the backends while clients stay connected. A backend whose `clientFactory` is one
   * served now is kept: its backend sessions, list cache and health go on (its name, namespace,
   * transforms and `required` may change). The others are new. The backends no longer in the
   * list are released (`dispose`: their sessions closed, their children stopped) once nothing
   * routes to them; a request of theirs still in flight fails with the error of its closed
   * session. Every client session is then sent `list_changed` for tools, resources and prompts,
   * and the backends added are told the log level of each client session that set one.
   * Replacements run one at a time, in call order.
   *
   * A kind no backend announced when a session initialized stays unknown to that session (MCP
   * fixes capabilities at `initialize`); sessions opened later see it.
   *
   * @param backends - the backends from now on (at least one, names unique)
   * @returns the names added, removed and kept
   * @throws ProxyError `INVALID_CONFIG` for an empty list or two backends of one name; nothing
   *   changes then
   */
  setBackends(backends: ProxyBackend[]): Promise<BackendChanges> {
    checkBackends(backends);
    const run = this.#replacing.then(() => this.#replace(backends));
    this.#replacing = run.catch(() => undefined);
    return run;
  }

  async #replace(backends: ProxyBackend[]): Promise<BackendChanges> {
    const before = this.#served;
    this.#slot.swap(this.#arrange(backends));
    const factories = new Set(backends.map((backend) => backend.clientFactory));
    const gone = before.filter((served) => !factories.has(served.backend.clientFactory));
    const kept = before.filter((served) => factories.has(served.backend.clientFactory));
    const keptFactories = new Set(kept.map((served) => served.backend.clientFactory));
    this.#slot.announceChanges();
    const added = this.#served.filter((served) => !keptFactories.has(served.backend.clientFactory));
    await passSessionLevels(
      this.sessions,
      added.map((served) => ({ name: served.backend.name, provider: served.provider })),
      this.#healthOptions.listDeadlineMs ?? HEALTH_DEFAULTS.listDeadlineMs,
      this.#logger,
    );
    await Promise.all(
      gone.map(async ({ backend }) => {
        try {
          await backend.dispose?.();
        } catch (error) {
          this.#logger.warn(`Releasing MCP server ${backend.name} failed: ${errorMessage(error)}`);
        }
      }),
    );
    return {
      added: backends.filter((b) => !keptFactories.has(b.clientFactory)).map((b) => b.name),
      removed: gone.map((served) => served.backend.name),
      kept: backends.filter((b) => keptFactories.has(b.clientFactory)).map((b) => b.name),
    };
  }

  /**
   * Serves a new config (an `mcpServers` object, validated here), for a proxy made from one
   * by `createProxy`: servers added start serving, servers removed are released, a server
   * whose connection changed (command, arguments, env, URL, headers) is restarted, one whose
   * presentation changed (tool overrides, tags, `required`) keeps its backend sessions, and an
   * unchanged one keeps everything. Clients are told to list again. See `docs/operations.md`.
   *
   * @param config - the new config, parsed or not
   * @returns what changed, by server name
   * @throws ProxyError `INVALID_CONFIG` naming the field when the config is invalid (the
   *   proxy goes on serving the old one), or when the proxy was not made from a config
   */
  async reconfigure(config: unknown): Promise<ReloadReport> {
    const planner = this.#planner;
    if (!planner) {
      throw invalidBackends(
        'This proxy was not made from an mcpServers config: it cannot be reconfigured (use setBackends)',
      );
    }
    let plan: ReturnType<BackendPlanner['plan']>;
    try {
      plan = planner.plan(config);
      await this.setBackends(plan.backends);
    } catch (error) {
      this.observer.emit('reload', {
        outcome: 'rejected',
        added: 0,
        removed: 0,
        restarted: 0,
        error: errorMessage(error),
      });
      throw error;
    }
    planner.commit(plan);
    const { added, removed, restarted } = plan.report;
    this.observer.emit('reload', {
      outcome: 'ok',
      added: added.length,
      removed: removed.length,
      restarted: restarted.length,
    });
    return plan.report;
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
    await this.#replacing;
    await super.close();
    await Promise.allSettled(this.backends.map((backend) => backend.dispose?.()));
  }
}
