/**
 * Who a rule applies to. Every condition given must hold; an empty `match` applies to every
 * caller, the unauthenticated included.
 */
export interface PrincipalMatch {
  /** Subjects (a token's `sub`, or its client id), any of them. */
  subjects?: string[];
  /** Scopes the caller must all hold. */
  scopes?: string[];
  /**
   * Claims of the caller's token: each named claim must equal the value given, or, when the
   * claim is an array, contain it. A list of values means any of them.
   */
  claims?: Record<string, string | number | boolean | (string | number | boolean)[]>;
}

/**
 * One rule of an {@link AccessPolicyConfig}: what the callers it matches may see and call.
 *
 * A target names a server, or components of one: `github` or `github/*` is everything the
 * server serves; `github/create_*` is the tools and prompts of `github` whose names (as the
 * server's entry exposes them, before the namespace) match the glob; `github/uri:repo://*` is
 * its resources and resource templates whose URI (or URI template) matches. `*` matches any
 * run of characters, `*` alone every server.
 */
export interface AccessRuleConfig {
  /** Who the rule applies to. @default every caller */
  match?: PrincipalMatch;
  /** What the rule grants. */
  allow?: string[];
  /** What the rule withholds: a deny of any matching rule wins over every allow. */
  deny?: string[];
}

/** A token bucket limiting calls to some tools, per caller. */
export interface RateLimitConfig {
  /** The tools limited, as targets (see {@link AccessRuleConfig}). */
  tools: string[];
  /** Who the limit applies to. @default every caller */
  match?: PrincipalMatch;
  /** The most calls in a burst: the bucket's size. */
  capacity: number;
  /** Calls allowed back per second, on average. */
  refillPerSecond: number;
  /**
   * `tool`: each caller has a bucket per tool; `rule`: each caller shares one bucket across the
   * rule's tools. @default 'tool'
   */
  per?: 'tool' | 'rule';
}

/** What the proxy does with a tool whose definition changed since it was pinned. */
export type PinAction = 'withhold' | 'warn';

/** Tool pinning: each tool's definition is recorded on first sight and checked afterwards. */
export interface PinningConfig {
  /** `withhold` hides a changed tool until it is approved; `warn` serves it and logs the change. @default 'withhold' */
  action?: PinAction;
  /**
   * The file the pins are kept in (created mode 0600). A relative path is relative to the
   * config file's directory (the working directory for a config built in code). @default `$XDG_CONFIG_HOME/org-mcp-proxy/pins.json` (or `~/.config/…`)
   */
  file?: string;
  /**
   * Pins given in the config, `<server>/<tool>` to a `sha256:<hex>` digest (as `org-mcp-proxy
   * pins` prints them): these win over the file's.
   */
  pins?: Record<string, string>;
}

/**
 * The `policy` section of a config, beside `mcpServers`: which callers (principals, as the
 * front's OAuth established them) see and call what, how often, and which tool definitions
 * are trusted.
 */
export interface AccessPolicyConfig {
  /**
   * What a caller gets for a component no rule grants it: `deny` hides it, `allow` shows it.
   * @default 'deny' when there are rules, else 'allow'
   */
  default?: 'allow' | 'deny';
  /** The rules, applied together: a caller gets the union of what its rules allow, minus what they deny. */
  rules?: AccessRuleConfig[];
  /** Rate limits on tool calls. */
  rateLimits?: RateLimitConfig[];
  /** Tool pinning; unset: no pinning. */
  pinning?: PinningConfig;
}
