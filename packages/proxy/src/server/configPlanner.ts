import { filter, type ProviderTransform, toolOverrides } from '@org/core';
import {
  configSourceOf,
  type McpConfig,
  type McpServerEntry,
  type McpServerOptions,
  mcpConfigServers,
  parseMcpConfig,
} from '@org/transports';
import { canonicalJson } from '../canonicalJson';
import type { ClientFactory } from '../components/clientFactory';
import { namespaceFor } from '../naming/toolNames';
import { PolicyEngine } from '../policy/policyEngine';
import { parsePolicy } from '../policy/policySchema';
import type { AccessPolicyConfig } from '../policy/policyTypes';
import type { ProxyBackend } from './proxyServer';
import type { BackendPlan, BackendPlanner, ReloadReport } from './reloadTypes';

/** A server's connection as a proxy holds it: where its clients come from, how to release it. */
export interface ServerConnection {
  /** Where the server's clients come from (its session strategy applied). */
  clientFactory: ClientFactory;
  /** Closes every backend session of the server and stops its children. */
  dispose(): Promise<void>;
}

/** Options of {@link ConfigPlanner}. */
export interface ConfigPlannerOptions {
  /** Opens the connection of a server (a new one, or one whose connection changed). */
  connect(entry: McpServerEntry): ServerConnection;
  /** Namespace a config's only server too. @default false */
  namespaceSingleServer?: boolean;
  /** Applies the config's `policy` section. @default a new engine, without logger or observer */
  policy?: PolicyEngine;
}

/** What a plan holds until it is committed. */
interface PlanState {
  held: Map<string, Held>;
  policy: AccessPolicyConfig | undefined;
}

/** What the planner holds of a server it serves. */
interface Held {
  entry: McpServerEntry;
  /** The entry's target, as compared. */
  connectionKey: string;
  /** The entry's options and namespace, as compared. */
  presentationKey: string;
  connection: ServerConnection;
  namespaced: boolean;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** The transforms of a config entry: tool overrides, then the tag filter. */
export function entryTransforms(options: McpServerOptions): ProviderTransform[] {
  const transforms: ProviderTransform[] = [];
  const { includeTags, excludeTags, tools } = options;
  if (tools && Object.keys(tools).length > 0) transforms.push(toolOverrides(tools));
  if (includeTags?.length || excludeTags?.length) {
    transforms.push(
      filter({ ...(includeTags ? { includeTags } : {}), ...(excludeTags ? { excludeTags } : {}) }),
    );
  }
  return transforms;
}

/**
 * Plans the backends of `mcpServers` configs for a proxy, first at creation and then at each
 * `reconfigure`: a server is matched to the one of the same name served now, and keeps its
 * connection (backend sessions, children, list cache) unless its target changed (command,
 * arguments, env, working directory, URL, headers, transport). Presentation (tool overrides,
 * tags, `required`, the namespace) is rebuilt each time: it costs no session.
 */
export class ConfigPlanner implements BackendPlanner {
  readonly #options: ConfigPlannerOptions;
  /** The engine applying the `policy` section of the configs planned. */
  readonly policy: PolicyEngine;
  #held = new Map<string, Held>();

  /** @param options - how servers are connected, the namespacing of a single server, the policy */
  constructor(options: ConfigPlannerOptions) {
    this.#options = options;
    this.policy = options.policy ?? new PolicyEngine();
  }

  /** Validates `config` and plans its backends, opening nothing (connections open on use). */
  plan(config: unknown): BackendPlan {
    // A config read from a file keeps its name in messages (and the base of relative paths).
    const source = isObject(config) ? configSourceOf(config as McpConfig) : undefined;
    const parsed = parseMcpConfig(config, source === undefined ? {} : { source });
    const policy = parsePolicy(parsed);
    const entries = mcpConfigServers(parsed);
    const namespaced = entries.length > 1 || !!this.#options.namespaceSingleServer;
    const report: ReloadReport = {
      added: [],
      removed: [],
      restarted: [],
      updated: [],
      unchanged: [],
      renamed: false,
    };
    const next = new Map<string, Held>();
    for (const entry of entries) {
      const connectionKey = canonicalJson(entry.target);
      const presentationKey = canonicalJson([entry.options, namespaced]);
      const old = this.#held.get(entry.name);
      if (old && old.namespaced !== namespaced) report.renamed = true;
      if (old && old.connectionKey === connectionKey) {
        const same = old.presentationKey === presentationKey;
        (same ? report.unchanged : report.updated).push(entry.name);
        next.set(entry.name, { ...old, entry, presentationKey, namespaced });
        continue;
      }
      (old ? report.restarted : report.added).push(entry.name);
      next.set(entry.name, {
        entry,
        connectionKey,
        presentationKey,
        namespaced,
        // Nothing is opened yet: a plan dropped uncommitted leaves nothing to release.
        connection: this.#options.connect(entry),
      });
    }
    for (const name of this.#held.keys()) if (!next.has(name)) report.removed.push(name);
    const policyTransforms = this.#policyTransforms(policy);
    const backends = [...next.values()].map((held): ProxyBackend => {
      const name = held.entry.name;
      const { pin, access, visible } = policyTransforms(name);
      return {
        name,
        clientFactory: held.connection.clientFactory,
        dispose: () => held.connection.dispose(),
        ...(held.namespaced ? { namespace: namespaceFor(name) } : {}),
        ...(held.entry.options.required ? { required: true } : {}),
        transforms: [...pin, ...entryTransforms(held.entry.options), ...access],
        ...(visible ? { visible } : {}),
      };
    });
    const state: PlanState = { held: next, policy };
    return { backends, report, state };
  }

  /**
   * The policy's transforms of each server, only those `policy` needs (a config without a
   * policy adds nothing to any lookup): pinning first, on the definitions as the server gave
   * them; visibility and rate limits last before the namespace.
   */
  #policyTransforms(policy: AccessPolicyConfig | undefined) {
    const engine = this.policy;
    const restricts = !!policy?.rules?.length || policy?.default === 'deny';
    const limits = !!policy?.rateLimits?.length;
    return (name: string) => ({
      pin: policy?.pinning ? [engine.pinTransform(name)] : [],
      access: restricts || limits ? [engine.accessTransform(name)] : [],
      visible: restricts ? () => engine.mayShowServer(name) : undefined,
    });
  }

  /** Records `plan` as served: the next plan is compared with it, and its policy applies. */
  commit(plan: BackendPlan): void {
    const state = plan.state as PlanState;
    this.#held = state.held;
    this.policy.update(state.policy);
  }
}
