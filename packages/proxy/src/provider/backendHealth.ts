import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { ProxyError, ProxyErrorCode } from '@org/transports';

/**
 * How a multi-server proxy (`ProxyGroupProvider`) keeps a hung or dead backend from
 * holding up the others: a deadline for each backend when it asks them all at once, and a
 * background retry with exponential backoff for a backend that failed.
 */
export interface BackendHealthOptions {
  /**
   * How long the proxy waits for each backend when it asks them all at once: capabilities at
   * `initialize`, the four lists, `ping`, and the lookups of calls, reads and renders (except
   * on the backend whose namespace the name is in: only it can answer, so its own timeouts
   * apply). A backend that misses the deadline is left out of that answer and marked down;
   * its answer, if it arrives later, still counts (it fills the list cache, and brings the
   * backend back up with `list_changed` to the clients).
   *
   * The default leaves a healthy backend (milliseconds for a list) and most stdio children
   * starting up far inside it, and keeps `initialize` well below the 60 s connect timeout
   * that would otherwise hold every client up.
   * @default 5000
   */
  listDeadlineMs?: number;
  /** The delay before the first background retry of a backend that went down. @default 1000 */
  retryInitialMs?: number;
  /** The longest delay between two retries (the delay doubles after each failed retry). @default 30000 */
  retryMaxMs?: number;
}

/** Whether a backend is served (`up`) or skipped until a background retry succeeds (`down`). */
export type BackendState = 'up' | 'down';

/** What a multi-server proxy knows of one backend's health (see `ProxyGroupProvider.health`). */
export interface BackendHealth {
  /** The server's name in the config. */
  readonly name: string;
  /** `up` (served; also before it was ever contacted) or `down` (skipped, retried in the background). */
  readonly state: BackendState;
  /** When the backend entered this state, in milliseconds since the epoch (for a backend never down: when the proxy was made). */
  readonly since: number;
  /** Why the backend is down (the latest failure); unset while it is up. */
  readonly lastError?: string;
  /** When the next background retry starts, in milliseconds since the epoch; unset while up or while a retry is in flight. */
  readonly nextRetryAt?: number;
  /** Whether a background retry is in flight. */
  readonly retrying: boolean;
  /** How often it failed since it went down: 1, plus one per failed retry; 0 while up. */
  readonly failures: number;
  /** When the backend last answered, in milliseconds since the epoch; unset if it never has. */
  readonly lastSeenAt?: number;
}

/** The defaults of {@link BackendHealthOptions}. @internal */
export const HEALTH_DEFAULTS: Readonly<Required<BackendHealthOptions>> = Object.freeze({
  listDeadlineMs: 5000,
  retryInitialMs: 1000,
  retryMaxMs: 30_000,
});

/** The options with their defaults, checked. @internal */
export function resolveHealthOptions(
  options: BackendHealthOptions,
): Required<BackendHealthOptions> {
  const resolved: Required<BackendHealthOptions> = { ...HEALTH_DEFAULTS };
  for (const key of Object.keys(HEALTH_DEFAULTS) as Array<keyof BackendHealthOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new ProxyError(
        ProxyErrorCode.InvalidConfig,
        `The ${key} option must be a positive number of milliseconds, got ${String(value)}`,
      );
    }
    resolved[key] = value;
  }
  if (resolved.retryMaxMs < resolved.retryInitialMs) {
    throw new ProxyError(
      ProxyErrorCode.InvalidConfig,
      `The retryMaxMs option (${resolved.retryMaxMs}) must not be below retryInitialMs (${resolved.retryInitialMs})`,
    );
  }
  return resolved;
}

/**
 * What a down backend is assumed to offer when it was never reached: every kind of component,
 * so that clients accept the `list_changed` sent when it comes back.
 */
const UNKNOWN_CAPABILITIES: ServerCapabilities = {
  tools: { listChanged: true },
  resources: { listChanged: true },
  prompts: { listChanged: true },
};

const KINDS = ['tools', 'resources', 'prompts'] as const;

/**
 * What the group announces for a backend that is down: what it announced when it last
 * answered, or every kind when it never did.
 * @internal
 */
export function capabilitiesWhileDown(known: ServerCapabilities | undefined): ServerCapabilities {
  return known ?? UNKNOWN_CAPABILITIES;
}

/**
 * `capabilities` with `listChanged` on for each kind announced: a group's lists change when a
 * backend goes down or comes back, whatever the backends themselves announce.
 * @internal
 */
export function withListChanged(capabilities: ServerCapabilities): ServerCapabilities {
  const result: ServerCapabilities = { ...capabilities };
  for (const kind of KINDS) {
    const section = result[kind];
    if (section) result[kind] = { ...section, listChanged: true };
  }
  return result;
}

/**
 * The mutable health record of one backend. Outcomes are ordered by when their attempt
 * started: an answer counts unless an attempt started later already had the opposite outcome
 * (a slow success from before a crash does not hide the crash; a late failure of an old
 * request does not take down a backend that answered since).
 * @internal
 */
export class MemberHealth {
  state: BackendState = 'up';
  since = Date.now();
  lastError: string | undefined;
  /** The failure behind `lastError`, given to a call for a component of the backend while it is down. */
  error: unknown;
  lastSeenAt: number | undefined;
  failures = 0;
  nextRetryAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  retrying = false;
  /** The start number of the latest attempt whose success counted. */
  lastSuccessStart = 0;
  /** The start number of the latest attempt whose failure counted. */
  lastFailureStart = 0;
  /** What the backend announced when it last answered `capabilities`. */
  capabilities: ServerCapabilities | undefined;

  /** A read-only copy. */
  snapshot(name: string): BackendHealth {
    return {
      name,
      state: this.state,
      since: this.since,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(this.nextRetryAt !== undefined ? { nextRetryAt: this.nextRetryAt } : {}),
      retrying: this.retrying,
      failures: this.failures,
      ...(this.lastSeenAt !== undefined ? { lastSeenAt: this.lastSeenAt } : {}),
    };
  }
}
