import type { ProxyBackend } from './proxyServer';

/** What `ProxyServer.setBackends` changed, by backend name. */
export interface BackendChanges {
  /** Backends served from now on that were not before (their sessions open on first use). */
  added: string[];
  /** Backends no longer served: their sessions were closed, their children stopped. */
  removed: string[];
  /** Backends kept, their sessions, list cache and health with them. */
  kept: string[];
}

/** What `ProxyServer.reconfigure` changed, by server name, in the new config's order. */
export interface ReloadReport {
  /** Servers new in the config. */
  added: string[];
  /** Servers gone from the config: their sessions were closed, their children stopped. */
  removed: string[];
  /**
   * Servers whose connection changed (command, arguments, env, working directory, URL,
   * headers, transport): their old backend sessions were closed; new ones open on first use.
   */
  restarted: string[];
  /**
   * Servers whose presentation only changed (tool overrides, tags, `required`, or their
   * namespace): their backend sessions go on.
   */
  updated: string[];
  /** Servers exactly as before. */
  unchanged: string[];
  /**
   * Whether the names of servers that stay in the config changed because the config went from one server
   * (names unprefixed) to several (names under `server_`), or back. Clients were told to list
   * again; a client holding an old name gets an unknown-tool error for it.
   */
  renamed: boolean;
}

/** A config turned into backends, not yet applied (see {@link BackendPlanner}). */
export interface BackendPlan {
  /** The backends to serve. */
  backends: ProxyBackend[];
  /** What serving them changes. */
  report: ReloadReport;
  /** The planner's own record of the plan, for `commit`. */
  state: unknown;
}

/**
 * Turns configs into backends for `ProxyServer.reconfigure`, reusing the backends of
 * servers whose connection did not change. `createProxy` makes one for a proxy of a config.
 */
export interface BackendPlanner {
  /**
   * Validates `config` and plans its backends; changes nothing.
   * @throws ProxyError `INVALID_CONFIG` naming the field when the config is invalid
   */
  plan(config: unknown): BackendPlan;
  /** Records that `plan` is now served (the next plan is compared with it). */
  commit(plan: BackendPlan): void;
}
