import { resolve } from 'node:path';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  type Context,
  currentContext,
  type Observer,
  type Principal,
  type ProviderTransform,
  type Tool,
} from '@org/core';
import { type Logger, noopLogger } from '@org/transports';
import { canonicalJson } from '../canonicalJson';
import { AccessPolicy, type Grants } from './accessPolicy';
import { defaultPinFile } from './pinFile';
import type { AccessPolicyConfig } from './policyTypes';
import { RateLimiter } from './rateLimiter';
import { ToolPins } from './toolPins';

/** The JSON-RPC error code of a call refused by a rate limit (in the implementation-defined range). */
export const RATE_LIMITED = -32029;

/** Options of {@link PolicyEngine}. */
export interface PolicyEngineOptions {
  /** Where changed tools and pin-file failures are logged. */
  logger?: Logger;
  /** Told of rate-limited calls and changed tools. */
  observer?: Observer;
}

/**
 * Applies a config's `policy` section to a proxy's backends: per-caller visibility, rate limits
 * and tool pinning, through transforms each backend is served with. The section may be
 * replaced ({@link PolicyEngine.update}, at each reload): the transforms read the current one,
 * rate-limit buckets are kept while the limits stay the same, and the pins while the pinning
 * settings do.
 */
export class PolicyEngine {
  readonly #logger: Logger;
  readonly #observer: Observer | undefined;
  #access = new AccessPolicy();
  #limiter = new RateLimiter();
  #limitsKey = '[]';
  #pins: ToolPins | undefined;
  #pinsKey = '';
  readonly #grants = new WeakMap<Context, Grants>();
  /** The rate-limited copy of each tool (a tool object belongs to one server's provider). */
  readonly #guarded = new WeakMap<Tool, Tool>();

  /** @param options - the logger and the observer */
  constructor(options: PolicyEngineOptions = {}) {
    this.#logger = options.logger ?? noopLogger;
    this.#observer = options.observer;
  }

  /** Serves `config` (a validated `policy` section; `undefined`: none) from now on. */
  update(config: AccessPolicyConfig | undefined): void {
    this.#access = new AccessPolicy(config ?? {});
    const limitsKey = canonicalJson(config?.rateLimits ?? []);
    if (limitsKey !== this.#limitsKey) {
      this.#limiter = new RateLimiter(config?.rateLimits ?? []);
      this.#limitsKey = limitsKey;
    }
    const pinning = config?.pinning;
    const pinsKey = pinning ? canonicalJson(pinning) : '';
    if (pinsKey !== this.#pinsKey) {
      this.#pins = pinning
        ? new ToolPins({
            file: pinning.file ? resolve(pinning.file) : defaultPinFile(),
            action: pinning.action,
            pins: pinning.pins,
            logger: this.#logger,
            observer: this.#observer,
          })
        : undefined;
      this.#pinsKey = pinsKey;
    }
  }

  /** The tool pins in force, if pinning is on. */
  get pins(): ToolPins | undefined {
    return this.#pins;
  }

  /** What the current request's caller may see. */
  #grantsNow(): Grants {
    const context = currentContext();
    if (this.#access.open || !context) return this.#access.grantsFor(context?.principal);
    let grants = this.#grants.get(context);
    if (!grants) {
      grants = this.#access.grantsFor(context.principal);
      this.#grants.set(context, grants);
    }
    return grants;
  }

  /** Whether the current caller may see anything of `server` (and so read its name in messages). */
  mayShowServer(server: string): boolean {
    return this.#grantsNow().mayShowServer(server);
  }

  /**
   * The transform applied first to `server`'s components, on their way from the backend:
   * tool pinning, on the definitions exactly as the server gave them.
   */
  pinTransform(server: string): ProviderTransform {
    return {
      name: 'pinning',
      tool: (tool) => (!this.#pins || this.#pins.check(server, tool) ? tool : undefined),
    };
  }

  /**
   * The transform applied last before the namespace: what the current caller may see and call
   * (names as the server's entry exposes them), and the rate limits on its calls.
   */
  accessTransform(server: string): ProviderTransform {
    const allows = (kind: 'tool' | 'prompt' | 'resource' | 'template', key: string): boolean =>
      this.#access.open || this.#grantsNow().allows(server, kind, key);
    return {
      name: 'policy',
      tool: (tool) => (allows('tool', tool.name) ? this.#limited(server, tool) : undefined),
      toolKey: (name) => (allows('tool', name) ? name : undefined),
      prompt: (prompt) => (allows('prompt', prompt.name) ? prompt : undefined),
      promptKey: (name) => (allows('prompt', name) ? name : undefined),
      resource: (resource) => (allows('resource', resource.uri) ? resource : undefined),
      resourceKey: (uri) => (allows('resource', uri) ? uri : undefined),
      template: (template) => (allows('template', template.uriTemplate) ? template : undefined),
      templateKey: (uri) => (allows('template', uri) ? uri : undefined),
    };
  }

  /** `tool`, or a copy whose calls first take a token from the rate limits that apply. */
  #limited(server: string, tool: Tool): Tool {
    if (!this.#limiter.limits(server)) return tool;
    const cached = this.#guarded.get(tool);
    if (cached) return cached;
    const run = tool.run.bind(tool);
    const guarded = tool.copy({
      run: (args: Record<string, unknown>, context?: Context) => {
        const principal = (context ?? currentContext())?.principal;
        this.#admit(server, tool.name, principal);
        return run(args, context);
      },
    } as Partial<Tool>);
    this.#guarded.set(tool, guarded);
    return guarded;
  }

  /** Takes a token for a call, or throws the rate-limit error with its retry hint. */
  #admit(server: string, tool: string, principal: Principal | undefined): void {
    const refusal = this.#limiter.take(server, tool, principal);
    if (!refusal) return;
    this.#observer?.emit('policy', {
      type: 'rateLimited',
      server,
      tool,
      ...(principal ? { principal } : {}),
    });
    // The server's error mapping strips the SDK's `MCP error <code>:` prefix on the wire.
    const seconds = (refusal.retryAfterMs / 1000).toFixed(1);
    throw new McpError(
      RATE_LIMITED,
      `Rate limit exceeded for tool ${tool} of server ${server}: retry in ${seconds} s`,
      { retryAfterMs: refusal.retryAfterMs, ...refusal.limit },
    );
  }
}
