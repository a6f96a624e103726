import { Observer, type ProviderServerOptions } from '@org/core';
import { type ForwardingHandlers, ProxyClient, type ProxyClientOptions } from '@org/proxy-client';
import {
  type BackendConnector,
  type BackendTarget,
  ChildLimit,
  type ConnectorOptions,
  type HttpTarget,
  type McpConfig,
  ProxyError,
  ProxyErrorCode,
} from '@org/transports';
import type { ClientFactory } from './components/clientFactory';
import type { BackendSignIn } from './oauth/backendSignIn';
import { PolicyEngine } from './policy/policyEngine';
import type { BackendHealthOptions } from './provider/backendHealth';
import type { ProxyCacheOptions } from './provider/proxyProvider';
import { ConfigPlanner } from './server/configPlanner';
import { type ProxyBackend, ProxyServer } from './server/proxyServer';
import { type SessionStrategy, strategyFactory } from './server/sessionStrategy';

/** What `createProxy` can front. */
export type ProxyTarget =
  | BackendTarget
  | BackendConnector
  | ProxyClient
  | McpConfig
  | {
      /** An `mcpServers` config object not yet validated (`createProxy` parses it). */
      mcpServers: Record<string, unknown>;
    };

/** Options of {@link createProxy}: server, cache and backend-client options. */
export interface CreateProxyOptions
  extends ProviderServerOptions,
    BackendHealthOptions,
    ProxyCacheOptions {
  /**
   * How backend sessions map to client sessions. The list cache follows it unless
   * `cacheScope` is given: `per-session` caches per backend session, the others share lists.
   * @default 'per-session'
   */
  strategy?: SessionStrategy;
  /**
   * How long a backend request may take: progress restarts the clock, and it is paused while
   * the backend waits on the client (sampling, elicitation, roots). @default 60000
   */
  requestTimeoutMs?: number;
  /** The most a backend request may take in all, progress or not. @default no limit */
  maxTotalTimeoutMs?: number;
  /** How long opening a backend session (start and `initialize`) may take. @default 60000 */
  connectTimeoutMs?: number;
  /** Names of HTTP headers of client requests to pass to HTTP backends. None by default. */
  forwardHeaders?: string[];
  /** Replace or turn off forwarding handlers. */
  handlers?: Partial<ForwardingHandlers>;
  /** Options of the connectors made from targets (stderr of stdio children, exits). */
  connector?: ConnectorOptions;
  /**
   * How a backend connection lost while client sessions hold resource subscriptions is
   * reopened in the background (their subscriptions and log level restored); `false`: on next
   * use only. @default { attempts: 8, initialDelayMs: 100, maxDelayMs: 5000 }
   */
  reconnect?: ProxyClientOptions['reconnect'];
  /** Namespace a config's only server too (names then do not change from 1 to N servers). @default false */
  namespaceSingleServer?: boolean;
  /**
   * The most stdio backend children this proxy runs at once, across all its command backends
   * (one {@link ChildLimit} per proxy). With `per-session` each client session starts its own
   * child: beyond the limit a new session's backend is refused with a `BACKEND_UNAVAILABLE`
   * error naming the backend and the limit (the client's `initialize` or first request fails),
   * instead of forking without end. Children that exit (their sessions ended) make room again.
   * `0` for no limit. A `connector.childLimit` given explicitly wins (share one between
   * proxies); connectors and `ProxyClient`s passed in as the target keep their own options.
   * @default 100
   */
  maxChildren?: number;
  /**
   * Offers callers of an OAuth front a sign-in to OAuth backends in band (a URL elicitation),
   * when they have no grant (see {@link BackendSignIn}); serve its `routes` on the front.
   */
  backendSignIn?: BackendSignIn;
}

function isConfig(target: ProxyTarget): target is McpConfig {
  return (
    typeof target === 'object' && target !== null && ('mcpServers' in target || 'servers' in target)
  );
}

function clientOptions(options: CreateProxyOptions, name?: string): ProxyClientOptions {
  return {
    name,
    requestTimeoutMs: options.requestTimeoutMs,
    maxTotalTimeoutMs: options.maxTotalTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    forwardHeaders: options.forwardHeaders,
    handlers: options.handlers,
    connector: options.connector,
    reconnect: options.reconnect,
    logger: options.logger,
    observer: options.observer,
    clientInfo: { name: options.name ?? 'mcp-proxy', version: options.version ?? '0.0.0' },
  };
}

function backendFor(base: ProxyClient, strategy: SessionStrategy, name: string): ProxyBackend {
  const { factory, dispose } = strategyFactory(base, strategy);
  return { name, clientFactory: factory as ClientFactory, dispose };
}

/**
 * Makes a proxy of a backend (a URL, a command spec, an HTTP target, an in-process server, a
 * connector or a `ProxyClient`) or of an `mcpServers` config. A config of several servers
 * composes them under namespaces (`server_tool`, `scheme://server/path`). Making a proxy never
 * contacts a backend, nor checks that a command exists: connections open (and children start)
 * on first use, and a backend that cannot start fails the operation that needed it, with an
 * error naming it. (The CLI checks commands at start-up; see `docs/cli.md`.)
 *
 * A proxy of a config can take a new config while serving: `proxy.reconfigure(config)` (the
 * CLI calls it when the config file changes, and on SIGHUP; see `docs/operations.md`).
 *
 * @example
 * ```ts
 * const proxy = createProxy({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] });
 * await serveHttp(proxy, { port: 8080 });
 * ```
 */
export function createProxy(target: ProxyTarget, options: CreateProxyOptions = {}): ProxyServer {
  const {
    strategy = 'per-session',
    namespaceSingleServer = false,
    requestTimeoutMs: _timeout,
    maxTotalTimeoutMs: _maxTotal,
    connectTimeoutMs: _connectTimeout,
    forwardHeaders: _headers,
    handlers: _handlers,
    connector: _connector,
    reconnect: _reconnect,
    maxChildren,
    backendSignIn,
    ...serverOptions
  } = options;
  const wire = <T>(backend: T): T =>
    backendSignIn && typeof backend === 'object' && backend !== null && 'oauth' in backend
      ? (backendSignIn.wire(backend as Partial<HttpTarget>) as T)
      : backend;
  // One observer and one limit for every backend client and stdio connector this proxy makes.
  // A ProxyClient passed in keeps its own observer: the proxy reports to the same one.
  const observer =
    options.observer ?? (target instanceof ProxyClient ? target.observer : new Observer());
  serverOptions.observer = observer;
  const limited: CreateProxyOptions = {
    ...options,
    observer,
    connector: { childLimit: new ChildLimit(maxChildren), ...options.connector },
  };
  if (isConfig(target)) {
    // The planner keeps each server's connection across reconfigure() while its target holds.
    const planner = new ConfigPlanner({
      namespaceSingleServer,
      policy: new PolicyEngine({ logger: options.logger, observer }),
      connect: (entry) => {
        if (
          strategy === 'shared' &&
          'tokenExchange' in entry.target &&
          entry.target.tokenExchange
        ) {
          throw new ProxyError(
            ProxyErrorCode.InvalidConfig,
            `mcpServers.${entry.name}.token_exchange cannot be used with the shared strategy: a backend session reached with a caller's token must not serve other callers (use per-session)`,
          );
        }
        const base = new ProxyClient(wire(entry.target), clientOptions(limited, entry.name));
        const { factory, dispose } = strategyFactory(base, strategy);
        return { clientFactory: factory as ClientFactory, dispose };
      },
    });
    const plan = planner.plan(target);
    planner.commit(plan);
    return new ProxyServer({
      ...serverOptions,
      backends: plan.backends,
      planner,
      childLimit: limited.connector?.childLimit,
    });
  }
  const base =
    target instanceof ProxyClient
      ? target
      : new ProxyClient(wire(target as BackendTarget), clientOptions(limited));
  const childLimit = target instanceof ProxyClient ? undefined : limited.connector?.childLimit;
  return new ProxyServer({
    ...serverOptions,
    backends: [backendFor(base, strategy, base.name)],
    childLimit,
  });
}
